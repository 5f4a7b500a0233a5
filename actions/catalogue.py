"""Course and job lists for a client: search, paging, details and «علاقه‌مندم»."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions._runtime import database, source_message_id, telegram_user_id
from actions.family import current_member
from actions.intake import profile_of
from karyar import clients
from karyar.catalogue.interests import record_interest
from karyar.catalogue.listing import (
    ItemKind,
    card,
    details,
    heading,
    item_ref,
    nothing_near,
    parse_item_ref,
    search_for,
    title_of,
    too_young,
)
from karyar.clients import TelegramIdentity
from karyar.eligibility.engine import assess
from karyar.eligibility.model import Topic
from karyar.eligibility.summary import good_to_know_text
from karyar.policies import policies
from karyar.texts import _
from persian.format import format_number, persian_text

KIND_OF_TOPIC: dict[Topic, ItemKind] = {Topic.COURSES: "course", Topic.JOBS: "job"}


def item_of(tracker: Tracker) -> tuple[ItemKind, int] | None:
    """The course or job a button names, from the entity the payload carries."""
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "item" and (item := parse_item_ref(str(entity.get("value") or ""))):
            return item
    return None


def _item_buttons(kind: ItemKind, item_id: int) -> list[dict[str, str]]:
    item = f'{{"item": "{item_ref(kind, item_id)}"}}'
    return [
        {"title": _("Catalogue button: more details"), "payload": f"/show_details{item}"},
        {"title": _("Catalogue button: interested"), "payload": f"/express_interest{item}"},
    ]


async def show_list(
    dispatcher: CollectingDispatcher, tracker: Tracker, *, topic: Topic, page: int
) -> list[EventType]:
    """A page of courses or jobs suited to the client, nearest first, each with its buttons."""
    profile = profile_of(tracker.slots)
    if (not_yet := too_young(profile)) is not None:
        # An empty list would hide the reason: say from what age, and that we will be glad to see them then.
        dispatcher.utter_message(text=not_yet)
        return [SlotSet("last_search", None)]
    kind = KIND_OF_TOPIC[topic]
    found = await database().run_async(search_for, kind=kind, profile=profile, page=page)
    if not found.items:
        dispatcher.utter_message(response="utter_list_empty" if page == 0 else "utter_list_end")
        return [SlotSet("last_search", None)]
    if page == 0:
        # With nothing near, a person who knows the area is one tap away from the first line on.
        counsellor = [{"title": _("Announcement: counsellor button"), "payload": "/request_counsellor"}]
        dispatcher.utter_message(
            text=persian_text(heading(found, kind=kind, profile=profile, member=current_member(tracker))),
            buttons=counsellor if nothing_near(found, profile) else [],
        )
    for item in found.items:
        dispatcher.utter_message(text=card(item, profile), buttons=_item_buttons(kind, item.id))
    if page == 0 and (note := good_to_know_text(assess(profile, policies(), topic=topic))) is not None:
        dispatcher.utter_message(text=note)
    if found.has_next:
        shown = (page + 1) * found.page_size
        dispatcher.utter_message(
            text=_("Catalogue: seen so far").format(
                shown=format_number(shown), total=format_number(found.total)
            ),
            buttons=[
                {"title": _("Catalogue button: next"), "payload": "/next_page"},
                {"title": _("Announcement: counsellor button"), "payload": "/request_counsellor"},
            ],
        )
    return [SlotSet("last_search", {"topic": topic.value, "page": page})]


class ActionNextPage(Action):
    def name(self) -> str:
        return "action_next_page"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        last: Any = tracker.get_slot("last_search")
        if not isinstance(last, dict) or last.get("topic") not in (Topic.COURSES, Topic.JOBS):
            dispatcher.utter_message(response="utter_no_previous_list")
            return []
        return await show_list(
            dispatcher, tracker, topic=Topic(last["topic"]), page=int(last.get("page", 0)) + 1
        )


class ActionShowDetails(Action):
    def name(self) -> str:
        return "action_show_details"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        item = item_of(tracker)
        text = None if item is None else await database().run_async(details, kind=item[0], item_id=item[1])
        if item is None or text is None:
            dispatcher.utter_message(response="utter_item_gone")
            return []
        dispatcher.utter_message(text=text, buttons=_item_buttons(*item)[1:])
        return []


def _record_interest(
    session: Session, *, user_id: int, kind: ItemKind, item_id: int, message_id: int | None
) -> str | None:
    """The title of the course or job the interest was recorded for; "" without consent; None if gone."""
    client = clients.ensure_client(session, identity=TelegramIdentity(user_id=user_id))
    title = title_of(session, kind=kind, item_id=item_id)
    if title is None:
        return None
    if client.consent_given_at is None:
        return ""
    record_interest(session, client_id=client.id, kind=kind, item_id=item_id, source_message_id=message_id)
    return title


class ActionExpressInterest(Action):
    def name(self) -> str:
        return "action_express_interest"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        item = item_of(tracker)
        user_id = telegram_user_id(tracker)
        if item is None or user_id is None:
            dispatcher.utter_message(response="utter_item_gone")
            return []
        title = await database().run_async(
            _record_interest,
            user_id=user_id,
            kind=item[0],
            item_id=item[1],
            message_id=source_message_id(tracker),
        )
        if title is None:
            dispatcher.utter_message(response="utter_item_gone")
        elif not title:
            dispatcher.utter_message(response="utter_interest_needs_consent")
        else:
            dispatcher.utter_message(response="utter_interest_recorded", title=title)
        return []

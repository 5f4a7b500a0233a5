"""Handing the client to a counsellor: open the handoff in the case database and pause the conversation.

The bot takes it from there (the client's place in the queue, the case card for counsellors) when it sees
the `handoff` payload, and gives the conversation back to Rasa when the counsellor closes it.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from actions._runtime import database, source_message_id, telegram_user_id
from actions.profile_facts import keep_told_with_a_request
from karyar import cases, clients
from karyar.clients import TelegramIdentity
from karyar.db.models import CaseEventKind, HandoffReason, HandoffTier
from karyar.handoff.queue import open_handoff
from karyar.wellbeing.distress import signs_of_distress

logger = logging.getLogger(__name__)

# Reasons a button may give; anything else is the client's own request.
_BUTTON_REASONS = {
    HandoffReason.JUDGEMENT,
    HandoffReason.INTEREST,
    HandoffReason.NOT_UNDERSTOOD,
    HandoffReason.DISTRESS,
}


def reason_of(tracker: Tracker) -> HandoffReason:
    given = next(tracker.get_latest_entity_values("handoff_reason"), None)
    return HandoffReason(given) if given in _BUTTON_REASONS else HandoffReason.CLIENT_REQUEST


def _open(
    session: Session,
    *,
    user_id: int,
    reason: HandoffReason,
    message_id: int | None,
    tier: HandoffTier = HandoffTier.COUNSELLOR,
) -> tuple[int, bool]:
    client = clients.ensure_client(session, identity=TelegramIdentity(user_id=user_id))
    details: dict[str, Any] = {}
    if reason == HandoffReason.INTEREST:
        interests = cases.events(
            session, case_id=cases.open_case(session, client_id=client.id).id, kind=CaseEventKind.INTEREST
        )
        if interests:
            details = {key: interests[-1].data.get(key) for key in ("kind", "item_id", "title")}
    handoff, created = open_handoff(
        session,
        client_id=client.id,
        reason=reason,
        details=details,
        source_message_id=message_id,
        tier=tier,
    )
    return handoff.id, created


async def hand_over(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    *,
    reason: HandoffReason,
    unavailable: str,
    opened: str | None = None,
    tier: HandoffTier = HandoffTier.COUNSELLOR,
) -> list[EventType]:
    """Open the handoff, then say so (`opened`, if given); if it cannot be opened, say `unavailable` only."""
    user_id = telegram_user_id(tracker)
    if user_id is None:
        dispatcher.utter_message(response=unavailable)
        return []
    try:
        handoff_id, created = await database().run_async(
            _open, user_id=user_id, reason=reason, message_id=source_message_id(tracker), tier=tier
        )
    except SQLAlchemyError as error:
        logger.error("could not open a handoff, the case database failed: %s", type(error).__name__)
        dispatcher.utter_message(response=unavailable)
        return []
    if opened is not None:
        dispatcher.utter_message(response=opened)
    dispatcher.utter_message(json_message={"handoff": {"id": handoff_id, "new": created}})
    # A form in progress ends: the person takes over, and afterwards the client starts afresh.
    return [ActiveLoop(None), SlotSet("requested_slot", None), ConversationPaused()]


class ActionRequestCounsellor(Action):
    def name(self) -> str:
        return "action_request_counsellor"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        kept = await keep_told_with_a_request(tracker, domain)
        return kept + await hand_over(
            dispatcher, tracker, reason=reason_of(tracker), unavailable="utter_handoff_unavailable"
        )


class ActionTakeComplaint(Action):
    """A complaint reaches a person: the pool's supervisors get the case, and only then is the client told so.

    A complaint that tells of distress («صاحبخونه وسایلمونو ریخته بیرون») is comforted first (bot.care): it is
    then told where her words went without an apology for something Karyar did not do."""

    def name(self) -> str:
        return "action_take_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        in_distress = bool(signs_of_distress(str(tracker.latest_message.get("text") or "")))
        return await hand_over(
            dispatcher,
            tracker,
            reason=HandoffReason.COMPLAINT,
            tier=HandoffTier.SUPERVISOR,
            opened="utter_complaint_passed_on_in_distress" if in_distress else "utter_complaint_passed_on",
            unavailable="utter_complaint_unavailable",
        )

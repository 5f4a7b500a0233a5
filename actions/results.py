"""The answer once the intake questions are done, and the personal documents list."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions._runtime import database, source_message_id, telegram_user_id
from actions.catalogue import show_list
from actions.family import current_member, giver_line, member_profile, own_facts
from actions.intake import CONSENT_SLOT, profile_of, topic_of
from actions.profile_facts import keep_told_with_a_request
from karyar import cases, clients
from karyar.clients import TelegramIdentity
from karyar.db.models import CaseEventKind, CaseStage
from karyar.eligibility.engine import assess
from karyar.eligibility.model import Assessment, Profile, Topic
from karyar.eligibility.summary import documents_text, result_record, summary_text
from karyar.members import Member, asks_whose_letter, your_member
from karyar.policies import policies
from karyar.texts import _
from karyar.vocabulary import value_label


def record_result(
    session: Session, *, user_id: int, record: dict[str, object], message_id: int | None
) -> bool:
    """Put the result on the client's case timeline (with consent only) and move the case to assessment."""
    client = clients.ensure_client(session, identity=TelegramIdentity(user_id=user_id))
    if client.consent_given_at is None:
        return False
    case = cases.open_case(session, client_id=client.id)
    cases.record_event(
        session,
        case=case,
        kind=CaseEventKind.ELIGIBILITY_RESULT,
        data=record,
        source_message_id=message_id,
    )
    if case.stage == CaseStage.INTAKE:
        cases.change_stage(session, case=case, to_stage=CaseStage.ASSESSMENT, note="eligibility result")
    return True


class ActionIntakeResult(Action):
    def name(self) -> str:
        return "action_intake_result"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        topic = topic_of(tracker)
        if tracker.get_slot(CONSENT_SLOT) is False:
            return await self._before_consent(dispatcher, tracker, topic)
        member = current_member(tracker)
        profile = profile_of(tracker.slots)
        assessment = assess(profile, policies(), topic=topic)
        if topic in (Topic.COURSES, Topic.JOBS):
            if member is not None:
                dispatcher.utter_message(text=_("Family: the list is for").format(member=your_member(member)))
            events = await show_list(dispatcher, tracker, topic=topic, page=0)
            await _say_who_gives_consent(dispatcher, tracker, assessment, member, profile)
            return events
        heading = _("Intake result: heading")
        if member is not None:
            heading = _("Intake result: heading for a member").format(member=your_member(member))
        elif assessment.organisation in ("emdad", "behzisti"):
            organisation = value_label("organisation", assessment.organisation)
            heading = _("Intake result: heading for an organisation").format(organisation=organisation)
        dispatcher.utter_message(
            response="utter_intake_result", text=summary_text(assessment, heading=heading)
        )
        await _say_who_gives_consent(dispatcher, tracker, assessment, member, profile)
        user_id = telegram_user_id(tracker)
        if user_id is not None:
            await database().run_async(
                record_result,
                user_id=user_id,
                record=result_record(assessment, topic=topic.value),
                message_id=source_message_id(tracker),
            )
        return [SlotSet("topic", None)]

    @staticmethod
    async def _before_consent(
        dispatcher: CollectingDispatcher, tracker: Tracker, topic: Topic
    ) -> list[EventType]:
        """What can be said without personal facts: the list for the place named, else the general rules;
        then one sentence on why the privacy notice matters, with its buttons."""
        profile = profile_of(tracker.slots)
        events: list[EventType] = []
        if topic in (Topic.COURSES, Topic.JOBS) and (profile.province or profile.city):
            events = await show_list(dispatcher, tracker, topic=topic, page=0)
        else:
            assessment = assess(profile, policies(), topic=topic)
            heading = _("Intake result: heading before consent")
            dispatcher.utter_message(
                response="utter_intake_result", text=summary_text(assessment, heading=heading)
            )
        dispatcher.utter_message(response="utter_consent_for_your_answer")
        dispatcher.utter_message(json_message={"consent": "ask"})
        return [*events, SlotSet("topic", None)]


async def _client_role(tracker: Tracker) -> str | None:
    user_id = telegram_user_id(tracker)
    if user_id is None:
        return None
    own = await database().run_async(own_facts, user_id=user_id)
    return own.get("household_role")


async def _say_who_gives_consent(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    assessment: Assessment,
    member: Member | None,
    profile: Profile,
) -> None:
    """A member's answer that involves the consent letter says who gives it (the client, often)."""
    if member is None:
        return
    line = giver_line(
        assessment, member=member, member_role=profile.household_role, client_role=await _client_role(tracker)
    )
    if line is not None:
        dispatcher.utter_message(text=line)


# What the client is asked to tell for a documents list of her own, when the general one is all there is.
_PERSONAL_LIST_NEEDS = ("age", "organisation")


class ActionDocuments(Action):
    """The documents for the services the client can apply for; the general list when that is not known."""

    def name(self) -> str:
        return "action_documents"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if asks_whose_letter(str(tracker.latest_message.get("text") or "")) and await self._whose_letter(
            dispatcher, tracker
        ):
            return []
        kept = await keep_told_with_a_request(tracker, domain)
        text = documents_text(assess(profile_of(tracker.slots), policies()))
        if text is None:
            dispatcher.utter_message(response="utter_ask_documents")
            if not all(tracker.get_slot(slot) for slot in _PERSONAL_LIST_NEEDS):  # never ask what she told
                dispatcher.utter_message(response="utter_documents_personal_offer")
        else:
            dispatcher.utter_message(text=text)
        return kept

    @staticmethod
    async def _whose_letter(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
        """«رضایت‌نامه از من میخاد؟» after a request for a member: whether the letter is needed for them and
        who gives it. False when the request was the client's own (the documents list answers then)."""
        member = current_member(tracker)
        user_id = telegram_user_id(tracker)
        if member is None or user_id is None:
            return False
        profile = await database().run_async(member_profile, user_id=user_id, member=member)
        assessment = assess(profile, policies(), topic=topic_of(tracker))
        line = giver_line(
            assessment,
            member=member,
            member_role=profile.household_role,
            client_role=await _client_role(tracker),
        )
        if line is None:
            dispatcher.utter_message(text=_("Consent giver: none needed").format(member=your_member(member)))
        else:
            dispatcher.utter_message(text=f"{_('Consent giver: yes')} {line}")
        return True

"""The answer once the intake questions are done, and the personal documents list."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions._runtime import database, source_message_id, telegram_user_id
from actions.catalogue import show_list
from actions.intake import CONSENT_SLOT, profile_of, topic_of
from karyar import cases, clients
from karyar.clients import TelegramIdentity
from karyar.db.models import CaseEventKind, CaseStage
from karyar.eligibility.engine import assess
from karyar.eligibility.model import Topic
from karyar.eligibility.summary import documents_text, result_record, summary_text
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
        if topic in (Topic.COURSES, Topic.JOBS):
            return await show_list(dispatcher, tracker, topic=topic, page=0)
        assessment = assess(profile_of(tracker.slots), policies(), topic=topic)
        heading = _("Intake result: heading")
        if assessment.organisation in ("emdad", "behzisti"):
            organisation = value_label("organisation", assessment.organisation)
            heading = _("Intake result: heading for an organisation").format(organisation=organisation)
        dispatcher.utter_message(
            response="utter_intake_result", text=summary_text(assessment, heading=heading)
        )
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


class ActionDocuments(Action):
    """The documents for the services the client can apply for; the general list when that is not known."""

    def name(self) -> str:
        return "action_documents"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = documents_text(assess(profile_of(tracker.slots), policies()))
        if text is None:
            dispatcher.utter_message(response="utter_ask_documents")
        else:
            dispatcher.utter_message(text=text)
        return []

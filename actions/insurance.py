"""The insurance answer, with the facts told beside the question kept on the case."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.organisation_answers import insurance_text, organisations_asked_about
from actions.profile_facts import keep_told_with_a_request


class ActionInsurance(Action):
    """«خانمم ۴۵ سالمه از کمیته امداد، بیمه هم میدین؟»: the age and organisation are kept, so she is not asked
    them again, and the insurance answer follows as for the bare question, about the organisation asked about
    or hers."""

    def name(self) -> str:
        return "action_insurance"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        kept = await keep_told_with_a_request(tracker, domain)
        dispatcher.utter_message(text=insurance_text(organisations_asked_about(tracker)))
        return kept

"""When the assistant does not understand: ask to rephrase; the second time in a row, offer a person.

A message about a topic outside Karyar's work (subsidies, housing, …) is told who does answer it instead,
as the policy of the client's organisation names them.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from karyar.policies import policies
from karyar.policies.elsewhere import pointer

ACTION_NAME = "action_fallback"


def previous_turn_was_fallback(events: list[dict[str, Any]]) -> bool:
    """Did this action answer the client's previous message too?

    Walking back from the newest event: the current user message, then the actions that answered the
    previous one, then the previous user message.
    """
    user_messages_seen = 0
    for event in reversed(events):
        if event.get("event") == "user":
            user_messages_seen += 1
            if user_messages_seen == 2:
                return False
        elif user_messages_seen == 1 and event.get("event") == "action" and event.get("name") == ACTION_NAME:
            return True
    return False


class ActionFallback(Action):
    def name(self) -> str:
        return ACTION_NAME

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = str((tracker.latest_message or {}).get("text") or "")
        told_elsewhere = pointer(policies().for_organisation(tracker.get_slot("organisation")), text)
        if told_elsewhere is not None:
            dispatcher.utter_message(response="utter_elsewhere", pointer=told_elsewhere)
        elif previous_turn_was_fallback(tracker.events):
            dispatcher.utter_message(response="utter_default_offer_counsellor")
        elif ((tracker.latest_message or {}).get("intent") or {}).get("name") == "out_of_scope":
            dispatcher.utter_message(response="utter_out_of_scope")
        else:
            dispatcher.utter_message(response="utter_default")
        return []

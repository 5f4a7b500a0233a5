"""Record what a client says about themselves as profile facts, each tied to the message it came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions._runtime import database, source_message_id, telegram_user_id
from karyar import clients, profile
from karyar.clients import TelegramIdentity
from karyar.facts import ProfileFactName
from karyar.vocabulary import FACT_LABELS, value_label
from persian.format import join_list, persian_text

RECORDABLE = {name.value for name in ProfileFactName}


@dataclass(frozen=True, slots=True)
class Outcome:
    consent: bool
    recorded: list[tuple[str, str]]


def facts_in(entities: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(name, canonical value) for every entity that is a profile fact, in the order said, once each."""
    seen: list[tuple[str, str]] = []
    for entity in entities:
        name, value = entity.get("entity"), entity.get("value")
        if name in RECORDABLE and isinstance(value, str | int) and str(value).strip():
            fact = (str(name), str(value).strip())
            if fact not in seen:
                seen.append(fact)
    return seen


def record_facts(
    session: Session, *, user_id: int, facts: list[tuple[str, str]], message_id: int | None
) -> Outcome:
    """Store the facts on the client's profile if they consented; the outcome says what was stored."""
    client = clients.ensure_client(session, identity=TelegramIdentity(user_id=user_id))
    recorded = profile.record_facts_with_consent(
        session,
        client_id=client.id,
        facts=[(ProfileFactName(name), value) for name, value in facts],
        source="chat",
        source_message_id=message_id,
    )
    return Outcome(consent=recorded, recorded=facts if recorded else [])


def describe(facts: list[tuple[str, str]]) -> str:
    """«سن: ۲۳، استان: تهران» — how the bot repeats back what it understood."""
    return persian_text(
        join_list([f"{FACT_LABELS[name]}: {value_label(name, value)}" for name, value in facts])
    )


class ActionRecordProfileFacts(Action):
    def name(self) -> str:
        return "action_record_profile_facts"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        facts = facts_in((tracker.latest_message or {}).get("entities") or [])
        if not facts:
            dispatcher.utter_message(response="utter_profile_nothing_understood")
            return []
        user_id = telegram_user_id(tracker)
        outcome = (
            Outcome(consent=False, recorded=[])
            if user_id is None
            else await database().run_async(
                record_facts, user_id=user_id, facts=facts, message_id=source_message_id(tracker)
            )
        )
        if not outcome.consent:
            dispatcher.utter_message(response="utter_profile_needs_consent")
            return [SlotSet("consent_given", False)]
        dispatcher.utter_message(response="utter_profile_recorded", facts=describe(outcome.recorded))
        return [SlotSet("consent_given", True)]

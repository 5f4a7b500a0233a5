"""Session start: register the client and their case, and bring back what they told us before."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions._runtime import database, telegram_user_id
from karyar import clients, profile
from karyar.clients import TelegramIdentity
from karyar.facts import ASKING_ORDER

# The intake's slots mirror the facts it asks, under the same names.
PROFILE_SLOTS = tuple(name.value for name in ASKING_ORDER)


@dataclass(frozen=True, slots=True)
class Registered:
    """A client at the start of a session: whether they consented, and the facts they told us before."""

    consent: bool
    facts: dict[str, list[str]]  # the facts in force by name, oldest value first


def _register(session: Session, *, user_id: int) -> Registered:
    client = clients.ensure_client(session, identity=TelegramIdentity(user_id=user_id))
    return Registered(
        consent=client.consent_given_at is not None,
        facts=profile.current_profile(session, client_id=client.id),
    )


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        user_id = telegram_user_id(tracker)
        if user_id is not None:
            registered = await database().run_async(_register, user_id=user_id)
            events.append(SlotSet("consent_given", registered.consent))
            known_slots = set((domain or {}).get("slots", {}))
            for name in PROFILE_SLOTS:
                if name in registered.facts and name in known_slots:
                    events.append(SlotSet(name, registered.facts[name][-1]))
        events.append(ActionExecuted("action_listen"))
        return events

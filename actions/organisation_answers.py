"""Answers that differ by organisation speak of the one they are about.

That is the organisation the question names as a provider («وام بهزیستی چطوریه؟», the NLU's role
``provider``), else the client's own. With neither known, or both named, the answer speaks of both, Emdad's
part first.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from karyar.texts import _
from persian.providers import PROVIDER_ROLE

# The organisations whose services the answers tell apart, in the order they are told when both are.
ORGANISATIONS = ("emdad", "behzisti")


def organisations_asked_about(tracker: Tracker) -> tuple[str, ...]:
    """The organisation the latest message asks about, else the client's own; both when neither is known."""
    named = set(tracker.get_latest_entity_values("organisation", entity_role=PROVIDER_ROLE))
    if len(named) != 1:
        named = {tracker.get_slot("organisation")}
    return tuple(o for o in ORGANISATIONS if o in named) or ORGANISATIONS


def loans_text(organisations: tuple[str, ...]) -> str:
    parts = {"emdad": _("Loan answer: Emdad's plan types"), "behzisti": _("Loan answer: Behzisti's services")}
    return "\n".join(
        [_("Loan answer: what loans are"), *(parts[o] for o in organisations), _("Loan answer: who decides")]
    )


def insurance_text(organisations: tuple[str, ...]) -> str:
    parts = {"emdad": _("Insurance answer: Emdad"), "behzisti": _("Insurance answer: Behzisti")}
    return "\n".join(
        [
            _("Insurance answer: heading"),
            *(parts[o] for o in organisations),
            _("Insurance answer: who tells the details"),
        ]
    )


class ActionExplainLoans(Action):
    """What loans are and who decides them, for the organisation asked about; the intake follows."""

    def name(self) -> str:
        return "action_explain_loans"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(text=loans_text(organisations_asked_about(tracker)))
        return []

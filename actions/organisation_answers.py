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

from actions.profile_facts import keep_told_with_a_request
from karyar.facts import SKIPPED
from karyar.texts import _
from karyar.vocabulary import value_label
from persian.providers import PROVIDER_ROLE

# The organisations whose services the answers tell apart, in the order they are told when both are.
ORGANISATIONS = ("emdad", "behzisti")
# The parts of an answer on lines of their own, in one message (the bot sends what an empty line separates
# as separate messages).
_PARTS_APART = "\n"


def organisations_asked_about(tracker: Tracker) -> tuple[str, ...]:
    """The organisation the latest message asks about, else the client's own; both when neither is known."""
    named = set(tracker.get_latest_entity_values("organisation", entity_role=PROVIDER_ROLE))
    if len(named) != 1:
        named = {tracker.get_slot("organisation")}
    return tuple(o for o in ORGANISATIONS if o in named) or ORGANISATIONS


def loans_text(organisations: tuple[str, ...]) -> str:
    parts = {"emdad": _("Loan answer: Emdad's plan types"), "behzisti": _("Loan answer: Behzisti's services")}
    return _PARTS_APART.join(
        [_("Loan answer: what loans are"), *(parts[o] for o in organisations), _("Loan answer: who decides")]
    )


def insurance_text(organisations: tuple[str, ...]) -> str:
    parts = {"emdad": _("Insurance answer: Emdad"), "behzisti": _("Insurance answer: Behzisti")}
    return _PARTS_APART.join(
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


def contact_text(organisations: tuple[str, ...], city: str | None) -> str:
    """Where to go: the office of the organisation asked about in her city, as far as they are known. Her
    city is asked for only when she has not been asked it (`None`), never when she chose not to say it."""
    if len(organisations) == 1:
        organisation = value_label("organisation", organisations[0])
    else:
        organisation = _("Contact answer: either organisation")
    named = city not in (None, SKIPPED)
    place = _("Contact answer: in the city").format(city=city) if named else _("Contact answer: in your town")
    where = _("Contact answer: where to go").format(organisation=organisation, place=place)
    return where if city is not None else _PARTS_APART.join([where, _("Contact answer: write your city")])


class ActionContact(Action):
    """The office to go to, for the organisation asked about and in the city she named («آدرس بهزیستی
    شیراز کجاست»), without asking for the city she gave; facts told beside the question are kept."""

    def name(self) -> str:
        return "action_contact"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        kept = await keep_told_with_a_request(tracker, domain)
        city = tracker.get_slot("city")
        dispatcher.utter_message(text=contact_text(organisations_asked_about(tracker), city and str(city)))
        return kept

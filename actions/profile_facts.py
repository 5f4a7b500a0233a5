"""Record what a client says about themselves or a family member as profile facts, each tied to the message
it came from.

The NLU's `subject` entity says whose facts a message gives («خانمم ۲۸ سالشه» is the wife's age): a family
member's facts go to that member in the client's case, never to the client, and the slots (the client's own
answers in this conversation) keep the client's values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions._runtime import database, source_message_id, telegram_user_id
from actions.answers import checked
from actions.slot_history import slot_before_latest_message
from karyar import clients, profile
from karyar.clients import TelegramIdentity
from karyar.facts import SKIPPED, ProfileFactName
from karyar.members import Member, implied_facts, member_named, your_member
from karyar.texts import _
from karyar.vocabulary import FACT_LABELS, value_label
from persian.format import join_list, persian_text

RECORDABLE = {name.value for name in ProfileFactName}
SUBJECT = "subject"


@dataclass(frozen=True, slots=True)
class Outcome:
    consent: bool
    recorded: list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Told:
    """The facts a message gives about one person: the client (member None) or a family member."""

    member: Member | None
    facts: list[tuple[str, str]]
    implied: list[tuple[str, str]] = field(default_factory=list)  # what the relation says («پسرم»: a man)

    @property
    def all_facts(self) -> list[tuple[str, str]]:
        return self.facts + self.implied


def facts_in(entities: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(name, canonical value) for every entity that is a profile fact, in the order said, once each.

    An entity with a role is not one: an organisation named as a provider («وام بهزیستی چطوریه») is what the
    message asks about."""
    seen: list[tuple[str, str]] = []
    for entity in entities:
        name, value = entity.get("entity"), entity.get("value")
        if (
            name in RECORDABLE
            and not entity.get("role")
            and isinstance(value, str | int)
            and str(value).strip()
        ):
            fact = (str(name), str(value).strip())
            if fact not in seen:
                seen.append(fact)
    return seen


def _in_order(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if all(isinstance(entity.get("start"), int) for entity in entities):
        return sorted(entities, key=lambda entity: int(entity["start"]))
    return list(entities)


def _checked(facts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A member's facts as the intake checks an answer: canonical, and only what can be one."""
    valid = [(name, checked(name, value)) for name, value in facts]
    return [(name, value) for name, value in valid if value is not None and value != SKIPPED]


def _said(entity: dict[str, Any], text: str) -> str:
    """The words an entity was read from (the normaliser keeps offsets, so they index the text as typed)."""
    start, end = entity.get("start"), entity.get("end")
    if entity.get("text"):
        return str(entity["text"])
    return text[start:end] if isinstance(start, int) and isinstance(end, int) else ""


def told_in(entities: list[dict[str, Any]], text: str = "") -> list[Told]:
    """The message's facts by whom they are about, the client first.

    A fact belongs to the person named before it («۴۰ سالمه ولی پسرم ۱۹ سالشه»: the first age is the
    writer's); a message that names no one is about the client.
    """
    ordered = _in_order(entities)
    current: dict[str, Any] = {}
    groups: dict[Member | None, tuple[str, list[dict[str, Any]]]] = {}
    for entity in ordered:
        if entity.get("entity") == SUBJECT:
            current = entity
            continue
        member = member_named(current.get("value"))
        said_as, said = groups.setdefault(member, (_said(current, text) if current else "", []))
        said.append(entity)
    told = []
    for member, (said_as, said) in sorted(groups.items(), key=lambda group: group[0] is not None):
        facts = facts_in(said) if member is None else _checked(facts_in(said))
        if not facts:
            continue
        named = {name for name, _value in facts}
        implied = [] if member is None else implied_facts(member, said_as)
        told.append(Told(member, facts, [fact for fact in implied if fact[0] not in named]))
    return told


def people_named(entities: list[dict[str, Any]], text: str = "") -> list[tuple[Member | None, int]]:
    """Who the message names (None: the writer, «خودم»), each with where it was named."""
    return [
        (member_named(entity.get("value")), int(entity.get("start") or 0))
        for entity in _in_order(entities)
        if entity.get("entity") == SUBJECT
    ]


def told_in_latest(tracker: Tracker) -> list[Told]:
    latest = tracker.latest_message or {}
    return told_in(latest.get("entities") or [], str(latest.get("text") or ""))


def writer_slot_values(tracker: Tracker, told: list[Told]) -> dict[str, Any]:
    """The slots a member's facts would have set, with the client's own value: what the client said of
    themselves in the same message, else what the slot held before it."""
    own = dict(next((person.facts for person in told if person.member is None), []))
    return {
        name: own.get(name, slot_before_latest_message(tracker, name))
        for person in told
        if person.member is not None
        for name, _value in person.all_facts
    }


def record_facts(
    session: Session,
    *,
    user_id: int,
    facts: list[tuple[str, str]],
    message_id: int | None,
    member: Member | None = None,
) -> Outcome:
    """Store the facts on the client's profile (or the member's) if they consented; the outcome says what
    was stored."""
    client = clients.ensure_client(session, identity=TelegramIdentity(user_id=user_id))
    recorded = profile.record_facts_with_consent(
        session,
        client_id=client.id,
        facts=[(ProfileFactName(name), value) for name, value in facts],
        source="chat",
        source_message_id=message_id,
        member=member,
    )
    return Outcome(consent=recorded, recorded=facts if recorded else [])


def record_told(session: Session, *, user_id: int, told: list[Told], message_id: int | None) -> bool:
    """Store each person's facts in one transaction; False (nothing stored) without the client's consent."""
    outcomes = [
        record_facts(
            session, user_id=user_id, facts=person.all_facts, message_id=message_id, member=person.member
        )
        for person in told
    ]
    return all(outcome.consent for outcome in outcomes)


def describe(facts: list[tuple[str, str]]) -> str:
    """«سن: ۲۳، استان: تهران» — how the bot repeats back what it understood."""
    return persian_text(
        join_list([f"{FACT_LABELS[name]}: {value_label(name, value)}" for name, value in facts])
    )


def utter_recorded(dispatcher: CollectingDispatcher, told: list[Told]) -> None:
    """Repeat back what was noted, saying for whom when it is not (only) the client."""
    if len(told) == 1 and told[0].member is None:
        dispatcher.utter_message(response="utter_profile_recorded", facts=describe(told[0].facts))
    elif len(told) == 1 and told[0].member is not None:
        dispatcher.utter_message(
            response="utter_profile_recorded_for_member",
            member=your_member(told[0].member),
            facts=describe(told[0].all_facts),
        )
    else:
        lines = [
            f"{_('Member: yourself') if person.member is None else your_member(person.member)}: "
            + describe(person.all_facts)
            for person in told
        ]
        dispatcher.utter_message(response="utter_profile_recorded", facts="\n".join(lines))


async def keep_told(
    tracker: Tracker, domain: dict[str, Any], told: list[Told]
) -> tuple[bool, list[EventType]]:
    """Store what the latest message told of the client and her family, if she consented; with the slot
    events that keep a member's facts out of the client's own slots."""
    slots = domain.get("slots") or {}
    # The slots are the client's own answers: a member's facts must not stay in them.
    events: list[EventType] = [
        SlotSet(name, value) for name, value in writer_slot_values(tracker, told).items() if name in slots
    ]
    user_id = telegram_user_id(tracker)
    consent = user_id is not None and await database().run_async(
        record_told, user_id=user_id, told=told, message_id=source_message_id(tracker)
    )
    return consent, events


async def keep_told_with_a_request(tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
    """A request answered outside the intake questions (the documents, a counsellor) may come with facts
    («۲۸ سالمه از بهزیستی‌ام، چه مدارکی لازمه؟»): they are kept on her case without a word, so she is not
    asked them again and a counsellor sees them."""
    # Checked as the intake checks an answer: a request is no place to store an age of 150.
    told = [Told(p.member, facts, p.implied) for p in told_in_latest(tracker) if (facts := _checked(p.facts))]
    if not told:
        return []
    _consent, events = await keep_told(tracker, domain, told)
    tracker.add_slots(events)
    return events


class ActionRecordProfileFacts(Action):
    def name(self) -> str:
        return "action_record_profile_facts"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        told = told_in_latest(tracker)
        if not told:
            dispatcher.utter_message(response="utter_profile_nothing_understood")
            return []
        consent, events = await keep_told(tracker, domain, told)
        if not consent:
            dispatcher.utter_message(response="utter_profile_needs_consent")
            return [*events, SlotSet("consent_given", False)]
        utter_recorded(dispatcher, told)
        return [*events, SlotSet("consent_given", True)]

"""A request for a family member: whom it is for, the intake questions about them, and who gives their
consent letter.

Slot `for_member` says whose facts the intake slots hold: the client's («self», or not set) or a family
member's (karyar.members.Member). A request that names a member and speaks of them («پسرم ۱۷ سالشه دنبال
کار میگرده», «برای پسرم») is for that member; one that names a member without saying it is for them
(«برای بچه‌ام دنبال کلاس هستم») is asked about first: the client's choice is the form's first answer
(`for_member`, offered from `members_offered`). For a member, the slots are loaded with the member's facts
(with what the household shares and what the relation tells), the questions are worded about the member,
and the answers are stored as the member's, never the client's.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions._runtime import database, source_message_id, telegram_user_id
from actions.profile_facts import people_named, record_facts, told_in
from karyar import clients, profile
from karyar.clients import TelegramIdentity
from karyar.eligibility.household import consent_giver, giver_text, needs_letter
from karyar.eligibility.model import Assessment, Profile
from karyar.facts import ASKING_ORDER, ProfileFactName
from karyar.members import (
    SELF,
    SHARED_WITH_HOUSEHOLD,
    Member,
    child_named,
    for_them,
    household_role_of,
    implied_facts,
    member_named,
    my_member,
    your_member,
)
from karyar.texts import _
from persian.people import speaks_of_them

FOR_MEMBER = "for_member"
OFFERED = "members_offered"
PROFILE_SLOTS = tuple(ASKING_ORDER)


@dataclass(frozen=True, slots=True)
class Whom:
    """Whom a request is for: a member, the client (neither set), or not clear (the members to offer)."""

    member: Member | None = None
    offered: tuple[Member, ...] = ()


def whom_for(latest: dict[str, Any]) -> Whom:
    """Read whom a request is for from the message: clear when it names one member and speaks of them."""
    text = str(latest.get("text") or "")
    named = people_named(latest.get("entities") or [], text)
    members = list(dict.fromkeys(member for member, _start in named if member is not None))
    writer_named = any(member is None for member, _start in named)
    if not members:
        if child_named(text) and not writer_named:
            return Whom(offered=(Member.SON, Member.DAUGHTER))
        return Whom()
    if len(members) == 1 and not writer_named:
        start = next(start for member, start in named if member is members[0])
        if speaks_of_them(text) or for_them(text[:start]):
            return Whom(member=members[0])
    if any(person.member is None and person.facts for person in told_in(latest.get("entities") or [], text)):
        # She tells of herself first and mentions them as her situation («من ۳۵ سالمه … شوهرم از کار
        # افتاده … وام خیاطی چقدره؟»): the request is hers, as a counsellor would take it.
        return Whom()
    return Whom(offered=tuple(members))


def current_member(tracker: Tracker) -> Member | None:
    """The member whose facts the intake slots hold; None when they are the client's own."""
    return member_named(tracker.get_slot(FOR_MEMBER))


def _last(facts: dict[str, list[str]]) -> dict[str, str]:
    return {name: values[-1] for name, values in facts.items() if values and name in PROFILE_SLOTS}


def _client_id(session: Session, user_id: int) -> int:
    return clients.ensure_client(session, identity=TelegramIdentity(user_id=user_id)).id


def own_facts(session: Session, *, user_id: int) -> dict[str, str]:
    """The client's own facts in force, as slot values."""
    return _last(profile.current_profile(session, client_id=_client_id(session, user_id)))


def stored_member_facts(session: Session, *, user_id: int, member: Member) -> dict[str, str]:
    client_id = _client_id(session, user_id)
    return _last(profile.current_profile(session, client_id=client_id, member=member.value))


def load_member(session: Session, *, user_id: int, member: Member, message_id: int | None) -> dict[str, str]:
    """The member's facts as slot values. What the household shares (organisation, place) and what the
    relation tells (a son is a man and a child of the family) are noted for the member first."""
    own = own_facts(session, user_id=user_id)
    known = stored_member_facts(session, user_id=user_id, member=member)
    derived = dict(implied_facts(member))
    role = household_role_of(member, own.get(ProfileFactName.HOUSEHOLD_ROLE.value))
    if role is not None:
        derived[ProfileFactName.HOUSEHOLD_ROLE.value] = role
    derived |= {name: own[name] for name in SHARED_WITH_HOUSEHOLD if name in own}
    new = [(name, value) for name, value in derived.items() if name not in known]
    if new:
        record_facts(session, user_id=user_id, facts=new, message_id=message_id, member=member)
    return {**known, **dict(new)}


def slot_events(values: dict[str, str], keep: dict[str, Any] | None = None) -> list[EventType]:
    """Set every intake slot to the person's value (`keep` wins: what the latest message said of them)."""
    merged = {**values, **(keep or {})}
    return [SlotSet(slot, merged.get(slot)) for slot in PROFILE_SLOTS]


async def serve_member(tracker: Tracker, member: Member, *, said: dict[str, Any]) -> list[EventType]:
    """Turn the intake to a member: their facts in the slots, the questions about them."""
    user_id = telegram_user_id(tracker)
    values: dict[str, str] = {}
    if user_id is not None:
        values = await database().run_async(
            load_member, user_id=user_id, member=member, message_id=source_message_id(tracker)
        )
    return [*slot_events(values, said), SlotSet(FOR_MEMBER, member.value), SlotSet(OFFERED, None)]


async def serve_client(tracker: Tracker, *, said: dict[str, Any]) -> list[EventType]:
    """Turn the intake back to the client: their own facts in the slots (after a member's request), with
    what the latest message said of them."""
    events: list[EventType] = [SlotSet(FOR_MEMBER, SELF), SlotSet(OFFERED, None)]
    user_id = telegram_user_id(tracker)
    if current_member(tracker) is None or user_id is None:
        return events
    values = await database().run_async(own_facts, user_id=user_id)
    return [*slot_events(values, said), *events]


def member_profile(session: Session, *, user_id: int, member: Member) -> Profile:
    facts = stored_member_facts(session, user_id=user_id, member=member)
    return Profile.from_facts({name: [value] for name, value in facts.items()})


def giver_line(
    assessment: Assessment, *, member: Member, member_role: str | None, client_role: str | None
) -> str | None:
    """For a member's answer that involves the consent letter: who gives it."""
    if needs_letter(assessment) is False:
        return None
    giver = consent_giver(member, member_role=member_role, client_role=client_role)
    return giver_text(giver, member=your_member(member))


class ActionAskForMember(Action):
    """«این درخواست برای خودتان است یا برای پسرتان؟» with a button for each."""

    def name(self) -> str:
        return "action_ask_for_member"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        offered = [Member(value) for value in tracker.get_slot(OFFERED) or () if member_named(value)]
        buttons = [{"title": _("Member: for myself"), "payload": '/inform{"subject": "self"}'}]
        buttons += [
            {"title": my_member(member), "payload": f'/inform{{"subject": "{member.value}"}}'}
            for member in offered
        ]
        members = _("Family: or").join(your_member(member) for member in offered)
        dispatcher.utter_message(text=_("Family: for whom").format(members=members), buttons=buttons)
        return []


class _AskAboutPerson(Action, abc.ABC):
    """An intake question, worded about the member when the request is for one (its buttons unchanged).
    Abstract, so the action server registers only the one made for each question."""

    slot = ""

    @abc.abstractmethod
    def name(self) -> str: ...

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        member = current_member(tracker)
        if member is None:
            dispatcher.utter_message(response=f"utter_ask_{self.slot}")
        else:
            question = member_question(self.slot).format(member=your_member(member))
            response = f"utter_ask_{self.slot}"
            if buttons := _about_member(domain, response):
                dispatcher.utter_message(text=question, buttons=buttons)
            else:  # a domain sent without its responses: Rasa adds the question's own buttons
                dispatcher.utter_message(response=response, text=question)
        return []


def _about_member(domain: DomainDict, response: str) -> list[dict[str, str]]:
    """The question's buttons, those in the client's own voice («بیکارم و دنبال کارم») said of the member."""
    buttons = []
    for button in (domain.get("responses", {}).get(response) or [{}])[0].get("buttons") or []:
        payload = str(button["payload"]).replace("{{", "{").replace("}}", "}")  # the domain's escaped braces
        buttons.append({"title": _member_titles().get(payload, str(button["title"])), "payload": payload})
    return buttons


def _member_titles() -> dict[str, str]:
    """By payload: the answers a client gives about herself, worded about a family member."""
    return {
        '/inform{"emdad_support": "living_allowance"}': _("Member answer: living allowance"),
        '/inform{"employment_status": "unemployed"}': _("Member answer: unemployed"),
        '/inform{"employment_status": "employed"}': _("Member answer: employed"),
        '/inform{"employment_status": "self_employed"}': _("Member answer: self-employed"),
        '/inform{"employment_status": "student"}': _("Member answer: student"),
        '/inform{"work_ability": "full"}': _("Member answer: can work"),
        '/inform{"work_ability": "limited"}': _("Member answer: limited"),
        '/inform{"work_experience": "none"}': _("Member answer: no experience"),
        '/inform{"work_experience": "some"}': _("Member answer: some experience"),
        '/inform{"work_experience": "experienced"}': _("Member answer: much experience"),
    }


def member_question(slot: str) -> str:
    """The intake question about a member («{member} چند سال دارد؟»)."""
    return {
        "organisation": _("Member question: organisation"),
        "age": _("Member question: age"),
        "gender": _("Member question: gender"),
        "household_role": _("Member question: household_role"),
        "emdad_support": _("Member question: emdad_support"),
        "target_group": _("Member question: target_group"),
        "employment_status": _("Member question: employment_status"),
        "school_grade": _("Member question: school_grade"),
        "education": _("Member question: education"),
        "work_ability": _("Member question: work_ability"),
        "work_experience": _("Member question: work_experience"),
        "field": _("Member question: field"),
        "province": _("Member question: province"),
        "city": _("Member question: city"),
    }[slot]


def _ask_action(slot: str) -> type[Action]:
    return abc.ABCMeta(
        f"ActionAsk_{slot}",
        (_AskAboutPerson,),
        {"slot": slot, "name": lambda self: f"action_ask_{self.slot}", "__module__": __name__},
    )


ASK_ACTIONS = [_ask_action(slot) for slot in PROFILE_SLOTS]
# The action server pickles its actions, which finds a class by its name in its module.
globals().update({action.__name__: action for action in ASK_ACTIONS})

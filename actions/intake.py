"""The intake questions: start them for a topic, and read, check and store each answer.

`intake_form` (domain/intake.yml) asks only what the eligibility engine still needs for the topic
(`missing_facts`), so known facts are never asked again. Inside the questions the client may answer by button
or text, correct an earlier answer, skip, ask why, or switch topic; those are handled here. Intents that leave
the questions (stop, a counsellor, other questions) are left to the rules: the form is rejected for them.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions._runtime import database, source_message_id, telegram_user_id
from actions.answers import answer_from_text, checked, example_for
from actions.family import (
    FOR_MEMBER,
    OFFERED,
    current_member,
    serve_client,
    serve_member,
    stored_member_facts,
    whom_for,
)
from actions.options import is_bare_answer
from actions.profile_facts import (
    Told,
    people_named,
    record_facts,
    record_told,
    told_in_latest,
    utter_recorded,
    writer_slot_values,
)
from actions.slot_history import slot_before_latest_message
from karyar import clients
from karyar.catalogue.reference import places
from karyar.eligibility.engine import missing_facts
from karyar.eligibility.model import TOPIC_OF_INTENT, Profile, Topic
from karyar.facts import ASKING_ORDER, SKIPPED
from karyar.members import Member, your_member
from karyar.policies import policies
from karyar.texts import _
from karyar.vocabulary import FACT_LABELS, value_label
from persian.format import persian_text

FORM = "intake_form"
CONSENT_SLOT = "consent_given"


# Intents the rules answer during the questions (then the questions resume or end); the form rejects them.
LEAVING_INTENTS = frozenset(
    {
        "stop",
        "goodbye",
        "request_counsellor",
        "ask_documents",
        "ask_insurance",
        "ask_contact",
        "ask_status",
        "help",
        "bot_challenge",
        "greet",
        "complain",
        "ask_my_data",
        "delete_my_data",
        "subscribe_news",
        "unsubscribe_news",
    }
)


def topic_of(tracker: Tracker) -> Topic:
    value = tracker.get_slot("topic")
    return Topic(value) if value in Topic._value2member_map_ else Topic.ELIGIBILITY


def facts_from_slots(slots: dict[str, Any]) -> dict[str, list[str]]:
    """The known answers as the engine reads facts."""
    return {slot: [str(slots[slot])] for slot in ASKING_ORDER if slots.get(slot) is not None}


def profile_of(slots: dict[str, Any]) -> Profile:
    return Profile.from_facts(facts_from_slots(slots))


# The reply to an answer not understood; when the one before was not understood either, the other two
# take turns, so no reply repeats the one just before it.
FIRST_NOT_UNDERSTOOD = "utter_invalid_answer"
AGAIN_NOT_UNDERSTOOD = ("utter_invalid_answer_again", "utter_invalid_answer_still")
NOT_UNDERSTOOD_REPLIES = frozenset({FIRST_NOT_UNDERSTOOD, *AGAIN_NOT_UNDERSTOOD})


def not_understood(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> None:
    """Say an answer was not understood; when the last one was not either, say it in other words and offer
    to skip the question or to talk to a counsellor (the question follows, with its options)."""
    again = misunderstood_in_a_row(tracker)
    if again == 0:
        response = FIRST_NOT_UNDERSTOOD
    else:
        response = AGAIN_NOT_UNDERSTOOD[(again - 1) % len(AGAIN_NOT_UNDERSTOOD)]
    dispatcher.utter_message(response=response, example=example_for(slot))


def misunderstood_in_a_row(tracker: Tracker) -> int:
    """How many of the client's messages just before the latest one were answered «not understood»."""
    turns: list[bool] = []
    not_understood_in_turn = False
    for event in tracker.events:
        if event.get("event") == "user":
            turns.append(not_understood_in_turn)
            not_understood_in_turn = False
        elif event.get("event") == "bot":
            replied = (event.get("metadata") or {}).get("utter_action")
            not_understood_in_turn = not_understood_in_turn or replied in NOT_UNDERSTOOD_REPLIES
    # turns[0] is whether anything before the first message was «not understood», turns[i] the replies to
    # the i-th message; the last one is the reply to the message before the latest.
    count = 0
    for misunderstood in reversed(turns[1:]):
        if not misunderstood:
            break
        count += 1
    return count


async def consented(tracker: Tracker) -> bool:
    """Has the client accepted the privacy notice? Read afresh: they accept it in the bot, not here."""
    user_id = telegram_user_id(tracker)
    if user_id is None:
        return bool(tracker.get_slot(CONSENT_SLOT))
    return await database().run_async(clients.has_consent, telegram_user_id=user_id)


class ActionStartIntake(Action):
    """Set the topic from the question asked and let the form ask what that topic still needs.

    Before the client has accepted the privacy notice nothing personal is asked: the form ends at once and
    the result says what can be said without it (action_intake_result).
    """

    def name(self) -> str:
        return "action_start_intake"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        topic = TOPIC_OF_INTENT.get(str(intent), Topic.ELIGIBILITY)
        consent = await consented(tracker)
        events: list[EventType] = [
            SlotSet("topic", topic.value),
            SlotSet(REQUESTED_SLOT, None),
            SlotSet(CONSENT_SLOT, consent),
        ]
        events += await self._whom(dispatcher, tracker, consent=consent)
        slots = {**tracker.slots, **{e["name"]: e["value"] for e in events if e.get("event") == "slot"}}
        if consent and (
            slots.get(OFFERED) or missing_facts(profile_of(slots), topic=topic, policies=policies())
        ):
            # «a few short questions» only when some will come: before anything else said
            dispatcher.utter_message(response=f"utter_intake_start_{topic.value}")
            dispatcher.messages.insert(0, dispatcher.messages.pop())
        return events

    @staticmethod
    async def _whom(dispatcher: CollectingDispatcher, tracker: Tracker, *, consent: bool) -> list[EventType]:
        """Serve the request for the member it is for, or ask for whom it is when that is not clear.
        Nothing about a member is kept before the privacy notice is accepted."""
        told = told_in_latest(tracker)
        whom = whom_for(tracker.latest_message or {}) if consent else whom_for({})
        if whom.member is not None:
            dispatcher.utter_message(
                text=_("Family: the questions are about").format(member=your_member(whom.member))
            )
            return await serve_member(tracker, whom.member, said=_said_of(told, whom.member))
        events = await serve_client(tracker, said=_said_of(told, None))
        if whom.offered:
            events += [SlotSet(FOR_MEMBER, None), SlotSet(OFFERED, [member.value for member in whom.offered])]
        return events


def _said_of(told: list[Told], member: Member | None) -> dict[str, str]:
    """What the latest message said of one person (the client: None), with what the word naming them tells
    («خانمم»: a woman)."""
    return {name: value for person in told if person.member is member for name, value in person.all_facts}


class ValidateIntakeForm(FormValidationAction):
    def name(self) -> str:
        return "validate_intake_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """Known answers (so corrections are checked) followed by what the topic still needs, in order."""
        if tracker.get_slot(CONSENT_SLOT) is False:
            return []  # nothing personal is asked before the privacy notice is accepted
        whom_asked = [FOR_MEMBER] if tracker.get_slot(OFFERED) else []
        missing = missing_facts(profile_of(tracker.slots), topic=topic_of(tracker), policies=policies())
        known = [slot for slot in ASKING_ORDER if tracker.get_slot(slot) is not None]
        return whom_asked + known + [slot for slot in missing if slot not in known]

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        requested = tracker.get_slot(REQUESTED_SLOT)
        intent = str((tracker.latest_message.get("intent") or {}).get("name") or "")
        in_form = (tracker.active_loop or {}).get("name") == FORM
        if in_form and requested == FOR_MEMBER and intent not in LEAVING_INTENTS:
            whom = await self._choose_whom(dispatcher, tracker)
            tracker.add_slots(whom)
            chosen = await self.next_requested_slot(dispatcher, tracker, domain)
            return whom if chosen is None else [*whom, chosen]
        answering = in_form and requested in ASKING_ORDER
        member = current_member(tracker)
        # For a member, an answer is checked against what was noted for them before this message.
        before = await self._member_before(tracker, member)
        candidates = {
            slot: value for slot, value in tracker.slots_to_validate().items() if slot in ASKING_ORDER
        }
        events: list[EventType] = []
        handled = False
        text = str(tracker.latest_message.get("text") or "")
        told = told_in_latest(tracker)
        # Facts of the member the questions are about are answers; other members' are set aside.
        about_members = [person for person in told if person.member not in (None, member)]
        # The open question reads the message first: its options in the client's words come before the NLU.
        # A message about a family member («خانمم ۲۸ سالشه») is no answer about the client.
        text_answer = answer_from_text(str(requested), text) if answering and not about_members else None
        if text_answer is not None:
            # A message that is nothing but an answer («ایلام», «بیکارم») is one, whatever intent the NLU guessed.
            intent = "inform"
        if text_answer is not None or (answering and is_bare_answer(text)):
            # Its words answer the question asked, not another fact («هیچکدوم» to the groups is no organisation).
            self._keep_only(tracker, str(requested), candidates, events, before)
            if text_answer is not None:
                candidates[str(requested)] = text_answer
        if about_members:
            self._set_aside_members(tracker, domain, told, candidates, events)
        if answering and intent not in LEAVING_INTENTS:
            handled = self._read_turn(dispatcher, tracker, intent, str(requested), candidates, events)
        if member is not None:
            candidates |= {
                name: value for person in told if person.member is member for name, value in person.facts
            }
        values = self._check(
            dispatcher, tracker, str(requested) if answering else None, candidates, events, before
        )
        complained = any(event.get("name") == requested for event in events)
        if (
            answering
            and intent not in LEAVING_INTENTS
            and not (handled or values or complained or about_members)
        ):
            not_understood(dispatcher, tracker, str(requested))
            events.append(SlotSet(str(requested), None))
        await self._store(dispatcher, tracker, values, about_members, member)

        tracker.add_slots(events)  # keeps only the slot events
        next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
        if next_slot is not None:
            events.append(next_slot)
        return events

    @staticmethod
    async def _choose_whom(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """The answer to «for you or for your son?»: a button or «برای پسرم», «خودم»."""
        latest = tracker.latest_message or {}
        named = people_named(latest.get("entities") or [], str(latest.get("text") or ""))
        told = told_in_latest(tracker)
        members = [member for member, _start in named if member is not None]
        if members:
            return await serve_member(tracker, members[0], said=_said_of(told, members[0]))
        if named:
            return await serve_client(tracker, said=_said_of(told, None))
        dispatcher.utter_message(text=_("Family: for whom not understood"))
        return [SlotSet(FOR_MEMBER, None)]

    @staticmethod
    async def _member_before(tracker: Tracker, member: Member | None) -> dict[str, Any] | None:
        user_id = telegram_user_id(tracker)
        if member is None or user_id is None:
            return None
        return await database().run_async(stored_member_facts, user_id=user_id, member=member)

    def _read_turn(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        intent: str,
        requested: str,
        candidates: dict[str, Any],
        events: list[EventType],
    ) -> bool:
        """Skips, why-questions and topic switches; True if the turn was one of the last two."""
        if intent == "ask_why":
            dispatcher.utter_message(response=f"utter_why_{requested}")
            events.append(SlotSet(requested, None))
            return True
        new_topic = TOPIC_OF_INTENT.get(intent)
        if new_topic is not None and new_topic != topic_of(tracker):
            dispatcher.utter_message(response=f"utter_intake_start_{new_topic.value}")
            events.append(SlotSet("topic", new_topic.value))
            return True
        if intent == "skip" and requested not in candidates:
            candidates[requested] = SKIPPED
        return new_topic is not None

    def _check(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        requested: str | None,
        candidates: dict[str, Any],
        events: list[EventType],
        before: dict[str, Any] | None = None,
    ) -> dict[str, str]:
        """Check every candidate answer; returns the accepted ones that changed. `before` is what was noted
        for the member the questions are about (None: the client's own answers, read from the slots)."""
        if (
            requested == "province"
            and candidates.get("province")
            and checked("province", candidates["province"]) is None
        ):
            # «مشهد» where the province was asked: the city tells the province too.
            candidates["city"] = candidates.pop("province")
        city = checked("city", candidates.get("city"))
        if city not in (None, SKIPPED) and places().city_province[city] != tracker.get_slot("province"):
            candidates["province"] = places().city_province[city]
        accepted: dict[str, str] = {}
        for slot, raw in candidates.items():
            value = checked(slot, raw)
            previous = _before(tracker, slot, before)
            if value is None:
                if slot == requested:
                    not_understood(dispatcher, tracker, slot)
                events.append(SlotSet(slot, previous if checked(slot, previous) else None))
                continue
            events.append(SlotSet(slot, value))
            if value == previous:
                continue
            accepted[slot] = value
            if value == SKIPPED and slot == requested:
                dispatcher.utter_message(response="utter_question_skipped")
            elif previous is not None and value != SKIPPED and slot != requested:
                dispatcher.utter_message(
                    response="utter_answer_corrected",
                    fact=FACT_LABELS[slot],
                    value=persian_text(value_label(slot, value)),
                )
        return accepted

    @staticmethod
    def _keep_only(
        tracker: Tracker,
        requested: str,
        candidates: dict[str, Any],
        events: list[EventType],
        before: dict[str, Any] | None,
    ) -> None:
        """Drop the other facts the NLU found in an answer, and put their slots back as they were."""
        for slot in [slot for slot in candidates if slot != requested]:
            del candidates[slot]
            events.append(SlotSet(slot, _before(tracker, slot, before)))

    @staticmethod
    def _set_aside_members(
        tracker: Tracker,
        domain: DomainDict,
        told: list[Told],
        candidates: dict[str, Any],
        events: list[EventType],
    ) -> None:
        """A family member's facts are no answers of the client's: the slots keep the client's own values."""
        own = {name for person in told if person.member is None for name, _value in person.facts}
        for slot, value in writer_slot_values(tracker, told).items():
            if slot in own and slot in ASKING_ORDER:
                candidates[slot] = value  # what the client said of themselves, checked as any answer
            elif slot in (domain.get("slots") or {}) or slot in ASKING_ORDER:
                candidates.pop(slot, None)
                events.append(SlotSet(slot, value))

    async def _store(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        values: dict[str, str],
        members: list[Told],
        member: Member | None,
    ) -> None:
        """Store the answers (the client's, or those of the member the questions are about), and other
        family members' facts with a word of whom they were noted for."""
        user_id = telegram_user_id(tracker)
        if values and user_id is not None:
            await database().run_async(
                record_facts,
                user_id=user_id,
                facts=list(values.items()),
                message_id=source_message_id(tracker),
                member=member,
            )
        if members and user_id is not None:
            noted = await database().run_async(
                record_told, user_id=user_id, told=members, message_id=source_message_id(tracker)
            )
            if noted:
                utter_recorded(dispatcher, members)


def _before(tracker: Tracker, slot: str, before: dict[str, Any] | None) -> Any:
    return slot_before_latest_message(tracker, slot) if before is None else before.get(slot)

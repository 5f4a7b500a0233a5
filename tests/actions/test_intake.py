"""The intake form's validation as Rasa calls it, against a real case database (both backends)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import answer_from_text, checked
from actions.insurance import ActionInsurance
from actions.intake import ActionStartIntake, ValidateIntakeForm
from actions.results import ActionDocuments
from karyar import clients, profile
from karyar.clients import TelegramIdentity
from karyar.db.engine import Database
from karyar.facts import AGE_BOUNDS, FACTS, Fact, FactKind, ProfileFactName
from karyar.settings import get_settings
from tests.support.chat import intake_questions

USER = 5_550_000_777
FACT_SLOT_NAMES = sorted(set(intake_questions().values()))
DOMAIN: dict[str, Any] = {
    "slots": {name: {} for name in [*FACT_SLOT_NAMES, "topic", "requested_slot", "consent_given"]},
    "forms": {"intake_form": {"required_slots": FACT_SLOT_NAMES}},
}


@pytest.fixture(autouse=True)
def _actions_use_test_database(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", db.url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _consenting_client(db: Database) -> int:
    with db.unit_of_work() as session:
        client = clients.ensure_client(session, identity=TelegramIdentity(user_id=USER))
        clients.record_consent(session, client_id=client.id)
        return client.id


def _answering(
    requested: str,
    text: str,
    *,
    intent: str = "inform",
    slots: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    earlier: dict[str, Any] | None = None,
    history: list[dict[str, Any]] | None = None,
) -> Tracker:
    """The tracker Rasa sends while the form asks `requested` and the client just wrote `text`.

    `earlier` slots were set before the message, `new` ones were extracted from it; `history` are the
    events of the conversation before it.
    """
    earlier = {"topic": "eligibility", **(earlier or {})}
    events: list[dict[str, Any]] = [{"event": "slot", "name": k, "value": v} for k, v in earlier.items()]
    events += history or []
    events.append({"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}})
    events += [{"event": "slot", "name": k, "value": v} for k, v in (new or {}).items()]
    return Tracker.from_dict(
        {
            "sender_id": str(USER),
            "slots": {**earlier, **(slots or {}), **(new or {}), "requested_slot": requested},
            "latest_message": {"text": text, "intent": {"name": intent}, "entities": [], "metadata": {}},
            "events": events,
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": "intake_form"},
            "latest_action_name": "intake_form",
        }
    )


async def _validate(tracker: Tracker) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await ValidateIntakeForm().run(dispatcher, tracker, DOMAIN)
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}, dispatcher.messages


@pytest.mark.parametrize(
    ("slot", "text", "expected"),
    [
        ("age", "۲۳", "23"),
        ("age", "٢٣", "23"),
        ("age", "بیست و سه", "23"),
        ("age", "23 سالمه", "23"),
        ("age", "نمیدونم", None),
        ("city", "مشهد", "مشهد"),
        ("city", "شيراز", "شیراز"),
        ("province", "خراسان رضوي", "خراسان رضوی"),
        ("province", "تبریز", "تبریز"),
        ("field", "دوخت", "خیاطی"),
        ("field", "یه چیزی", None),
        ("gender", "خانمم", "female"),  # the question asked reads its options in the client's words
    ],
)
def test_plain_text_answers(slot: str, text: str, expected: str | None) -> None:
    assert answer_from_text(slot, text) == expected


@pytest.mark.parametrize(
    ("slot", "value", "expected"),
    [
        ("age", "150", None),
        ("age", "9", None),
        ("age", "15", "15"),
        ("gender", "female", "female"),
        ("gender", "woman", None),
        ("organisation", "none", "none"),
        ("school_grade", "10", "10"),
        ("school_grade", "13", None),
        ("city", "آتلانتا", None),
        ("province", "skipped", "skipped"),
    ],
)
def test_answers_are_checked(slot: str, value: str, expected: str | None) -> None:
    assert checked(slot, value) == expected


def test_ages_are_taken_within_the_facts_bounds_only() -> None:
    assert checked("age", str(AGE_BOUNDS.low)) == str(AGE_BOUNDS.low)
    assert checked("age", str(AGE_BOUNDS.high)) == str(AGE_BOUNDS.high)
    assert checked("age", str(AGE_BOUNDS.low - 1)) is None
    assert checked("age", str(AGE_BOUNDS.high + 1)) is None


@pytest.mark.parametrize(
    "fact", [fact for fact in FACTS if fact.kind is not FactKind.TEXT and fact.name != "age"], ids=str
)
def test_every_stored_answer_of_a_choice_is_accepted_and_nothing_else(fact: Fact) -> None:
    for answer in fact.answers:
        assert checked(fact.name, answer) == answer
    assert checked(fact.name, "no_such_answer") is None


async def test_a_bare_number_answers_the_age_question_and_is_stored(db: Database) -> None:
    client_id = _consenting_client(db)
    slots, messages = await _validate(_answering("age", "۲۳", earlier={"organisation": "emdad"}))
    assert slots["age"] == "23"
    assert slots["requested_slot"] == "gender"
    assert messages == []
    with db.unit_of_work() as session:
        assert profile.current_profile(session, client_id=client_id)[ProfileFactName.AGE] == ["23"]


async def test_an_unusable_answer_is_asked_again_with_an_example(db: Database) -> None:
    _consenting_client(db)
    slots, messages = await _validate(
        _answering("age", "سلام علیکم خوبی", intent="nlu_fallback", earlier={"organisation": "emdad"})
    )
    assert slots["age"] is None and slots["requested_slot"] == "age"
    [message] = messages
    assert message["response"] == "utter_invalid_answer" and "۲۳" in message["example"]


async def test_why_explains_the_question_and_asks_it_again(db: Database) -> None:
    slots, messages = await _validate(
        _answering("gender", "چرا؟", intent="ask_why", earlier={"organisation": "emdad", "age": "23"})
    )
    assert [m["response"] for m in messages] == ["utter_why_gender"]
    assert slots["requested_slot"] == "gender"


async def test_skip_is_remembered_and_not_asked_again(db: Database) -> None:
    client_id = _consenting_client(db)
    slots, messages = await _validate(
        _answering("age", "رد کن", intent="skip", earlier={"organisation": "behzisti"})
    )
    assert slots["age"] == "skipped" and slots["requested_slot"] != "age"
    assert [m["response"] for m in messages] == ["utter_question_skipped"]
    with db.unit_of_work() as session:
        assert profile.current_profile(session, client_id=client_id)[ProfileFactName.AGE] == ["skipped"]


async def test_a_correction_of_an_earlier_answer_is_acknowledged(db: Database) -> None:
    _consenting_client(db)
    slots, messages = await _validate(
        _answering(
            "gender",
            "نه ۲۵ سالمه",
            earlier={"organisation": "emdad", "age": "23"},
            new={"age": "25"},
        )
    )
    assert slots["age"] == "25" and slots["requested_slot"] == "gender"
    [message] = messages
    assert message["response"] == "utter_answer_corrected" and message["value"] == "۲۵"


async def test_a_city_answers_the_province_question_too(db: Database) -> None:
    _consenting_client(db)
    slots, _messages = await _validate(
        _answering("province", "مشهد", earlier={"topic": "jobs", "field": "خیاطی"})
    )
    assert slots["province"] == "خراسان رضوی" and slots["city"] == "مشهد"


async def test_switching_topic_keeps_the_answers_and_asks_for_the_new_topic(db: Database) -> None:
    slots, messages = await _validate(
        _answering(
            "gender", "دوره میخوام", intent="ask_training", earlier={"organisation": "emdad", "age": "23"}
        )
    )
    assert slots["topic"] == "courses"
    assert [m["response"] for m in messages] == ["utter_intake_start_courses"]


async def test_leaving_intents_are_left_to_the_rules(db: Database) -> None:
    slots, messages = await _validate(
        _answering("age", "بسه", intent="stop", earlier={"organisation": "emdad"})
    )
    assert set(slots) == {"requested_slot"} and messages == []


async def test_start_sets_the_topic_from_the_question(db: Database) -> None:
    _consenting_client(db)
    tracker = _answering("age", "دوره خیاطی", intent="ask_training")
    dispatcher = CollectingDispatcher()
    events = await ActionStartIntake().run(dispatcher, tracker, DOMAIN)
    assert {"event": "slot", "name": "topic", "value": "courses", "timestamp": None} in events
    assert dispatcher.messages[0]["response"] == "utter_intake_start_courses"


async def test_a_few_questions_are_promised_only_when_some_will_be_asked(db: Database) -> None:
    """Before the privacy notice nothing personal is asked; with every fact the loan needs already told,
    nothing is either: «چند سؤال کوتاه می‌پرسم» would promise questions that never come."""
    before_consent = CollectingDispatcher()
    await ActionStartIntake().run(before_consent, _answering("age", "وام میخوام", intent="ask_loan"), DOMAIN)
    assert not any(m.get("response") == "utter_intake_start_loans" for m in before_consent.messages)
    _consenting_client(db)
    everything = {
        "organisation": "emdad", "age": "62", "gender": "male", "household_role": "head",
        "emdad_support": "living_allowance", "target_group": "none", "employment_status": "unemployed",
        "work_ability": "limited", "work_experience": "experienced", "education": "primary",
        "province": "تهران", "city": "تهران", "field": "فروشندگی", "school_grade": "none",
    }  # fmt: skip
    told = CollectingDispatcher()
    await ActionStartIntake().run(
        told, _answering("age", "وام میخوام", intent="ask_loan", earlier=everything), DOMAIN
    )
    assert not any(m.get("response") == "utter_intake_start_loans" for m in told.messages)
    asked = CollectingDispatcher()
    await ActionStartIntake().run(asked, _answering("age", "وام میخوام", intent="ask_loan"), DOMAIN)
    assert asked.messages[0]["response"] == "utter_intake_start_loans"


async def test_documents_are_personal_when_the_profile_allows() -> None:
    tracker = _answering(
        "age",
        "مدارک",
        intent="ask_documents",
        earlier={"organisation": "emdad", "age": "23", "gender": "female", "employment_status": "unemployed"},
    )
    dispatcher = CollectingDispatcher()
    await ActionDocuments().run(dispatcher, tracker, DOMAIN)
    [message] = dispatcher.messages
    documents, conditions = str(message.get("text")).split("و این شرط‌ها هم هست:")
    # The consent letter is a permission she must get, not a paper in the documents list.
    assert "رضایت‌نامه" in conditions and "رضایت‌نامه" not in documents
    assert "فهرست نهایی را اداره شهرستان شما می‌گوید" in conditions


async def test_facts_told_with_a_documents_question_are_kept_on_the_case(db: Database) -> None:
    client_id = _consenting_client(db)
    text = "از بهزیستی ام ۱۵۰ سالمه برای وام چه مدارکی لازمه"
    tracker = _answering("age", text, intent="ask_documents")
    tracker.latest_message["entities"] = [
        {"entity": "organisation", "value": "behzisti", "start": 3, "end": 10},
        {"entity": "age", "value": "150", "start": 14, "end": 17},  # no age: not kept
    ]
    dispatcher = CollectingDispatcher()
    await ActionDocuments().run(dispatcher, tracker, DOMAIN)
    with db.unit_of_work() as session:
        assert profile.current_profile(session, client_id=client_id) == {"organisation": ["behzisti"]}
    # Her age is still unknown: she is told a list of her own needs it.
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_ask_documents",
        "utter_documents_personal_offer",
    ]


async def test_facts_told_with_an_insurance_question_are_kept_and_the_insurance_answered(
    db: Database,
) -> None:
    client_id = _consenting_client(db)
    text = "زنم ۴۵ سالمه از کمیته امداد، بیمه هم میدین؟"
    tracker = _answering("age", text, intent="ask_insurance")
    tracker.latest_message["entities"] = [
        {"entity": "gender", "value": "female", "start": 0, "end": 3},
        {"entity": "age", "value": "45", "start": 4, "end": 6},
        {"entity": "organisation", "value": "emdad", "start": 14, "end": 25},
    ]
    dispatcher = CollectingDispatcher()
    events = await ActionInsurance().run(dispatcher, tracker, DOMAIN)
    with db.unit_of_work() as session:
        assert profile.current_profile(session, client_id=client_id) == {
            "gender": ["female"],
            "age": ["45"],
            "organisation": ["emdad"],
        }
    [answer] = [m["text"] for m in dispatcher.messages]
    assert answer.startswith("درباره‌ی بیمه") and "۱۰۰ درصد" in answer
    assert events == []  # her own facts: the slots the NLU set keep them


async def test_the_bare_insurance_question_gets_the_insurance_answer_and_keeps_nothing(db: Database) -> None:
    client_id = _consenting_client(db)
    dispatcher = CollectingDispatcher()
    await ActionInsurance().run(
        dispatcher, _answering("age", "بیمه هم دارین؟", intent="ask_insurance"), DOMAIN
    )
    with db.unit_of_work() as session:
        assert profile.current_profile(session, client_id=client_id) == {}
    [answer] = [m["text"] for m in dispatcher.messages]
    assert "۱۰۰ درصد" in answer and "بیمه سهم خویش‌فرما" in answer  # neither organisation known: both


async def test_the_general_documents_answer_does_not_ask_for_the_age_and_organisation_she_told() -> None:
    tracker = _answering(
        "age", "مدارک", intent="ask_documents", earlier={"organisation": "behzisti", "age": "28"}
    )
    dispatcher = CollectingDispatcher()
    await ActionDocuments().run(dispatcher, tracker, DOMAIN)
    assert [m["response"] for m in dispatcher.messages] == ["utter_ask_documents"]


async def test_a_message_that_is_only_an_answer_is_taken_as_one_whatever_the_intent(db: Database) -> None:
    slots, _messages = await _validate(
        _answering("city", "ایلام", intent="ask_contact", earlier={"topic": "jobs", "province": "ایلام"})
    )
    assert slots["city"] == "ایلام"


def _turn(text: str, *replies: str) -> list[dict[str, Any]]:
    """A message of the client and the responses the bot answered it with."""
    said = [{"event": "bot", "text": "…", "metadata": {"utter_action": reply}} for reply in replies]
    return [{"event": "user", "text": text, "parse_data": {"intent": {"name": "inform"}}}, *said]


async def test_a_typed_option_is_the_answer_whatever_the_nlu_guessed(db: Database) -> None:
    client_id = _consenting_client(db)
    slots, messages = await _validate(
        _answering(
            "employment_status",
            "بیکارم",
            intent="ask_jobs",
            earlier={"organisation": "emdad", "age": "23", "gender": "male", "household_role": "child"},
        )
    )
    assert slots["employment_status"] == "unemployed" and slots.get("topic") is None
    assert messages == []
    with db.unit_of_work() as session:
        facts = profile.current_profile(session, client_id=client_id)
    assert facts[ProfileFactName.EMPLOYMENT_STATUS] == ["unemployed"]


async def test_none_of_the_groups_keeps_the_organisation(db: Database) -> None:
    client_id = _consenting_client(db)
    earlier = {"organisation": "emdad", "age": "23", "gender": "male"}
    slots, messages = await _validate(
        _answering("target_group", "هیچکدوم", earlier=earlier, new={"organisation": "none"})
    )
    assert slots["target_group"] == "none" and slots["organisation"] == "emdad"
    assert messages == []
    with db.unit_of_work() as session:
        facts = profile.current_profile(session, client_id=client_id)
    assert facts[ProfileFactName.TARGET_GROUP] == ["none"]
    assert ProfileFactName.ORGANISATION not in facts


async def test_a_bare_answer_that_fits_no_option_changes_no_other_fact(db: Database) -> None:
    earlier = {"organisation": "emdad", "age": "23", "gender": "male"}
    slots, messages = await _validate(
        _answering("employment_status", "هیچکدوم", earlier=earlier, new={"organisation": "none"})
    )
    assert slots["organisation"] == "emdad" and slots["employment_status"] is None
    assert [m["response"] for m in messages] == ["utter_invalid_answer"]


async def test_a_message_with_several_facts_records_them_all(db: Database) -> None:
    client_id = _consenting_client(db)
    slots, _messages = await _validate(
        _answering(
            "age",
            "۲۵ سالمه و از مشهدم",
            earlier={"organisation": "emdad"},
            new={"age": "25", "city": "مشهد"},
        )
    )
    assert slots["age"] == "25" and slots["city"] == "مشهد"
    with db.unit_of_work() as session:
        facts = profile.current_profile(session, client_id=client_id)
    assert facts[ProfileFactName.AGE] == ["25"] and facts[ProfileFactName.CITY] == ["مشهد"]


async def test_an_answer_not_understood_again_is_said_in_other_words(db: Database) -> None:
    earlier = {"organisation": "emdad", "age": "23"}
    replies = []
    history: list[dict[str, Any]] = _turn("سلام", "utter_ask_gender")
    for text in ("فلان", "بهمان", "فلان"):
        _slots, messages = await _validate(
            _answering("gender", text, intent="nlu_fallback", earlier=earlier, history=history)
        )
        [message] = messages
        replies.append(message["response"])
        history += _turn(text, message["response"], "utter_ask_gender")
    assert replies == ["utter_invalid_answer", "utter_invalid_answer_again", "utter_invalid_answer_still"]
    # an understood answer starts the count again
    history += _turn("آقا", "utter_ask_household_role")
    _slots, messages = await _validate(
        _answering("household_role", "فلان", intent="nlu_fallback", earlier=earlier, history=history)
    )
    assert [m["response"] for m in messages] == ["utter_invalid_answer"]

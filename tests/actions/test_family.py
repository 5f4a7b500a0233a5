"""A client writing about a family member («خانمم ۲۸ سالشه»): the facts are the member's, never the client's,
in the database, in the slots and in the reply (both backends)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.intake import ValidateIntakeForm
from actions.profile_facts import ActionRecordProfileFacts, Told, told_in
from karyar import clients, profile
from karyar.clients import TelegramIdentity
from karyar.db.engine import Database
from karyar.facts import ASKING_ORDER, ProfileFactName
from karyar.members import Member
from karyar.settings import get_settings

USER = 5_550_000_888
DOMAIN: dict[str, Any] = {
    "slots": {name: {} for name in [*ASKING_ORDER, "topic", "requested_slot", "consent_given"]},
    "forms": {"intake_form": {"required_slots": list(ASKING_ORDER)}},
}


@pytest.fixture(autouse=True)
def _actions_use_test_database(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", db.url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _client(db: Database, *, consent: bool = True) -> int:
    with db.unit_of_work() as session:
        client = clients.ensure_client(session, identity=TelegramIdentity(user_id=USER))
        if consent:
            clients.record_consent(session, client_id=client.id)
        return client.id


def _entity(name: str, value: str, start: int, text: str = "") -> dict[str, Any]:
    return {"entity": name, "value": value, "start": start, "end": start + len(text or value), "text": text}


WIFE_28_UNEMPLOYED = [
    _entity("subject", "spouse", 0, "خانمم"),
    _entity("age", "28", 6, "۲۸"),
    _entity("employment_status", "unemployed", 16, "بیکاره"),
]


def _tracker(
    text: str,
    entities: list[dict[str, Any]],
    *,
    intent: str = "inform",
    earlier: dict[str, Any] | None = None,
    requested: str | None = None,
) -> Tracker:
    """The tracker after the client wrote `text`: Rasa has already set every slot an entity names."""
    earlier = earlier or {}
    new = {entity["entity"]: entity["value"] for entity in entities if entity["entity"] != "subject"}
    events: list[dict[str, Any]] = [{"event": "slot", "name": k, "value": v} for k, v in earlier.items()]
    events.append({"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}})
    events += [{"event": "slot", "name": k, "value": v} for k, v in new.items()]
    return Tracker.from_dict(
        {
            "sender_id": str(USER),
            "slots": {**earlier, **new, "requested_slot": requested},
            "latest_message": {
                "text": text,
                "intent": {"name": intent},
                "entities": entities,
                "metadata": {},
            },
            "events": events,
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": "intake_form"} if requested else {},
            "latest_action_name": "intake_form" if requested else "action_listen",
        }
    )


def _slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.mark.parametrize(
    ("entities", "expected"),
    [
        pytest.param([_entity("age", "30", 0)], [Told(None, [("age", "30")])], id="no one named: the writer"),
        pytest.param(
            WIFE_28_UNEMPLOYED,
            [
                Told(
                    Member.SPOUSE,
                    [("age", "28"), ("employment_status", "unemployed")],
                    [("gender", "female")],
                )
            ],
            id="wife",
        ),
        pytest.param(
            [_entity("subject", "spouse", 0, "همسرم"), _entity("age", "28", 6)],
            [Told(Member.SPOUSE, [("age", "28")])],
            id="a spouse of either sex",
        ),
        pytest.param(
            [_entity("subject", "son", 0, "پسرم"), _entity("age", "۱۹", 5), _entity("gender", "female", 9)],
            [Told(Member.SON, [("age", "19"), ("gender", "female")])],
            id="what was said wins over the relation; values checked",
        ),
        pytest.param(
            [
                _entity("subject", "self", 0, "خودم"),
                _entity("age", "40", 5),
                _entity("subject", "son", 15, "پسرم"),
                _entity("age", "19", 20),
            ],
            [Told(None, [("age", "40")]), Told(Member.SON, [("age", "19")], [("gender", "male")])],
            id="each fact belongs to the person named before it",
        ),
        pytest.param(
            [_entity("age", "40", 0), _entity("subject", "son", 10, "پسرم"), _entity("age", "19", 15)],
            [Told(None, [("age", "40")]), Told(Member.SON, [("age", "19")], [("gender", "male")])],
            id="a fact before any name is the writer's",
        ),
        pytest.param(
            [_entity("subject", "daughter", 0, "دخترم"), _entity("age", "5", 6)],
            [],
            id="a member's value that is no answer is dropped",
        ),
    ],
)
def test_facts_are_told_about_the_person_named(entities: list[dict[str, Any]], expected: list[Told]) -> None:
    assert told_in(entities) == expected


# What the NLU gives for «خانمم …»: offsets, no text; the person word read as the message means it
# (persian/people.py): the spouse in a message about her, the writer's sex in one about the writer.
def _as_the_nlu_reads(person: tuple[str, str]) -> list[dict[str, Any]]:
    return [
        {"entity": person[0], "value": person[1], "start": 0, "end": 5},
        {"entity": "age", "value": "28", "start": 6, "end": 8},
        {"entity": "employment_status", "value": "unemployed", "start": 15, "end": 21},
    ]


@pytest.mark.parametrize(
    ("text", "person", "expected"),
    [
        pytest.param(
            "خانمم ۲۸ سالشه بیکاره، براش کار میخوام",
            ("subject", "spouse"),
            [
                Told(
                    Member.SPOUSE,
                    [("age", "28"), ("employment_status", "unemployed")],
                    [("gender", "female")],
                )
            ],
            id="a message about her: my wife, a woman",
        ),
        pytest.param(
            "خانمم ۲۸ سالمه بیکارم",
            ("gender", "female"),
            [Told(None, [("gender", "female"), ("age", "28"), ("employment_status", "unemployed")])],
            id="a message about the writer: I am a lady",
        ),
    ],
)
def test_a_spouse_word_gives_the_spouse_s_sex_and_a_sex_word_the_writer_s(
    text: str, person: tuple[str, str], expected: list[Told]
) -> None:
    assert told_in(_as_the_nlu_reads(person), text) == expected


async def test_a_wife_s_facts_are_hers_and_the_writer_s_slots_keep_his_values(db: Database) -> None:
    client_id = _client(db)
    with db.unit_of_work() as session:
        for name, value in ((ProfileFactName.AGE, "35"), (ProfileFactName.GENDER, "male")):
            profile.record_fact(session, client_id=client_id, name=name, value=value, source="chat")
    dispatcher = CollectingDispatcher()
    tracker = _tracker("خانمم ۲۸ سالشه بیکاره", WIFE_28_UNEMPLOYED, earlier={"age": "35", "gender": "male"})
    events = await ActionRecordProfileFacts().run(dispatcher, tracker, DOMAIN)

    assert _slots(events) == {"age": "35", "employment_status": None, "gender": "male", "consent_given": True}
    [said] = dispatcher.messages
    assert said["response"] == "utter_profile_recorded_for_member"
    assert said["member"] == "همسرتان"
    assert "۲۸" in said["facts"] and "بیکار" in said["facts"] and "زن" in said["facts"]
    with db.unit_of_work() as session:
        assert profile.current_profile(session, client_id=client_id) == {"age": ["35"], "gender": ["male"]}
        assert profile.member_profiles(session, client_id=client_id) == {
            "spouse": {"age": ["28"], "employment_status": ["unemployed"], "gender": ["female"]}
        }


async def test_the_writer_and_a_son_in_one_message_are_noted_apart(db: Database) -> None:
    client_id = _client(db)
    entities = [
        _entity("subject", "self", 0, "خودم"),
        _entity("age", "40", 5),
        _entity("subject", "son", 15, "پسرم"),
        _entity("age", "19", 20),
    ]
    dispatcher = CollectingDispatcher()
    # Rasa put one of the two ages in the slot: the writer's is the one that stays.
    tracker = _tracker("خودم ۴۰ سالمه ولی پسرم ۱۹ سالشه", entities)
    events = await ActionRecordProfileFacts().run(dispatcher, tracker, DOMAIN)

    assert _slots(events)["age"] == "40"
    [said] = dispatcher.messages
    assert said["response"] == "utter_profile_recorded"
    assert said["facts"].splitlines() == ["خودتان: سن: ۴۰", "پسرتان: سن: ۱۹، جنسیت: مرد"]
    with db.unit_of_work() as session:
        assert profile.current_profile(session, client_id=client_id) == {"age": ["40"]}
        assert profile.current_profile(session, client_id=client_id, member="son") == {
            "age": ["19"],
            "gender": ["male"],
        }


async def test_without_consent_a_member_s_facts_are_not_kept_either(db: Database) -> None:
    client_id = _client(db, consent=False)
    dispatcher = CollectingDispatcher()
    events = await ActionRecordProfileFacts().run(
        dispatcher, _tracker("خانمم ۲۸ سالشه بیکاره", WIFE_28_UNEMPLOYED), DOMAIN
    )
    assert dispatcher.messages[0]["response"] == "utter_profile_needs_consent"
    assert _slots(events) == {"age": None, "employment_status": None, "gender": None, "consent_given": False}
    with db.unit_of_work() as session:
        assert profile.member_profiles(session, client_id=client_id) == {}


@pytest.mark.parametrize(
    "entities",
    [WIFE_28_UNEMPLOYED, _as_the_nlu_reads(("subject", "spouse"))],
    ids=["subject", "subject by offsets"],
)
async def test_a_request_for_a_wife_starts_the_questions_without_her_facts_as_the_writer_s(
    db: Database, entities: list[dict[str, Any]]
) -> None:
    """«خانمم ۲۸ سالشه بیکاره، براش کار میخوام» opens the job questions: her age answers nothing of his."""
    client_id = _client(db)
    dispatcher = CollectingDispatcher()
    tracker = _tracker(
        "خانمم ۲۸ سالشه بیکاره، براش کار میخوام",
        entities,
        intent="ask_jobs",
        earlier={"topic": "jobs"},
    )
    events = await ValidateIntakeForm().run(dispatcher, tracker, DOMAIN)

    slots = _slots(events)
    assert slots["age"] is None and slots["employment_status"] is None and slots["gender"] is None
    assert slots["requested_slot"] == "organisation"  # the questions are the writer's, from the first one
    assert [m["response"] for m in dispatcher.messages] == ["utter_profile_recorded_for_member"]
    with db.unit_of_work() as session:
        assert profile.current_profile(session, client_id=client_id) == {}
        assert profile.member_profiles(session, client_id=client_id)["spouse"] == {
            "age": ["28"],
            "employment_status": ["unemployed"],
            "gender": ["female"],
        }


async def test_a_wife_s_age_written_when_his_age_is_asked_is_no_answer(db: Database) -> None:
    client_id = _client(db)
    dispatcher = CollectingDispatcher()
    tracker = _tracker(
        "خانمم ۲۸ سالشه",
        WIFE_28_UNEMPLOYED[:2],
        earlier={"topic": "eligibility", "organisation": "emdad"},
        requested="age",
    )
    events = await ValidateIntakeForm().run(dispatcher, tracker, DOMAIN)

    slots = _slots(events)
    assert slots["age"] is None and slots["requested_slot"] == "age"  # asked again, not «not understood»
    [said] = dispatcher.messages
    assert said["response"] == "utter_profile_recorded_for_member" and said["member"] == "همسرتان"
    with db.unit_of_work() as session:
        assert "age" not in profile.current_profile(session, client_id=client_id)
        assert profile.current_profile(session, client_id=client_id, member="spouse")["age"] == ["28"]


async def test_the_writer_s_answer_next_to_a_member_s_fact_is_taken(db: Database) -> None:
    client_id = _client(db)
    entities = [
        _entity("age", "35", 0, "۳۵"),
        _entity("subject", "self", 0, "من"),
        _entity("subject", "spouse", 12, "خانمم"),
        _entity("age", "28", 18, "۲۸"),
    ]
    tracker = _tracker(
        "من ۳۵ سالمه خانمم ۲۸",
        entities,
        earlier={"topic": "eligibility", "organisation": "emdad"},
        requested="age",
    )
    events = await ValidateIntakeForm().run(CollectingDispatcher(), tracker, DOMAIN)
    assert _slots(events)["age"] == "35"
    with db.unit_of_work() as session:
        assert profile.current_profile(session, client_id=client_id)["age"] == ["35"]
        assert profile.current_profile(session, client_id=client_id, member="spouse")["age"] == ["28"]

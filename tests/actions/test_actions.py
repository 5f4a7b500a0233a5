"""Custom actions against a real case database (both backends), called as Rasa calls them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.fallback import ActionFallback, previous_turn_was_fallback
from actions.profile_facts import ActionRecordProfileFacts, describe, facts_in
from actions.session import ActionSessionStart
from karyar import clients, messages, profile
from karyar.clients import TelegramIdentity
from karyar.db.engine import Database
from karyar.db.models import Case, Client, ProfileFact
from karyar.facts import ProfileFactName
from karyar.settings import get_settings

USER = 5_550_000_123
DOMAIN: dict[str, Any] = {
    "slots": {name: {} for name in ["age", "gender", "province", "city", "consent_given"]}
}


@pytest.fixture(autouse=True)
def _actions_use_test_database(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The action server finds its database through DATABASE_URL, as in production."""
    monkeypatch.setenv("DATABASE_URL", db.url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _tracker(entities: list[dict[str, Any]] | None = None, metadata: dict[str, Any] | None = None,
             sender: str = str(USER)) -> Tracker:  # fmt: skip
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": {},
            "latest_message": {
                "text": "من ۲۳ سالمه و در مشهد هستم",
                "intent": {"name": "inform", "confidence": 0.98},
                "entities": entities or [],
                "metadata": metadata or {},
            },
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


def _consenting_client(db: Database) -> tuple[int, int]:
    with db.unit_of_work() as session:
        client = clients.ensure_client(session, identity=TelegramIdentity(user_id=USER))
        clients.record_consent(session, client_id=client.id)
        said = messages.log_inbound(
            session, client_id=client.id, kind="text", text="من ۲۳ سالمه و در مشهد هستم"
        )
        return client.id, said.id


async def test_session_start_registers_client_and_case(db: Database) -> None:
    events = await ActionSessionStart().run(CollectingDispatcher(), _tracker(), DOMAIN)
    assert events[0]["event"] == "session_started" and events[-1]["name"] == "action_listen"
    assert {"event": "slot", "name": "consent_given", "value": False} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]
    with db.unit_of_work() as session:
        client = session.scalars(select(Client)).one()
        assert client.telegram_user_id == USER
        assert session.scalars(select(Case)).one().client_id == client.id


async def test_session_start_brings_back_the_saved_profile(db: Database) -> None:
    client_id, _ = _consenting_client(db)
    with db.unit_of_work() as session:
        profile.record_fact(session, client_id=client_id, name=ProfileFactName.AGE, value="31", source="chat")
        profile.record_fact(
            session, client_id=client_id, name=ProfileFactName.CITY, value="زاهدان", source="chat"
        )
    events = await ActionSessionStart().run(CollectingDispatcher(), _tracker(), DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots == {"consent_given": True, "age": "31", "city": "زاهدان"}


async def test_stated_facts_are_recorded_with_their_source_message(db: Database) -> None:
    client_id, message_id = _consenting_client(db)
    dispatcher = CollectingDispatcher()
    entities = [
        {"entity": "age", "value": "23"},
        {"entity": "city", "value": "مشهد"},
        {"entity": "age", "value": "23"},
    ]
    await ActionRecordProfileFacts().run(
        dispatcher, _tracker(entities, {"karyar_message_id": message_id}), DOMAIN
    )
    [said] = dispatcher.messages
    assert said["response"] == "utter_profile_recorded"
    assert said["facts"] == "سن: ۲۳، شهر: مشهد"
    with db.unit_of_work() as session:
        facts = session.scalars(select(ProfileFact).order_by(ProfileFact.id)).all()
        assert [(f.name, f.value, f.source_message_id) for f in facts] == [
            ("age", "23", message_id),
            ("city", "مشهد", message_id),
        ]
        assert all(f.client_id == client_id for f in facts)


async def test_nothing_personal_is_stored_without_consent(db: Database) -> None:
    dispatcher = CollectingDispatcher()
    await ActionRecordProfileFacts().run(dispatcher, _tracker([{"entity": "age", "value": "23"}]), DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_profile_needs_consent"
    with db.unit_of_work() as session:
        assert session.scalars(select(ProfileFact)).all() == []


async def test_a_message_with_no_fact_is_answered_honestly(db: Database) -> None:
    dispatcher = CollectingDispatcher()
    await ActionRecordProfileFacts().run(dispatcher, _tracker([]), DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_profile_nothing_understood"


async def test_a_conversation_not_from_telegram_stores_nothing(db: Database) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionSessionStart().run(dispatcher, _tracker(sender="default"), DOMAIN)
    assert [(e["event"], e.get("name")) for e in events] == [
        ("session_started", None),
        ("action", "action_listen"),
    ]
    await ActionRecordProfileFacts().run(
        dispatcher, _tracker([{"entity": "age", "value": "23"}], sender="x"), DOMAIN
    )
    with db.unit_of_work() as session:
        assert session.scalars(select(Client)).all() == []


def test_only_profile_entities_become_facts_once_each() -> None:
    entities = [
        {"entity": "age", "value": "23"},
        {"entity": "gender", "value": "female"},
        {"entity": "number", "value": 5},
        {"entity": "field", "value": " خیاطی "},
        {"entity": "gender", "value": "female"},
        {"entity": "city", "value": ""},
    ]
    assert facts_in(entities) == [("age", "23"), ("gender", "female"), ("field", "خیاطی")]
    assert describe([("gender", "female"), ("education", "diploma")]) == "جنسیت: زن، تحصیلات: دیپلم"


def _events(*steps: tuple[str, str]) -> list[dict[str, Any]]:
    return [
        {"event": kind, "name": name} if kind == "action" else {"event": kind, "text": name}
        for kind, name in steps
    ]


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        (_events(("user", "asdf")), False),
        (
            _events(
                ("user", "سلام"), ("action", "utter_greet"), ("action", "action_listen"), ("user", "asdf")
            ),
            False,
        ),
        (
            _events(
                ("user", "qwe"), ("action", "action_fallback"), ("action", "action_listen"), ("user", "asdf")
            ),
            True,
        ),
        (
            _events(
                ("user", "qwe"),
                ("action", "action_fallback"),
                ("user", "سلام"),
                ("action", "utter_greet"),
                ("user", "asdf"),
            ),
            False,
        ),
    ],
    ids=["first-message", "after-an-answer", "second-in-a-row", "fallback-two-turns-ago"],
)
def test_fallback_knows_whether_the_previous_turn_was_one(
    events: list[dict[str, Any]], expected: bool
) -> None:
    assert previous_turn_was_fallback(events) is expected


async def test_second_fallback_in_a_row_offers_a_counsellor() -> None:
    tracker = _tracker()
    tracker.events = _events(
        ("user", "qwe"), ("action", "action_fallback"), ("action", "action_listen"), ("user", "x")
    )
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(dispatcher, tracker, DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_default_offer_counsellor"
    tracker.events = tracker.events[-1:]
    tracker.latest_message["intent"] = {"name": "out_of_scope", "confidence": 0.9}
    await ActionFallback().run(dispatcher, tracker, DOMAIN)
    assert dispatcher.messages[1]["response"] == "utter_out_of_scope"

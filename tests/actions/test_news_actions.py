"""Subscribing to news and unsubscribing in the chat, against a real case database (both backends)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.news import ActionSubscribeNews, ActionUnsubscribeNews
from karyar import cases, clients
from karyar.clients import TelegramIdentity
from karyar.db.engine import Database
from karyar.db.models import CaseEventKind, Client
from karyar.settings import get_settings

USER = 5_550_000_777


@pytest.fixture(autouse=True)
def _actions_use_test_database(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", db.url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _tracker(intent: str, *, sender: str = str(USER)) -> Tracker:
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": {},
            "latest_message": {"text": "", "intent": {"name": intent}, "entities": [], "metadata": {}},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


async def _say(action: Any, intent: str, *, sender: str = str(USER)) -> list[str]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, _tracker(intent, sender=sender), {})
    assert events == []  # nothing for Rasa to change: a form in progress resumes after the answer
    return [message["response"] for message in dispatcher.messages]


def _state(db: Database) -> tuple[bool, list[dict[str, Any]]]:
    """Whether the client is subscribed, and the subscription events on their case."""
    with db.unit_of_work() as session:
        client = session.scalars(select(Client).where(Client.telegram_user_id == USER)).one()
        events = cases.events(
            session, case_id=cases.open_case(session, client_id=client.id).id, kind=CaseEventKind.SUBSCRIPTION
        )
        return client.subscribed, [dict(event.data) for event in events]


async def test_subscribe_creates_the_client_and_records_where_it_came_from(db: Database) -> None:
    assert await _say(ActionSubscribeNews(), "subscribe_news") == ["utter_subscribe_news"]
    assert _state(db) == (True, [{"subscribed": True, "source": "conversation"}])


async def test_subscribing_twice_says_so_and_records_nothing_more(db: Database) -> None:
    await _say(ActionSubscribeNews(), "subscribe_news")
    assert await _say(ActionSubscribeNews(), "subscribe_news") == ["utter_news_already_subscribed"]
    assert _state(db) == (True, [{"subscribed": True, "source": "conversation"}])


async def test_unsubscribe_after_subscribing(db: Database) -> None:
    await _say(ActionSubscribeNews(), "subscribe_news")
    assert await _say(ActionUnsubscribeNews(), "unsubscribe_news") == ["utter_unsubscribe_news"]
    assert _state(db) == (
        False,
        [
            {"subscribed": True, "source": "conversation"},
            {"subscribed": False, "source": "conversation"},
        ],
    )


async def test_unsubscribing_when_not_subscribed_says_so(db: Database) -> None:
    with db.unit_of_work() as session:
        clients.ensure_client(session, identity=TelegramIdentity(user_id=USER))
    assert await _say(ActionUnsubscribeNews(), "unsubscribe_news") == ["utter_news_already_unsubscribed"]
    assert _state(db) == (False, [])


async def test_a_conversation_not_keyed_by_a_telegram_user_stores_nothing(db: Database) -> None:
    assert await _say(ActionSubscribeNews(), "subscribe_news", sender="web-visitor") == [
        "utter_news_unavailable"
    ]
    with db.unit_of_work() as session:
        assert session.scalars(select(Client)).all() == []


async def test_a_failing_database_is_answered_politely(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:////nonexistent-directory/karyar.sqlite3")
    get_settings.cache_clear()
    assert await _say(ActionUnsubscribeNews(), "unsubscribe_news") == ["utter_news_unavailable"]


def test_the_responses_the_actions_use_are_in_the_domain(project_root: Any) -> None:
    from ruamel.yaml import YAML

    domain = YAML(typ="safe", pure=True).load((project_root / "domain" / "news.yml").read_text("utf-8"))
    assert {"action_subscribe_news", "action_unsubscribe_news"} <= set(domain["actions"])
    assert {
        "utter_subscribe_news",
        "utter_unsubscribe_news",
        "utter_news_already_subscribed",
        "utter_news_already_unsubscribed",
        "utter_news_unavailable",
    } <= set(domain["responses"])

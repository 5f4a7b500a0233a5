"""Subscribing to the news and being reachable, on both backends: every change of subscription goes on the
case timeline with where it came from, and a chat Telegram could not find is marked until the client writes."""

from __future__ import annotations

import pytest

from karyar import clients
from karyar.clients import TelegramIdentity
from karyar.db.engine import Database
from karyar.db.models import CaseEventKind, Client
from karyar.subscription import SOURCES, set_subscribed
from tests.karyar.broadcast.conftest import add_client, case_events


def test_subscribing_and_unsubscribing_is_recorded_with_its_source(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, 7_700_000_001, subscribed=False)
        assert set_subscribed(session, client_id=client.id, subscribed=True, source="after_consent")
        assert client.subscribed
        assert not set_subscribed(session, client_id=client.id, subscribed=True, source="conversation")
        assert set_subscribed(session, client_id=client.id, subscribed=False, source="conversation")
        assert not client.subscribed
        assert set_subscribed(session, client_id=client.id, subscribed=True, source="staff")
        client_id = client.id
    with db.unit_of_work() as session:
        client = session.get_one(Client, client_id)
        assert client.subscribed
        events = case_events(session, client, CaseEventKind.SUBSCRIPTION)
        assert [e.data for e in events] == [
            {"subscribed": True, "source": "after_consent"},
            {"subscribed": False, "source": "conversation"},
            {"subscribed": True, "source": "staff"},
        ]


def test_a_new_client_is_not_subscribed_until_they_say_so(db: Database) -> None:
    with db.unit_of_work() as session:
        client = clients.ensure_client(session, identity=TelegramIdentity(user_id=7_700_000_101))
        session.flush()
        assert not session.get_one(Client, client.id).subscribed
        assert not set_subscribed(session, client_id=client.id, subscribed=False, source="conversation")
        assert case_events(session, client, CaseEventKind.SUBSCRIPTION) == []


@pytest.mark.parametrize("source", ["bot", "", "Staff", "announcements"])
def test_an_unknown_source_is_refused_and_changes_nothing(db: Database, source: str) -> None:
    assert source not in SOURCES
    with db.unit_of_work() as session:
        client = add_client(session, 7_700_000_201, subscribed=False)
        with pytest.raises(ValueError, match="unknown subscription source"):
            set_subscribed(session, client_id=client.id, subscribed=True, source=source)
        assert not client.subscribed
        assert case_events(session, client, CaseEventKind.SUBSCRIPTION) == []


def test_a_missing_chat_is_marked_and_cleared_when_the_client_writes(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, 7_700_000_301)
        clients.mark_chat_missing(session, telegram_user_id=client.telegram_user_id)
        clients.mark_chat_missing(session, telegram_user_id=7_700_000_999)  # unknown: nothing happens
        client_id = client.id
    with db.unit_of_work() as session:
        client = session.get_one(Client, client_id)
        assert client.chat_missing and not client.blocked_bot and client.subscribed
    with db.unit_of_work() as session:
        clients.ensure_client(session, identity=TelegramIdentity(user_id=7_700_000_301, first_name="سارا"))
    with db.unit_of_work() as session:
        client = session.get_one(Client, client_id)
        assert not client.chat_missing and client.first_name == "سارا"
        assert client.subscribed  # writing again does not change the subscription


def test_a_client_who_blocked_the_bot_and_writes_again_is_reachable_again(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, 7_700_000_401)
        clients.mark_blocked(session, telegram_user_id=client.telegram_user_id)
        clients.mark_chat_missing(session, telegram_user_id=client.telegram_user_id)
        session.flush()
        assert client.blocked_bot and client.chat_missing
        clients.ensure_client(session, identity=TelegramIdentity(user_id=client.telegram_user_id))
        assert not client.blocked_bot and not client.chat_missing

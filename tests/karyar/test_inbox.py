"""The inbox of Telegram updates on both databases: stored once, replayed until processed, then emptied.
An update is the same update only when everything in it is the same: a server that numbers its updates
afresh reuses ids, and those new updates are never taken for old ones."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from karyar import inbox
from karyar.clock import now
from karyar.db.engine import Database
from karyar.db.models import TelegramUpdate

BOT = 7000000001


def _update(
    update_id: int, text: str = "سلام", *, message_id: int | None = None, date: int = 1_790_000_000
) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id if message_id is None else message_id,
            "date": date,
            "chat": {"id": 81, "type": "private"},
            "text": text,
        },
    }


def _ids(updates: list[dict[str, Any]]) -> list[int]:
    return [int(u["update_id"]) for u in updates]


def test_a_redelivered_update_is_not_stored_or_handled_twice(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    with db.unit_of_work() as session:
        assert _ids(inbox.store_new(session, bot_id=BOT, updates=[_update(1), _update(2)])) == [1, 2]
    with caplog.at_level(logging.INFO, logger="karyar.inbox"), db.unit_of_work() as session:
        assert _ids(inbox.store_new(session, bot_id=BOT, updates=[_update(2), _update(3)])) == [3]
        assert session.scalar(select(func.count()).select_from(TelegramUpdate)) == 3
    assert "update 2 skipped: the same update" in caplog.text  # the reason is in the log


def test_a_server_that_numbers_afresh_has_its_new_updates_handled(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    with db.unit_of_work() as session:
        before = [_update(n, f"پیام {n}", date=1_790_000_000 + n) for n in (1, 2, 3)]
        inbox.store_new(session, bot_id=BOT, updates=before)
        for payload in before:
            inbox.mark_processed(session, bot_id=BOT, key=inbox.update_key(payload))
    # The server restarted: ids 1, 2, 3 again, for new messages.
    after = [_update(n, f"پیام تازه {n}", date=1_790_000_600 + n) for n in (1, 2, 3)]
    with caplog.at_level(logging.INFO, logger="karyar.inbox"), db.unit_of_work() as session:
        assert _ids(inbox.store_new(session, bot_id=BOT, updates=after)) == [1, 2, 3]
        assert [u["message"]["text"] for u in inbox.unprocessed(session, bot_id=BOT)] == [
            "پیام تازه 1",
            "پیام تازه 2",
            "پیام تازه 3",
        ]
    assert "reuses the id of an earlier, different update" in caplog.text
    # Even the same words in the same chat, sent later, are a new message.
    with db.unit_of_work() as session:
        again = _update(1, "پیام 1", date=1_790_000_900)
        assert _ids(inbox.store_new(session, bot_id=BOT, updates=[again])) == [1]


def test_what_was_not_processed_is_replayed_in_order_of_arrival_and_processed_ones_lose_their_text(
    db: Database,
) -> None:
    with db.unit_of_work() as session:
        inbox.store_new(session, bot_id=BOT, updates=[_update(12, "دوم"), _update(11, "اول"), _update(13)])
        assert inbox.mark_processed(session, bot_id=BOT, key=inbox.update_key(_update(13)))
    with db.unit_of_work() as session:
        # a later batch from a server that numbered afresh comes after, despite its smaller id
        inbox.store_new(session, bot_id=BOT, updates=[_update(1, "سوم", date=1_790_000_500)])
    with db.unit_of_work() as session:
        assert [u["message"]["text"] for u in inbox.unprocessed(session, bot_id=BOT)] == ["اول", "دوم", "سوم"]
        row = session.get_one(TelegramUpdate, (BOT, inbox.update_key(_update(13))))
        assert row.payload is None and row.processed_at is not None
        assert not inbox.mark_processed(session, bot_id=BOT, key=inbox.update_key(_update(99)))


def test_keys_are_forgotten_a_day_after_processing(db: Database) -> None:
    with db.unit_of_work() as session:
        inbox.store_new(session, bot_id=BOT, updates=[_update(21), _update(22)])
        inbox.mark_processed(session, bot_id=BOT, key=inbox.update_key(_update(21)))
    with db.unit_of_work() as session:
        assert inbox.forget_old(session, moment=now() + timedelta(hours=23)) == 0
        assert inbox.forget_old(session, moment=now() + timedelta(hours=25)) == 1
        assert [row.update_id for row in session.scalars(select(TelegramUpdate))] == [22]


def test_two_bots_sharing_a_database_keep_their_updates_apart(db: Database) -> None:
    with db.unit_of_work() as session:
        inbox.store_new(session, bot_id=BOT, updates=[_update(1)])
        assert _ids(inbox.store_new(session, bot_id=BOT + 1, updates=[_update(1)])) == [1]
        inbox.mark_processed(session, bot_id=BOT, key=inbox.update_key(_update(1)))
        assert _ids(inbox.unprocessed(session, bot_id=BOT + 1)) == [1]


def test_the_key_does_not_depend_on_the_order_of_fields() -> None:
    payload = _update(5)
    reordered = {"message": dict(reversed(list(payload["message"].items()))), "update_id": 5}
    assert inbox.update_key(payload) == inbox.update_key(reordered)
    assert inbox.update_key(payload) != inbox.update_key(_update(5, "سلام!"))

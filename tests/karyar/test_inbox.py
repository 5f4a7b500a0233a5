"""The inbox of Telegram updates on both databases: stored once, replayed until processed, then emptied."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from karyar import inbox
from karyar.clock import now
from karyar.db.engine import Database
from karyar.db.models import TelegramUpdate

BOT = 7000000001


def _update(update_id: int, text: str = "سلام") -> dict[str, object]:
    return {"update_id": update_id, "message": {"message_id": update_id, "text": text}}


def test_a_redelivered_update_is_not_stored_or_handled_twice(db: Database) -> None:
    with db.unit_of_work() as session:
        assert [
            u["update_id"] for u in inbox.store_new(session, bot_id=BOT, updates=[_update(1), _update(2)])
        ] == [1, 2]
    with db.unit_of_work() as session:
        assert [
            u["update_id"] for u in inbox.store_new(session, bot_id=BOT, updates=[_update(2), _update(3)])
        ] == [3]
        assert session.scalar(select(func.count()).select_from(TelegramUpdate)) == 3


def test_what_was_not_processed_is_replayed_in_order_and_processed_ones_lose_their_text(db: Database) -> None:
    with db.unit_of_work() as session:
        inbox.store_new(session, bot_id=BOT, updates=[_update(12, "دوم"), _update(11, "اول"), _update(13)])
        inbox.mark_processed(session, bot_id=BOT, update_id=13)
    with db.unit_of_work() as session:
        assert [u["message"]["text"] for u in inbox.unprocessed(session, bot_id=BOT)] == ["اول", "دوم"]  # type: ignore[index]
        row = session.get_one(TelegramUpdate, (BOT, 13))
        assert row.payload is None and row.processed_at is not None


def test_ids_are_forgotten_a_day_after_processing(db: Database) -> None:
    with db.unit_of_work() as session:
        inbox.store_new(session, bot_id=BOT, updates=[_update(21), _update(22)])
        inbox.mark_processed(session, bot_id=BOT, update_id=21)
    with db.unit_of_work() as session:
        assert inbox.forget_old(session, moment=now() + timedelta(hours=23)) == 0
        assert inbox.forget_old(session, moment=now() + timedelta(hours=25)) == 1
        assert [row.update_id for row in session.scalars(select(TelegramUpdate))] == [22]


def test_two_bots_sharing_a_database_keep_their_update_ids_apart(db: Database) -> None:
    with db.unit_of_work() as session:
        inbox.store_new(session, bot_id=BOT, updates=[_update(1)])
        assert [u["update_id"] for u in inbox.store_new(session, bot_id=BOT + 1, updates=[_update(1)])] == [1]
        inbox.mark_processed(session, bot_id=BOT, update_id=1)
        assert [u["update_id"] for u in inbox.unprocessed(session, bot_id=BOT + 1)] == [1]

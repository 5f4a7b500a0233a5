"""Two senders working the same broadcast at once never take the same row.

Each sender is a thread with its own engine and sessions, as two sender processes would be. On PostgreSQL
a claim skips rows another sender has locked (FOR UPDATE SKIP LOCKED), so the two really work side by side;
on SQLite a claim is one UPDATE under the database's single write lock, and the busy timeout the project
sets makes the second sender wait for the first instead of failing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import func, insert, select

from karyar.broadcast import delivery, store
from karyar.clock import now
from karyar.db.engine import Database
from karyar.db.models import BroadcastDelivery, Client, DeliveryStatus
from tests.karyar.broadcast.conftest import deliveries, sending_broadcast

RECIPIENTS = 500
BATCH = 5
LEASE = 60


@contextmanager
def _sender_database(url: str) -> Iterator[Database]:
    """A sender's own engine and sessions, like a separate process."""
    database = Database(url)
    try:
        yield database
    finally:
        database.dispose()


def _broadcast_to(db: Database, how_many: int, first_telegram_id: int) -> int:
    with db.unit_of_work() as session:
        moment = now()
        session.execute(
            insert(Client),
            [
                {
                    "telegram_user_id": first_telegram_id + n,
                    "subscribed": True,
                    "first_seen_at": moment,
                    "last_seen_at": moment,
                }
                for n in range(how_many)
            ],
        )
        broadcast = sending_broadcast(session)
        assert broadcast.recipients == how_many
        return broadcast.id


def _pending(database: Database, broadcast_id: int) -> int:
    with database.unit_of_work() as session:
        return (
            session.scalar(
                select(func.count()).where(
                    BroadcastDelivery.broadcast_id == broadcast_id,
                    BroadcastDelivery.status == DeliveryStatus.PENDING,
                )
            )
            or 0
        )


def test_two_senders_send_every_row_exactly_once(db: Database) -> None:
    broadcast_id = _broadcast_to(db, RECIPIENTS, 7_400_000_000)
    claimed: dict[str, list[int]] = {"a": [], "b": []}
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def sender(name: str) -> None:
        try:
            with _sender_database(db.url) as database:
                start.wait(timeout=30)
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline:
                    with database.unit_of_work() as session:
                        if broadcast_id not in store.sending(session):
                            return
                        batch = delivery.claim(
                            session, broadcast_id=broadcast_id, limit=BATCH, lease_seconds=LEASE
                        )
                        time.sleep(0.001)  # hold the claim's locks a moment, so the two claims overlap
                    if not batch:
                        if _pending(database, broadcast_id) == 0:
                            return
                        time.sleep(0.005)  # the rest is locked by the other sender; look again
                        continue
                    claimed[name].extend(row.id for row in batch)
                    with database.unit_of_work() as session:
                        for row in batch:
                            delivery.record_sent(session, delivery_id=row.id, telegram_message_id=row.id)
                raise AssertionError(f"sender {name} did not finish in time")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=sender, args=(name,)) for name in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    a, b = set(claimed["a"]), set(claimed["b"])
    assert len(a) == len(claimed["a"]) and len(b) == len(claimed["b"]), "a sender got a row twice"
    assert a.isdisjoint(b), f"rows claimed by both senders: {sorted(a & b)[:10]}"
    assert a and b, "both senders should have had a share of the work"
    with db.unit_of_work() as session:
        rows = deliveries(session, broadcast_id)
        assert len(rows) == RECIPIENTS
        assert a | b == {row.id for row in rows}
        assert {(row.status, row.attempts) for row in rows} == {(DeliveryStatus.SENT, 1)}
        assert {row.telegram_message_id == row.id for row in rows} == {True}
        assert store.finish_if_done(session, broadcast_id=broadcast_id)


def test_postgresql_a_second_sender_skips_the_rows_the_first_holds(db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks with SKIP LOCKED are PostgreSQL's; SQLite is covered by the test below")
    broadcast_id = _broadcast_to(db, 20, 7_400_001_000)
    with db.unit_of_work() as first:
        held = delivery.claim(first, broadcast_id=broadcast_id, limit=5, lease_seconds=LEASE)
        # The first sender's claim is not committed yet: its rows are locked, still PENDING to others.
        with _sender_database(db.url) as other, other.unit_of_work() as second:
            began = time.monotonic()
            taken = delivery.claim(second, broadcast_id=broadcast_id, limit=5, lease_seconds=LEASE)
            assert time.monotonic() - began < 5, "the second sender waited for the first instead of skipping"
    rows = _ids(db, broadcast_id)
    assert [row.id for row in held] == rows[:5]
    assert [row.id for row in taken] == rows[5:10]


def test_sqlite_a_second_sender_waits_for_the_first_and_takes_the_next_rows(db: Database) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single writer; PostgreSQL is covered by the test above")
    broadcast_id = _broadcast_to(db, 20, 7_400_002_000)
    taken: list[delivery.Claimed] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def second_sender() -> None:
        try:
            with _sender_database(db.url) as other, other.unit_of_work() as session:
                taken.extend(delivery.claim(session, broadcast_id=broadcast_id, limit=5, lease_seconds=LEASE))
        except BaseException as error:
            errors.append(error)
        finally:
            done.set()

    with db.unit_of_work() as first:
        held = delivery.claim(first, broadcast_id=broadcast_id, limit=5, lease_seconds=LEASE)
        thread = threading.Thread(target=second_sender)
        thread.start()
        # The first claim holds the write lock until it commits: the second waits (busy timeout), no error.
        assert not done.wait(timeout=1.0)
    thread.join(timeout=30)
    assert done.is_set() and errors == []
    rows = _ids(db, broadcast_id)
    assert [row.id for row in held] == rows[:5]
    assert [row.id for row in taken] == rows[5:10]


def test_two_senders_claiming_at_the_same_instant_never_share_a_row(db: Database) -> None:
    """Many rounds of two claims released together; whatever the backend, no row is handed out twice."""
    broadcast_id = _broadcast_to(db, 200, 7_400_003_000)
    claimed: dict[str, list[int]] = {"a": [], "b": []}
    errors: list[BaseException] = []
    rounds = 20
    together = threading.Barrier(2)

    def sender(name: str) -> None:
        try:
            with _sender_database(db.url) as database:
                for _ in range(rounds):
                    together.wait(timeout=30)
                    with database.unit_of_work() as session:
                        batch = delivery.claim(
                            session, broadcast_id=broadcast_id, limit=5, lease_seconds=LEASE
                        )
                    claimed[name].extend(row.id for row in batch)
        except BaseException as error:
            errors.append(error)
            together.abort()

    threads = [threading.Thread(target=sender, args=(name,)) for name in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    a, b = claimed["a"], claimed["b"]
    assert len(set(a) | set(b)) == len(a) + len(b) == 200
    with db.unit_of_work() as session:
        assert {(row.status, row.attempts) for row in deliveries(session, broadcast_id)} == {
            (DeliveryStatus.SENDING, 1)
        }


def _ids(db: Database, broadcast_id: int) -> list[int]:
    with db.unit_of_work() as session:
        return [row.id for row in deliveries(session, broadcast_id)]

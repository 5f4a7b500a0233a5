"""Handing out and recording deliveries on both backends: claims in recipient order with a lease, a crashed
sender's rows handed out again once the lease runs out, retries waiting for their time, recipients who left
in the meantime skipped, and every outcome the sender records (sent, blocked, chat gone, retry, failed,
given back)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from karyar.broadcast import delivery, store
from karyar.broadcast.delivery import ERROR_LIMIT, Claimed
from karyar.db.engine import Database
from karyar.db.models import BroadcastDelivery, BroadcastStatus, Client, DeliveryStatus
from karyar.subscription import set_subscribed
from tests.karyar.broadcast.conftest import (
    START,
    Clock,
    deliveries,
    draft,
    sending_broadcast,
    subscribers,
)

LEASE = 30


def _claim(session: Session, broadcast_id: int, limit: int = 10) -> list[Claimed]:
    return delivery.claim(session, broadcast_id=broadcast_id, limit=limit, lease_seconds=LEASE)


# --- claiming ------------------------------------------------------------------------------------------


def test_claim_hands_out_rows_in_recipient_order_up_to_the_limit_with_a_lease(
    db: Database, clock: Clock
) -> None:
    with db.unit_of_work() as session:
        people = subscribers(session, 7_300_000_001, 7)
        broadcast = sending_broadcast(session)
        rows = deliveries(session, broadcast.id)
        first = _claim(session, broadcast.id, limit=3)
        assert first == [
            Claimed(
                id=row.id, broadcast_id=broadcast.id, client_id=c.id, chat_id=c.telegram_user_id, attempts=1
            )
            for row, c in zip(rows[:3], people[:3], strict=True)
        ]
        second = _claim(session, broadcast.id, limit=3)
        assert [c.id for c in second] == [row.id for row in rows[3:6]]
        third = _claim(session, broadcast.id, limit=3)
        assert [c.id for c in third] == [rows[6].id]
        assert _claim(session, broadcast.id, limit=3) == []
        after = deliveries(session, broadcast.id)
        assert {(row.status, row.attempts, row.lease_until) for row in after} == {
            (DeliveryStatus.SENDING, 1, START + timedelta(seconds=LEASE))
        }


def test_claim_takes_only_the_given_broadcasts_rows(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        subscribers(session, 7_300_000_101, 2)
        earlier = sending_broadcast(session)
        later = sending_broadcast(session)
        assert {c.broadcast_id for c in _claim(session, later.id)} == {later.id}
        assert [row.status for row in deliveries(session, earlier.id)] == ["pending", "pending"]


def test_a_crashed_senders_rows_are_handed_out_again_once_their_lease_runs_out(
    db: Database, clock: Clock
) -> None:
    with db.unit_of_work() as session:
        subscribers(session, 7_300_000_201, 4)
        broadcast = sending_broadcast(session)
        crashed = _claim(session, broadcast.id, limit=2)  # … and the sender was killed before recording
        broadcast_id = broadcast.id
    clock.advance(seconds=LEASE - 1)
    with db.unit_of_work() as session:
        # Still leased: another sender takes only the rows nobody holds.
        assert [c.id for c in _claim(session, broadcast_id, limit=5)] == [
            row.id for row in deliveries(session, broadcast_id)[2:]
        ]
    clock.advance(seconds=1)
    with db.unit_of_work() as session:
        assert _claim(session, broadcast_id, limit=5) == []  # exactly at the end of the lease: still held
    clock.advance(seconds=1)
    with db.unit_of_work() as session:
        again = _claim(session, broadcast_id, limit=5)
        assert [c.id for c in again] == [c.id for c in crashed]
        assert [c.attempts for c in again] == [2, 2]
        assert {row.lease_until for row in deliveries(session, broadcast_id)[:2]} == {
            clock.moment + timedelta(seconds=LEASE)
        }


def test_a_lease_set_in_the_past_is_due_again_without_moving_the_clock(db: Database) -> None:
    """The same crash with the real clock: the lease is simply over."""
    from karyar.clock import now

    with db.unit_of_work() as session:
        subscribers(session, 7_300_000_301, 2)
        broadcast = sending_broadcast(session)
        [first, _] = _claim(session, broadcast.id)
        session.execute(
            update(BroadcastDelivery)
            .where(BroadcastDelivery.id == first.id)
            .values(lease_until=now() - timedelta(seconds=1))
        )
        assert [(c.id, c.attempts) for c in _claim(session, broadcast.id)] == [(first.id, 2)]


def test_a_retry_waits_for_its_time(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        subscribers(session, 7_300_000_401, 2)
        broadcast = sending_broadcast(session)
        [first, second] = _claim(session, broadcast.id)
        delivery.record_retry(
            session, delivery_id=first.id, at=START + timedelta(seconds=10), error="network: timed out"
        )
        delivery.record_sent(session, delivery_id=second.id, telegram_message_id=900)
        clock.advance(seconds=9)
        assert _claim(session, broadcast.id) == []
        clock.advance(seconds=1)
        [again] = _claim(session, broadcast.id)
        assert (again.id, again.attempts) == (first.id, 2)


def test_recipients_who_left_since_confirmation_are_skipped_not_handed_out(
    db: Database, clock: Clock
) -> None:
    with db.unit_of_work() as session:
        stays, unsubscribes, blocks, vanishes, stays_too = subscribers(session, 7_300_000_501, 5)
        broadcast = sending_broadcast(session)
        set_subscribed(session, client_id=unsubscribes.id, subscribed=False, source="conversation")
        blocks.blocked_bot = True
        vanishes.chat_missing = True
        session.flush()
        claimed = _claim(session, broadcast.id, limit=4)
        # The four rows were taken; only the two still reachable are handed out.
        assert [c.client_id for c in claimed] == [stays.id]
        rows = {row.client_id: row for row in deliveries(session, broadcast.id)}
        assert rows[stays_too.id].status == DeliveryStatus.PENDING
        for gone in (unsubscribes, blocks, vanishes):
            assert rows[gone.id].status == DeliveryStatus.SKIPPED
            assert rows[gone.id].last_error == "unsubscribed or unreachable before sending"
            assert rows[gone.id].lease_until is None
        assert rows[stays.id].status == DeliveryStatus.SENDING


def test_a_skipped_row_uses_up_a_place_in_the_batch(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        gone, stays, later = subscribers(session, 7_300_000_601, 3)
        broadcast = sending_broadcast(session)
        gone.subscribed = False
        session.flush()
        assert [c.client_id for c in _claim(session, broadcast.id, limit=2)] == [stays.id]
        assert [c.client_id for c in _claim(session, broadcast.id, limit=2)] == [later.id]
        assert [row.status for row in deliveries(session, broadcast.id)] == ["skipped", "sending", "sending"]


def test_a_client_who_writes_again_after_being_skipped_is_not_sent_the_old_announcement(
    db: Database, clock: Clock
) -> None:
    from karyar import clients
    from karyar.clients import TelegramIdentity

    with db.unit_of_work() as session:
        [client] = subscribers(session, 7_300_000_701, 1)
        broadcast = sending_broadcast(session)
        client.blocked_bot = True
        session.flush()
        assert _claim(session, broadcast.id) == []
        clients.ensure_client(session, identity=TelegramIdentity(user_id=client.telegram_user_id))
        session.flush()
        assert _claim(session, broadcast.id) == []  # skipped is final
        assert [row.status for row in deliveries(session, broadcast.id)] == ["skipped"]


def test_claim_hands_out_rows_only_of_a_broadcast_being_sent(db: Database, clock: Clock) -> None:
    """Paused, awaiting approval or cancelled: nothing is claimed, whoever asks."""
    with db.unit_of_work() as session:
        subscribers(session, 7_300_000_801, 3)
        paused = sending_broadcast(session)
        cancelled = sending_broadcast(session)
        awaiting = store.confirm(session, broadcast_id=draft(session).id, approval_required=True)
        store.pause(session, broadcast_id=paused.id)
        store.cancel(session, broadcast_id=cancelled.id)
        assert store.sending(session) == []
        assert _claim(session, cancelled.id) == []
        assert _claim(session, paused.id, limit=2) == []
        assert awaiting.status == BroadcastStatus.AWAITING_APPROVAL and _claim(session, awaiting.id) == []
        store.resume(session, broadcast_id=paused.id)
        assert len(_claim(session, paused.id, limit=2)) == 2


# --- recording -----------------------------------------------------------------------------------------


def test_record_sent_keeps_the_message_id_and_time(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        subscribers(session, 7_300_000_901, 1)
        broadcast = sending_broadcast(session)
        [row] = _claim(session, broadcast.id)
        clock.advance(seconds=2)
        delivery.record_sent(session, delivery_id=row.id, telegram_message_id=4321)
        [stored] = deliveries(session, broadcast.id)
        assert (stored.status, stored.telegram_message_id, stored.sent_at, stored.lease_until) == (
            DeliveryStatus.SENT,
            4321,
            clock.moment,
            None,
        )
        assert stored.attempts == 1


def test_record_blocked_marks_the_client_so_no_later_announcement_tries_them(
    db: Database, clock: Clock
) -> None:
    with db.unit_of_work() as session:
        [client] = subscribers(session, 7_300_001_001, 1)
        broadcast = sending_broadcast(session)
        [row] = _claim(session, broadcast.id)
        delivery.record_blocked(
            session, delivery_id=row.id, client_id=client.id, error="Forbidden: bot was blocked by the user"
        )
        [stored] = deliveries(session, broadcast.id)
        assert (stored.status, stored.last_error) == (
            DeliveryStatus.BLOCKED,
            "Forbidden: bot was blocked by the user",
        )
        assert session.get_one(Client, client.id).blocked_bot
        assert sending_broadcast(session).recipients == 0


def test_record_chat_missing_marks_the_client_until_they_write_again(db: Database, clock: Clock) -> None:
    from karyar import clients
    from karyar.clients import TelegramIdentity

    with db.unit_of_work() as session:
        [client] = subscribers(session, 7_300_001_101, 1)
        broadcast = sending_broadcast(session)
        [row] = _claim(session, broadcast.id)
        delivery.record_chat_missing(
            session, delivery_id=row.id, client_id=client.id, error="Bad Request: chat not found"
        )
        [stored] = deliveries(session, broadcast.id)
        assert (stored.status, stored.last_error) == (
            DeliveryStatus.CHAT_MISSING,
            "Bad Request: chat not found",
        )
        assert session.get_one(Client, client.id).chat_missing
        assert not session.get_one(Client, client.id).blocked_bot
        assert sending_broadcast(session).recipients == 0
        clients.ensure_client(session, identity=TelegramIdentity(user_id=client.telegram_user_id))
        session.flush()
        assert sending_broadcast(session).recipients == 1


@pytest.mark.parametrize(("counts", "attempts_after"), [(True, 1), (False, 0)])
def test_record_retry_waits_and_a_flood_wait_does_not_use_up_an_attempt(
    db: Database, clock: Clock, counts: bool, attempts_after: int
) -> None:
    with db.unit_of_work() as session:
        subscribers(session, 7_300_001_201, 1)
        broadcast = sending_broadcast(session)
        [row] = _claim(session, broadcast.id)
        delivery.record_retry(
            session,
            delivery_id=row.id,
            at=START + timedelta(seconds=17),
            error="Too Many Requests: retry after 17",
            counts=counts,
        )
        [stored] = deliveries(session, broadcast.id)
        assert (stored.status, stored.attempts, stored.next_attempt_at, stored.lease_until) == (
            DeliveryStatus.PENDING,
            attempts_after,
            START + timedelta(seconds=17),
            None,
        )
        assert stored.last_error == "Too Many Requests: retry after 17"
        clock.advance(seconds=17)
        [again] = _claim(session, broadcast.id)
        assert again.attempts == attempts_after + 1


def test_record_failed_gives_up_with_the_reason_cut_to_fit(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        subscribers(session, 7_300_001_301, 1)
        broadcast = sending_broadcast(session)
        [row] = _claim(session, broadcast.id)
        reason = "Bad Request: " + "ن" * 400
        delivery.record_failed(session, delivery_id=row.id, error=reason)
        [stored] = deliveries(session, broadcast.id)
        assert stored.status == DeliveryStatus.FAILED
        assert stored.last_error == reason[:ERROR_LIMIT]
        clock.advance(hours=1)
        assert _claim(session, broadcast.id) == []  # given up for good


def test_release_gives_claimed_rows_back_unsent_without_using_an_attempt(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        subscribers(session, 7_300_001_401, 3)
        broadcast = sending_broadcast(session)
        first, second, third = _claim(session, broadcast.id)
        delivery.record_sent(session, delivery_id=first.id, telegram_message_id=1)
        delivery.release(session, delivery_ids=[first.id, second.id, third.id])
        delivery.release(session, delivery_ids=[])
        rows = deliveries(session, broadcast.id)
        assert [(row.status, row.attempts, row.lease_until) for row in rows] == [
            (DeliveryStatus.SENT, 1, None),  # a recorded outcome is never undone
            (DeliveryStatus.PENDING, 0, None),
            (DeliveryStatus.PENDING, 0, None),
        ]
        assert [(c.id, c.attempts) for c in _claim(session, broadcast.id)] == [(second.id, 1), (third.id, 1)]

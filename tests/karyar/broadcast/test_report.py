"""The numbers staff see while a broadcast is sent and in its report, on both backends, after a mix of every
outcome: sent, blocked, chat gone, failed (grouped by reason), skipped, cancelled, still to go; presses per
button title and how many left the news through the announcement."""

from __future__ import annotations

from datetime import timedelta

from karyar.broadcast import delivery, store
from karyar.broadcast.presses import record_press
from karyar.broadcast.report import UNSUBSCRIBE_BUTTON, Progress, progress, report
from karyar.db.engine import Database
from karyar.db.models import DeliveryStatus
from tests.karyar.broadcast.conftest import START, Clock, draft, sending_broadcast, subscribers
from tests.karyar.catalogue.factories import course

TOO_LONG = "Bad Request: message is too long"
TIMED_OUT = "network: timed out"


def test_progress_and_report_after_a_mix_of_outcomes(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        people = subscribers(session, 7_600_000_001, 12)
        sewing = course("C-9")
        session.add(sewing)
        session.flush()
        broadcast = sending_broadcast(
            session,
            buttons=[
                {"kind": "link", "title": "سایت", "url": "https://emdad.ir"},
                {"kind": "course", "title": "ثبت‌نام", "course_id": sewing.id},
                {"kind": "interest", "title": "علاقه‌مندم"},
            ],
        )
        assert progress(session, broadcast_id=broadcast.id) == Progress(total=12, counts={"pending": 12})
        people[11].subscribed = False  # left before their turn
        session.flush()
        rows = delivery.claim(session, broadcast_id=broadcast.id, limit=12, lease_seconds=30)
        assert len(rows) == 11
        by_client = {row.client_id: row for row in rows}

        def row_of(n: int) -> int:
            return by_client[people[n].id].id

        for n in range(5):
            delivery.record_sent(session, delivery_id=row_of(n), telegram_message_id=100 + n)
        delivery.record_blocked(session, delivery_id=row_of(5), client_id=people[5].id, error="Forbidden")
        delivery.record_chat_missing(
            session, delivery_id=row_of(6), client_id=people[6].id, error="Bad Request: chat not found"
        )
        delivery.record_failed(session, delivery_id=row_of(7), error=TOO_LONG)
        delivery.record_failed(session, delivery_id=row_of(8), error=TOO_LONG)
        delivery.record_failed(session, delivery_id=row_of(9), error=TIMED_OUT)
        delivery.record_retry(
            session, delivery_id=row_of(10), at=START + timedelta(seconds=5), error=TIMED_OUT
        )

        running = progress(session, broadcast_id=broadcast.id)
        assert running.counts == {
            "sent": 5,
            "blocked": 1,
            "chat_missing": 1,
            "failed": 3,
            "skipped": 1,
            "pending": 1,
        }
        assert (running.total, running.sent, running.blocked, running.failed, running.skipped) == (
            12,
            5,
            2,
            3,
            1,
        )
        assert (running.remaining, running.finished) == (1, 11)
        assert running.fraction == 11 / 12
        assert not store.finish_if_done(session, broadcast_id=broadcast.id)

        # Presses: two registrations (one pressed twice), one interest, two leave the news; a link is never
        # counted, and a press from someone it did not reach is not either.
        for n, button in [(0, 1), (1, 1), (0, 1), (2, 2), (3, UNSUBSCRIBE_BUTTON), (4, UNSUBSCRIBE_BUTTON)]:
            assert record_press(session, broadcast_id=broadcast.id, client_id=people[n].id, button=button)
        assert record_press(session, broadcast_id=broadcast.id, client_id=people[0].id, button=0) is None

        # The last one is cancelled by staff.
        assert store.cancel(session, broadcast_id=broadcast.id)
        final = report(session, broadcast_id=broadcast.id)
        assert final.broadcast is broadcast
        assert final.progress.counts == {
            "sent": 5,
            "blocked": 1,
            "chat_missing": 1,
            "failed": 3,
            "skipped": 1,
            "cancelled": 1,
        }
        assert final.progress.of(DeliveryStatus.PENDING) == 0
        assert (final.progress.skipped, final.progress.remaining, final.progress.fraction) == (2, 0, 1.0)
        assert final.failures == [(TOO_LONG, 2), (TIMED_OUT, 1)]
        assert final.presses == [("ثبت‌نام", 2), ("علاقه‌مندم", 1)]
        assert final.unsubscribed == 2


def test_a_broadcast_that_reached_nobody_is_complete_with_zeros(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        broadcast = sending_broadcast(session, buttons=[{"kind": "interest", "title": "علاقه‌مندم"}])
        empty = report(session, broadcast_id=broadcast.id)
        assert (empty.progress.total, empty.progress.remaining, empty.progress.fraction) == (0, 0, 1.0)
        assert (empty.failures, empty.presses, empty.unsubscribed) == ([], [("علاقه‌مندم", 0)], 0)


def test_a_failure_without_a_reason_is_reported_as_unknown(db: Database, clock: Clock) -> None:
    from sqlalchemy import update

    from karyar.db.models import BroadcastDelivery

    with db.unit_of_work() as session:
        subscribers(session, 7_600_000_101, 1)
        broadcast = sending_broadcast(session)
        session.execute(
            update(BroadcastDelivery)
            .where(BroadcastDelivery.broadcast_id == broadcast.id)
            .values(status=DeliveryStatus.FAILED, last_error=None)
        )
        assert report(session, broadcast_id=broadcast.id).failures == [("unknown", 1)]


def test_a_draft_has_nothing_to_report_yet(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        subscribers(session, 7_600_000_201, 3)
        broadcast = draft(session)
        assert progress(session, broadcast_id=broadcast.id) == Progress(total=0, counts={})

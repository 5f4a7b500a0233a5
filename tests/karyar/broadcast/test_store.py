"""The life of a broadcast on both backends: a draft is edited, confirmed (its recipients fixed), approved by
someone else where approval is required, scheduled or sent at once, paused, resumed, cancelled and done; the
progress message and the final report each go to one sender only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from karyar.broadcast import delivery, store
from karyar.broadcast.audience import Audience
from karyar.broadcast.content import Content
from karyar.broadcast.store import BroadcastError
from karyar.db.engine import Database
from karyar.db.models import Broadcast, BroadcastDelivery, BroadcastStatus, StaffRole
from tests.karyar.broadcast.conftest import (
    FARS,
    START,
    TEHRAN,
    Clock,
    add_client,
    add_member,
    deliveries,
    draft,
    sending_broadcast,
    subscribers,
)

AUTHOR = 5_100_000_001
SUPERVISOR = 5_100_000_002


def _statuses(rows: list[BroadcastDelivery]) -> list[str]:
    return [row.status for row in rows]


# --- drafts --------------------------------------------------------------------------------------------


def test_a_draft_has_no_recipients_until_it_is_confirmed_and_can_be_changed(
    db: Database, clock: Clock
) -> None:
    with db.unit_of_work() as session:
        author = add_member(session, AUTHOR)
        add_client(session, 7_200_000_001, province=TEHRAN)
        add_client(session, 7_200_000_002, province=FARS)
        broadcast = draft(session, created_by=author.id, audience={"province": [TEHRAN]})
        assert (broadcast.status, broadcast.recipients, broadcast.created_at) == ("draft", 0, START)
        assert deliveries(session, broadcast.id) == []
        store.edit(
            session,
            broadcast_id=broadcast.id,
            content=Content(text="متن تازه"),
            audience=Audience.from_dict({"province": [FARS]}),
            send_at=START + timedelta(days=1),
        )
        assert broadcast.content == {"text": "متن تازه", "entities": []}
        assert broadcast.audience == {"province": [FARS]}
        assert broadcast.send_at == START + timedelta(days=1)
        store.edit(session, broadcast_id=broadcast.id, clear_send_at=True)
        assert broadcast.send_at is None
        store.confirm(session, broadcast_id=broadcast.id, approval_required=False)
        assert [row.chat_id for row in deliveries(session, broadcast.id)] == [7_200_000_002]
        with pytest.raises(BroadcastError, match="only a draft can be changed"):
            store.edit(session, broadcast_id=broadcast.id, content=Content(text="دیر شد"))
        with pytest.raises(BroadcastError, match="not a draft"):
            store.confirm(session, broadcast_id=broadcast.id, approval_required=False)
        assert len(deliveries(session, broadcast.id)) == 1
        with pytest.raises(BroadcastError, match="no broadcast"):
            store.confirm(session, broadcast_id=broadcast.id + 100, approval_required=False)


def test_confirming_without_a_send_time_sends_at_once(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        subscribers(session, 7_200_000_101, 3)
        broadcast = sending_broadcast(session)
        assert broadcast.status == BroadcastStatus.SENDING
        assert (broadcast.recipients, broadcast.confirmed_at, broadcast.started_at) == (3, START, START)
        assert _statuses(deliveries(session, broadcast.id)) == ["pending"] * 3
        assert store.sending(session) == [broadcast.id]


def test_a_send_time_in_the_past_means_now_and_one_in_the_future_schedules(
    db: Database, clock: Clock
) -> None:
    with db.unit_of_work() as session:
        subscribers(session, 7_200_000_201, 2)
        late = sending_broadcast(session, send_at=START - timedelta(minutes=5))
        later = sending_broadcast(session, send_at=START + timedelta(hours=2))
        assert (late.status, late.started_at) == (BroadcastStatus.SENDING, START)
        assert (later.status, later.started_at) == (BroadcastStatus.SCHEDULED, None)
        # The recipients are fixed at confirmation, even for a later send time.
        assert later.recipients == 2 and len(deliveries(session, later.id)) == 2
        assert store.sending(session) == [late.id]


def test_with_approval_required_the_broadcast_waits_for_someone_else(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        author = add_member(session, AUTHOR)
        supervisor = add_member(session, SUPERVISOR, role=StaffRole.SUPERVISOR)
        subscribers(session, 7_200_000_301, 2)
        broadcast = draft(session, created_by=author.id)
        store.confirm(session, broadcast_id=broadcast.id, approval_required=True)
        assert broadcast.status == BroadcastStatus.AWAITING_APPROVAL
        assert broadcast.recipients == 2 and broadcast.started_at is None
        assert store.sending(session) == []
        with pytest.raises(BroadcastError, match="someone other than its author"):
            store.approve(session, broadcast_id=broadcast.id, approver_id=author.id)
        assert broadcast.status == BroadcastStatus.AWAITING_APPROVAL
        clock.advance(minutes=10)
        store.approve(session, broadcast_id=broadcast.id, approver_id=supervisor.id)
        assert broadcast.status == BroadcastStatus.SENDING
        assert (broadcast.approved_by, broadcast.approved_at) == (supervisor.id, clock.moment)
        assert broadcast.started_at == clock.moment
        with pytest.raises(BroadcastError, match="not waiting for approval"):
            store.approve(session, broadcast_id=broadcast.id, approver_id=supervisor.id)
        with pytest.raises(BroadcastError, match="not waiting for approval"):
            store.reject(session, broadcast_id=broadcast.id, approver_id=supervisor.id)


def test_an_approved_broadcast_with_a_later_send_time_is_scheduled(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        author = add_member(session, AUTHOR)
        supervisor = add_member(session, SUPERVISOR, role=StaffRole.SUPERVISOR)
        subscribers(session, 7_200_000_401, 1)
        broadcast = draft(session, created_by=author.id, send_at=START + timedelta(hours=3))
        store.confirm(session, broadcast_id=broadcast.id, approval_required=True)
        assert broadcast.status == BroadcastStatus.AWAITING_APPROVAL
        store.approve(session, broadcast_id=broadcast.id, approver_id=supervisor.id)
        assert (broadcast.status, broadcast.started_at) == (BroadcastStatus.SCHEDULED, None)


def test_a_rejected_broadcast_never_goes_out(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        author = add_member(session, AUTHOR)
        supervisor = add_member(session, SUPERVISOR, role=StaffRole.SUPERVISOR)
        subscribers(session, 7_200_000_501, 3)
        broadcast = draft(session, created_by=author.id)
        store.confirm(session, broadcast_id=broadcast.id, approval_required=True)
        store.reject(session, broadcast_id=broadcast.id, approver_id=supervisor.id)
        assert broadcast.status == BroadcastStatus.REJECTED
        assert (broadcast.approved_by, broadcast.finished_at) == (supervisor.id, START)
        assert _statuses(deliveries(session, broadcast.id)) == ["cancelled"] * 3
        assert delivery.claim(session, broadcast_id=broadcast.id, limit=10, lease_seconds=30) == []
        with pytest.raises(BroadcastError, match="not waiting for approval"):
            store.approve(session, broadcast_id=broadcast.id, approver_id=supervisor.id)
        assert not store.resume(session, broadcast_id=broadcast.id)
        assert not store.cancel(session, broadcast_id=broadcast.id)
        assert store.unreported(session) == []


# --- pause, resume, cancel -----------------------------------------------------------------------------


def test_pause_and_resume_a_broadcast_being_sent(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        subscribers(session, 7_200_000_601, 2)
        broadcast = sending_broadcast(session)
        assert store.pause(session, broadcast_id=broadcast.id, reason="Telegram: message is too long " * 20)
        assert broadcast.status == BroadcastStatus.PAUSED
        assert broadcast.pause_reason is not None and len(broadcast.pause_reason) == 256
        assert store.sending(session) == []
        assert not store.pause(session, broadcast_id=broadcast.id)  # already paused
        assert _statuses(deliveries(session, broadcast.id)) == ["pending"] * 2  # nothing lost
        clock.advance(minutes=30)
        assert store.resume(session, broadcast_id=broadcast.id)
        assert (broadcast.status, broadcast.pause_reason) == (BroadcastStatus.SENDING, None)
        assert broadcast.started_at == START  # resuming is not starting again
        assert not store.resume(session, broadcast_id=broadcast.id)  # not paused any more
        assert store.sending(session) == [broadcast.id]


def test_a_paused_scheduled_broadcast_resumes_to_its_schedule_or_at_once_if_its_time_passed(
    db: Database, clock: Clock
) -> None:
    with db.unit_of_work() as session:
        subscribers(session, 7_200_000_701, 1)
        broadcast = sending_broadcast(session, send_at=START + timedelta(hours=2))
        assert store.pause(session, broadcast_id=broadcast.id)
        assert store.start_due(session) == []
        clock.advance(hours=1)
        assert store.resume(session, broadcast_id=broadcast.id)
        assert broadcast.status == BroadcastStatus.SCHEDULED
        assert store.pause(session, broadcast_id=broadcast.id)
        clock.advance(hours=2)  # its time passed while it was paused: nothing starts by itself …
        assert store.start_due(session) == []
        assert broadcast.status == BroadcastStatus.PAUSED
        assert store.resume(session, broadcast_id=broadcast.id)  # … and resuming sends it now
        assert (broadcast.status, broadcast.started_at) == (BroadcastStatus.SENDING, clock.moment)


@pytest.mark.parametrize("status", ["draft", "awaiting_approval", "done", "cancelled", "rejected"])
def test_only_a_scheduled_or_sending_broadcast_can_be_paused(db: Database, status: str) -> None:
    with db.unit_of_work() as session:
        broadcast = draft(session)
        broadcast.status = status
        session.flush()
        assert not store.pause(session, broadcast_id=broadcast.id)
        assert not store.resume(session, broadcast_id=broadcast.id)
        assert broadcast.status == status


def test_cancel_stops_the_rest_but_counts_what_is_in_flight_or_sent(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        subscribers(session, 7_200_000_801, 5)
        broadcast = sending_broadcast(session)
        first, second = delivery.claim(session, broadcast_id=broadcast.id, limit=2, lease_seconds=30)
        delivery.record_sent(session, delivery_id=first.id, telegram_message_id=501)
        clock.advance(seconds=5)
        assert store.cancel(session, broadcast_id=broadcast.id)
        assert (broadcast.status, broadcast.finished_at) == (BroadcastStatus.CANCELLED, clock.moment)
        assert _statuses(deliveries(session, broadcast.id)) == ["sent", "sending", *["cancelled"] * 3]
        # The one in flight finishes and is recorded; nobody else is handed out.
        delivery.record_sent(session, delivery_id=second.id, telegram_message_id=502)
        assert delivery.claim(session, broadcast_id=broadcast.id, limit=10, lease_seconds=30) == []
        assert _statuses(deliveries(session, broadcast.id)) == ["sent", "sent", *["cancelled"] * 3]
        assert not store.cancel(session, broadcast_id=broadcast.id)
        assert not store.resume(session, broadcast_id=broadcast.id)
        assert store.sending(session) == []


@pytest.mark.parametrize("status", ["draft", "awaiting_approval", "scheduled", "paused"])
def test_a_broadcast_that_has_not_finished_can_be_cancelled(db: Database, status: str) -> None:
    with db.unit_of_work() as session:
        subscribers(session, 7_200_000_901, 2)
        broadcast = sending_broadcast(session)
        broadcast.status = status
        session.flush()
        assert store.cancel(session, broadcast_id=broadcast.id)
        assert broadcast.status == BroadcastStatus.CANCELLED
        assert _statuses(deliveries(session, broadcast.id)) == ["cancelled"] * 2


@pytest.mark.parametrize("status", ["done", "rejected", "cancelled"])
def test_a_finished_broadcast_cannot_be_cancelled(db: Database, status: str) -> None:
    with db.unit_of_work() as session:
        broadcast = draft(session)
        broadcast.status = status
        session.flush()
        assert not store.cancel(session, broadcast_id=broadcast.id)
        assert broadcast.status == status and broadcast.finished_at is None


# --- scheduled starts ----------------------------------------------------------------------------------


def test_start_due_starts_only_scheduled_broadcasts_whose_time_has_come(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        subscribers(session, 7_200_001_001, 1)
        at_ten = sending_broadcast(session, send_at=START + timedelta(minutes=10))
        at_noon = sending_broadcast(session, send_at=START + timedelta(hours=5))
        now_one = sending_broadcast(session)
        assert store.start_due(session) == []
        clock.advance(minutes=9, seconds=59)
        assert store.start_due(session) == []
        clock.advance(seconds=1)
        assert store.start_due(session) == [at_ten.id]
        session.expire_all()  # start_due writes with UPDATE statements; read what was stored
        assert (at_ten.status, at_ten.started_at) == (BroadcastStatus.SENDING, clock.moment)
        assert at_noon.status == BroadcastStatus.SCHEDULED
        assert now_one.started_at == START  # an already sending one is left alone
        assert store.start_due(session) == []
        assert store.sending(session) == [at_ten.id, now_one.id]


def test_start_due_ignores_broadcasts_waiting_for_approval(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        broadcast = draft(session, send_at=START - timedelta(hours=1))
        store.confirm(session, broadcast_id=broadcast.id, approval_required=True)
        assert store.start_due(session) == []
        assert broadcast.status == BroadcastStatus.AWAITING_APPROVAL


def test_sending_lists_the_oldest_broadcast_first(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        first, second, third = (sending_broadcast(session) for _ in range(3))
        store.pause(session, broadcast_id=second.id)
        assert store.sending(session) == [first.id, third.id]


# --- finishing, progress and report turns --------------------------------------------------------------


def test_finish_if_done_is_true_exactly_once_when_no_delivery_is_open(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        subscribers(session, 7_200_001_101, 3)
        broadcast = sending_broadcast(session)
        claimed = delivery.claim(session, broadcast_id=broadcast.id, limit=2, lease_seconds=30)
        assert not store.finish_if_done(session, broadcast_id=broadcast.id)  # one still pending
        for row in claimed:
            delivery.record_sent(session, delivery_id=row.id, telegram_message_id=row.id)
        [last] = delivery.claim(session, broadcast_id=broadcast.id, limit=2, lease_seconds=30)
        assert not store.finish_if_done(session, broadcast_id=broadcast.id)  # one in flight
        delivery.record_failed(session, delivery_id=last.id, error="Bad Request: message is too long")
        clock.advance(seconds=3)
        assert store.finish_if_done(session, broadcast_id=broadcast.id)
        assert (broadcast.status, broadcast.finished_at) == (BroadcastStatus.DONE, clock.moment)
        assert not store.finish_if_done(session, broadcast_id=broadcast.id)
        assert store.sending(session) == []


def test_finish_if_done_leaves_a_paused_broadcast_paused(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        broadcast = sending_broadcast(session)  # nobody subscribed: nothing to send
        assert broadcast.recipients == 0
        store.pause(session, broadcast_id=broadcast.id)
        assert not store.finish_if_done(session, broadcast_id=broadcast.id)
        store.resume(session, broadcast_id=broadcast.id)
        assert store.finish_if_done(session, broadcast_id=broadcast.id)


def test_finish_if_done_has_one_winner_across_senders(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        broadcast_id = sending_broadcast(session).id
    winners = []
    for _ in range(3):
        with db.unit_of_work() as session:
            winners.append(store.finish_if_done(session, broadcast_id=broadcast_id))
    assert winners == [True, False, False]


def test_progress_message_is_edited_by_one_sender_per_interval(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        broadcast = sending_broadcast(session)
        # No progress message yet (a broadcast from the CLI): nobody edits anything.
        assert not store.take_progress_turn(session, broadcast_id=broadcast.id, every_seconds=3)
        store.set_progress_message(session, broadcast_id=broadcast.id, chat_id=5_100_000_001, message_id=77)
        broadcast_id = broadcast.id
    turns = []
    for step in (0, 1, 1, 1, 0, 2.5, 0.5):
        clock.advance(seconds=step)
        with db.unit_of_work() as session:
            turns.append(store.take_progress_turn(session, broadcast_id=broadcast_id, every_seconds=3))
    # At 0 s (first edit), 1, 2 (too soon), 3 s (due), 3 s again (just taken), 5.5 (too soon), 6 s (due).
    assert turns == [True, False, False, True, False, False, True]
    with db.unit_of_work() as session:
        stored = session.get_one(Broadcast, broadcast_id)
        assert (stored.progress_chat_id, stored.progress_message_id) == (5_100_000_001, 77)
        assert stored.progress_edited_at == START + timedelta(seconds=6)


def test_the_report_goes_out_once_and_unreported_lists_what_is_still_owed(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        done = sending_broadcast(session)
        cancelled = sending_broadcast(session)
        from_cli = sending_broadcast(session)  # no progress message: no staff chat to report to
        running = sending_broadcast(session)
        for broadcast in (done, cancelled, running):
            store.set_progress_message(
                session, broadcast_id=broadcast.id, chat_id=5_100_000_001, message_id=1
            )
        assert store.finish_if_done(session, broadcast_id=done.id)
        assert store.finish_if_done(session, broadcast_id=from_cli.id)
        assert store.cancel(session, broadcast_id=cancelled.id)
        assert sorted(store.unreported(session)) == sorted([done.id, cancelled.id])
        assert store.take_report_turn(session, broadcast_id=done.id)
        assert not store.take_report_turn(session, broadcast_id=done.id)
        assert store.unreported(session) == [cancelled.id]
        done_id, cancelled_id = done.id, cancelled.id
    with db.unit_of_work() as session:
        assert not store.take_report_turn(session, broadcast_id=done_id)
        assert store.take_report_turn(session, broadcast_id=cancelled_id)
        assert store.unreported(session) == []
        assert session.get_one(Broadcast, done_id).report_sent_at == START


# --- reading -------------------------------------------------------------------------------------------


def test_recent_lists_the_newest_first_and_by_author(db: Database, clock: Clock) -> None:
    with db.unit_of_work() as session:
        author = add_member(session, AUTHOR)
        other = add_member(session, SUPERVISOR, role=StaffRole.SUPERVISOR)
        mine = [draft(session, created_by=author.id) for _ in range(3)]
        theirs = draft(session, created_by=other.id)
        assert [b.id for b in store.recent(session)] == [theirs.id, *(b.id for b in reversed(mine))]
        assert [b.id for b in store.recent(session, limit=2, created_by=author.id)] == [
            mine[2].id,
            mine[1].id,
        ]
        assert store.get(session, theirs.id) is theirs
        assert store.get(session, theirs.id + 100) is None

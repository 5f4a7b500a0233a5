"""Nudges for waiting handoffs (reminders, escalation), counted in working time only, and what a waiting
client is told: their place in line, and either when counsellors are back or how long it should take."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from karyar.db.engine import Database
from karyar.db.models import Handoff, HandoffStatus, HandoffTier, StaffRole
from karyar.handoff import queue, timers
from karyar.handoff.waiting import WaitingInfo, waiting_info
from tests.karyar.handoff.conftest import (
    BEHZISTI,
    EMDAD,
    FRIDAY,
    SATURDAY,
    TEHRAN_PROVINCE,
    THURSDAY,
    WEDNESDAY,
    add_client,
    add_member,
    open_for,
    tehran,
)

ESCALATE_AFTER = 15 * 60.0
REMIND_EVERY = 5 * 60.0
DEFAULT_MINUTES = 10.0


class Clients:
    """A new client for each handoff, so any number of them can wait at once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.next_id = 7_400_000_000

    def handoff(
        self, *, organisation: str | None = EMDAD, province: str | None = TEHRAN_PROVINCE, **fields: Any
    ) -> Handoff:
        self.next_id += 1
        client = add_client(self.session, self.next_id, organisation=organisation, province=province)
        return open_for(self.session, client, **fields)


def _ids(handoffs: list[Handoff]) -> list[int]:
    return [handoff.id for handoff in handoffs]


# --- escalation ----------------------------------------------------------------------------------------


def test_escalation_counts_only_working_time(db: Database) -> None:
    """Asked at Wednesday 13:55: five minutes before closing, the other ten on Thursday morning."""
    requested = tehran(WEDNESDAY, 13, 55)
    with db.unit_of_work() as session:
        handoff = Clients(session).handoff(requested_at=requested, cards_posted_at=requested)

        def due(at: datetime) -> list[int]:
            return _ids(timers.due_for_escalation(session, at=at, after_seconds=ESCALATE_AFTER))

        assert due(tehran(WEDNESDAY, 14, 30)) == []
        assert due(tehran(WEDNESDAY, 23, 0)) == []
        assert due(tehran(THURSDAY, 7, 0)) == []  # 15 hours later, but the office was closed
        assert due(tehran(THURSDAY, 8, 9)) == []
        assert due(tehran(THURSDAY, 8, 10)) == [handoff.id]


def test_escalation_skips_the_weekend(db: Database) -> None:
    """Asked at Thursday 11:50: ten minutes before the office closes, then nothing until Saturday."""
    requested = tehran(THURSDAY, 11, 50)
    with db.unit_of_work() as session:
        handoff = Clients(session).handoff(requested_at=requested, cards_posted_at=requested)
        due_at = [
            bool(timers.due_for_escalation(session, at=at, after_seconds=ESCALATE_AFTER))
            for at in (tehran(FRIDAY, 12), tehran(SATURDAY, 8, 4), tehran(SATURDAY, 8, 5))
        ]
        assert due_at == [False, False, True]
        queue.escalate(session, handoff=handoff)
        assert timers.due_for_escalation(session, at=tehran(SATURDAY, 12), after_seconds=ESCALATE_AFTER) == []


def test_only_counsellor_cases_announced_and_still_waiting_are_escalated(db: Database) -> None:
    requested = tehran(SATURDAY, 8)
    late = tehran(SATURDAY, 13)
    with db.unit_of_work() as session:
        counsellor = add_member(session, 5_400_000_001)
        clients = Clients(session)
        due = clients.handoff(requested_at=requested, cards_posted_at=requested)
        clients.handoff(requested_at=requested)  # the counsellors have not been shown it yet
        clients.handoff(requested_at=requested, cards_posted_at=requested, escalated_at=requested)
        clients.handoff(requested_at=requested, cards_posted_at=requested, tier=HandoffTier.SUPERVISOR)
        claimed = clients.handoff(requested_at=requested, cards_posted_at=requested)
        assert queue.claim(session, handoff_id=claimed.id, member=counsellor)[0] is queue.ClaimResult.CLAIMED
        cancelled = clients.handoff(requested_at=requested, cards_posted_at=requested)
        assert queue.cancel(session, handoff_id=cancelled.id, client_id=cancelled.client_id) is not None
        assert _ids(timers.due_for_escalation(session, at=late, after_seconds=ESCALATE_AFTER)) == [due.id]


# --- reminders -----------------------------------------------------------------------------------------


def test_reminders_repeat_from_the_cards_then_from_the_last_reminder(db: Database) -> None:
    posted = tehran(SATURDAY, 10)
    with db.unit_of_work() as session:
        handoff = Clients(session).handoff(requested_at=posted, cards_posted_at=posted)

        def due(hour: int, minute: int) -> bool:
            at = tehran(SATURDAY, hour, minute)
            return _ids(timers.due_for_reminder(session, at=at, every_seconds=REMIND_EVERY)) == [handoff.id]

        assert [due(10, 4), due(10, 5)] == [False, True]
        handoff.reminded_at = tehran(SATURDAY, 10, 5)
        assert [due(10, 9), due(10, 10)] == [False, True]


def test_reminders_count_only_working_time(db: Database) -> None:
    posted = tehran(WEDNESDAY, 13, 58)
    with db.unit_of_work() as session:
        Clients(session).handoff(requested_at=posted, cards_posted_at=posted)
        due_at = [
            bool(timers.due_for_reminder(session, at=at, every_seconds=REMIND_EVERY))
            for at in (tehran(WEDNESDAY, 18), tehran(THURSDAY, 8, 2), tehran(THURSDAY, 8, 3))
        ]
        assert due_at == [False, False, True]


def test_reminders_go_out_only_for_announced_waiting_handoffs(db: Database) -> None:
    posted = tehran(SATURDAY, 8)
    with db.unit_of_work() as session:
        counsellor = add_member(session, 5_400_000_001)
        clients = Clients(session)
        waiting = clients.handoff(requested_at=posted, cards_posted_at=posted)
        clients.handoff(requested_at=posted)  # no cards yet: nobody to remind
        escalated = clients.handoff(requested_at=posted, cards_posted_at=posted, tier=HandoffTier.SUPERVISOR)
        claimed = clients.handoff(requested_at=posted, cards_posted_at=posted)
        assert queue.claim(session, handoff_id=claimed.id, member=counsellor)[0] is queue.ClaimResult.CLAIMED
        at = tehran(SATURDAY, 9)
        assert _ids(timers.due_for_reminder(session, at=at, every_seconds=REMIND_EVERY)) == [
            waiting.id,
            escalated.id,
        ]


# --- what a waiting client is told ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "back_at"),
    [
        pytest.param(tehran(FRIDAY, 10), tehran(SATURDAY, 8), id="friday"),
        pytest.param(tehran(WEDNESDAY, 14), tehran(THURSDAY, 8), id="wednesday-closing"),
        pytest.param(tehran(THURSDAY, 12, 30), tehran(SATURDAY, 8), id="thursday-afternoon"),
        pytest.param(tehran(SATURDAY, 6, 15), tehran(SATURDAY, 8), id="early-morning"),
    ],
)
def test_while_the_office_is_closed_the_client_is_told_when_counsellors_are_back(
    db: Database, at: datetime, back_at: datetime
) -> None:
    with db.unit_of_work() as session:
        add_member(session, 5_400_000_001)
        clients = Clients(session)
        clients.handoff()
        handoff = clients.handoff()
        info = waiting_info(session, handoff=handoff, at=at, default_minutes=DEFAULT_MINUTES)
        assert info == WaitingInfo(position=2, office_open=False, back_at=back_at, minutes=None)


@pytest.mark.parametrize(
    ("default_minutes", "minutes"),
    [(10.0, 10), (7.0, 10), (1.0, 5), (12.5, 15), (30.0, 30)],
)
def test_without_enough_recent_claims_the_default_wait_is_told_rounded_up_to_5_minutes(
    db: Database, default_minutes: float, minutes: int
) -> None:
    at = tehran(SATURDAY, 10)
    with db.unit_of_work() as session:
        add_member(session, 5_400_000_001)
        clients = Clients(session)
        for waited in (60, 90):  # two claims say too little
            clients.handoff(
                status=HandoffStatus.CLOSED,
                requested_at=at - timedelta(days=1, minutes=waited),
                claimed_at=at - timedelta(days=1),
                ended_at=at - timedelta(hours=20),
            )
        handoff = clients.handoff(requested_at=at)
        info = waiting_info(session, handoff=handoff, at=at, default_minutes=default_minutes)
        assert info == WaitingInfo(position=1, office_open=True, back_at=None, minutes=minutes)


def _claimed_earlier(clients: Clients, at: datetime, *, ago: timedelta, waited_minutes: float) -> None:
    claimed_at = at - ago
    clients.handoff(
        status=HandoffStatus.CLOSED,
        requested_at=claimed_at - timedelta(minutes=waited_minutes),
        claimed_at=claimed_at,
        ended_at=claimed_at + timedelta(minutes=30),
    )


@pytest.mark.parametrize(
    ("recent", "old", "minutes"),
    [
        pytest.param([5, 20, 40], [], 20, id="median-of-three"),
        pytest.param([4, 11, 18], [], 15, id="median-rounded-up"),
        pytest.param([10, 20, 30, 60], [], 25, id="median-of-four"),
        pytest.param([1, 2, 3], [], 5, id="at-least-5"),
        pytest.param([50, 60], [120, 120, 120], 10, id="older-than-30-days-ignored"),
    ],
)
def test_with_enough_recent_claims_the_median_wait_is_told(
    db: Database, recent: list[int], old: list[int], minutes: int
) -> None:
    at = tehran(SATURDAY, 10)
    with db.unit_of_work() as session:
        add_member(session, 5_400_000_001)
        clients = Clients(session)
        for waited in recent:
            _claimed_earlier(clients, at, ago=timedelta(days=3), waited_minutes=waited)
        for waited in old:
            _claimed_earlier(clients, at, ago=timedelta(days=31), waited_minutes=waited)
        handoff = clients.handoff(requested_at=at)
        info = waiting_info(session, handoff=handoff, at=at, default_minutes=DEFAULT_MINUTES)
        assert (info.position, info.office_open, info.back_at, info.minutes) == (1, True, None, minutes)


@pytest.mark.parametrize(
    ("hour", "minutes"),
    [
        pytest.param(9, 20, id="two-on-duty"),  # third in line, two counsellors: the second round
        pytest.param(11, 30, id="one-on-duty"),  # the early counsellor has gone home
    ],
)
def test_the_wait_grows_with_the_place_in_line_and_shrinks_with_counsellors_on_duty(
    db: Database, hour: int, minutes: int
) -> None:
    at = tehran(SATURDAY, hour)
    with db.unit_of_work() as session:
        add_member(session, 5_400_000_001, organisations=(EMDAD,))
        add_member(session, 5_400_000_002, hours="sat-wed 08:00-10:00")
        add_member(session, 5_400_000_003, hours="thu 08:00-12:00")  # not working on Saturdays
        add_member(session, 5_400_000_004, organisations=(BEHZISTI,))  # another pool
        add_member(session, 5_400_000_005, role=StaffRole.STAFF)  # does not handle cases
        add_member(session, 5_400_000_006, active=False)
        clients = Clients(session)
        clients.handoff()
        clients.handoff(organisation=BEHZISTI)  # another pool's line
        clients.handoff()
        handoff = clients.handoff()
        info = waiting_info(session, handoff=handoff, at=at, default_minutes=DEFAULT_MINUTES)
        assert info == WaitingInfo(position=3, office_open=True, back_at=None, minutes=minutes)


def test_with_nobody_on_duty_the_wait_is_counted_as_for_one_counsellor(db: Database) -> None:
    at = tehran(SATURDAY, 12)
    with db.unit_of_work() as session:
        add_member(session, 5_400_000_002, hours="sat-wed 08:00-10:00")
        clients = Clients(session)
        clients.handoff()
        handoff = clients.handoff()
        info = waiting_info(session, handoff=handoff, at=at, default_minutes=DEFAULT_MINUTES)
        assert info == WaitingInfo(position=2, office_open=True, back_at=None, minutes=20)


def test_recent_waits_are_the_latest_claims_newest_first(db: Database) -> None:
    at = tehran(SATURDAY, 10)
    with db.unit_of_work() as session:
        clients = Clients(session)
        _claimed_earlier(clients, at, ago=timedelta(days=2), waited_minutes=20)
        _claimed_earlier(clients, at, ago=timedelta(hours=1), waited_minutes=5)
        _claimed_earlier(clients, at, ago=timedelta(days=40), waited_minutes=99)
        clients.handoff(requested_at=at - timedelta(hours=2))  # still waiting: no claim yet
        since = at - timedelta(days=30)
        assert queue.recent_waits(session, since=since) == [300.0, 1200.0]
        assert queue.recent_waits(session, since=since, limit=1) == [300.0]

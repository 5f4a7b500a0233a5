"""Follow-up after a placement or a training start (پایدارسازی) on both backends: check-ins at 1, 3, 6 and
12 months, the case moved on, a new start replacing what was still waiting, due check-ins found, answers kept."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from karyar import cases, clients, followup
from karyar.clients import TelegramIdentity
from karyar.db.engine import Database
from karyar.db.models import (
    Case,
    CaseEventKind,
    CaseStage,
    Client,
    FollowUp,
    FollowUpAnswer,
    FollowUpKind,
    StaffMember,
    StaffRole,
)
from karyar.followup import add_months
from karyar.staff import registry

CLIENT = 7_600_000_001
OTHER_CLIENT = 7_600_000_002
COUNSELLOR = 5_600_000_001
TEHRAN = ZoneInfo("Asia/Tehran")
START = datetime(2026, 11, 28, 10, 30, tzinfo=TEHRAN)


def _client(session: Session, telegram_user_id: int = CLIENT) -> Client:
    return clients.ensure_client(session, identity=TelegramIdentity(user_id=telegram_user_id))


def _counsellor(session: Session) -> StaffMember:
    member = registry.add_member(session, telegram_user_id=COUNSELLOR, name="مریم", role=StaffRole.COUNSELLOR)
    session.flush()
    return member


def _open_case(session: Session, client: Client) -> Case:
    return cases.open_case(session, client_id=client.id)


def _rows(session: Session, case_id: int) -> list[FollowUp]:
    return list(session.scalars(select(FollowUp).where(FollowUp.case_id == case_id).order_by(FollowUp.id)))


# --- months --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        pytest.param(datetime(2026, 1, 31, 9, 0), 1, datetime(2026, 2, 28, 9, 0), id="31-jan-plus-1"),
        pytest.param(datetime(2028, 1, 31, 9, 0), 1, datetime(2028, 2, 29, 9, 0), id="31-jan-leap-year"),
        pytest.param(datetime(2028, 2, 29, 9, 0), 12, datetime(2029, 2, 28, 9, 0), id="29-feb-plus-12"),
        pytest.param(datetime(2027, 2, 28, 9, 0), 12, datetime(2028, 2, 28, 9, 0), id="28-feb-stays-28"),
        pytest.param(datetime(2026, 11, 15, 9, 0), 12, datetime(2027, 11, 15, 9, 0), id="12-months"),
        pytest.param(datetime(2026, 12, 31, 9, 0), 1, datetime(2027, 1, 31, 9, 0), id="over-new-year"),
        pytest.param(datetime(2026, 11, 30, 9, 0), 3, datetime(2027, 2, 28, 9, 0), id="30-nov-plus-3"),
        pytest.param(datetime(2026, 8, 31, 9, 0), 6, datetime(2027, 2, 28, 9, 0), id="31-aug-plus-6"),
        pytest.param(datetime(2026, 3, 31, 9, 0), 1, datetime(2026, 4, 30, 9, 0), id="31-mar-plus-1"),
        pytest.param(datetime(2026, 5, 10, 9, 0), 0, datetime(2026, 5, 10, 9, 0), id="zero"),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(
    moment: datetime, months: int, expected: datetime
) -> None:
    assert add_months(moment, months) == expected


def test_add_months_keeps_the_time_and_zone() -> None:
    later = add_months(START, 3)
    assert later == datetime(2027, 2, 28, 10, 30, tzinfo=TEHRAN)
    assert later.tzinfo is TEHRAN


# --- scheduling ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "stage", "event"),
    [
        (FollowUpKind.PLACEMENT, CaseStage.FOLLOW_UP, CaseEventKind.PLACEMENT),
        (FollowUpKind.TRAINING, CaseStage.TRAINING, CaseEventKind.TRAINING_START),
    ],
)
def test_a_start_schedules_four_check_ins_and_moves_the_case(
    db: Database, kind: FollowUpKind, stage: CaseStage, event: CaseEventKind
) -> None:
    with db.unit_of_work() as session:
        client = _client(session)
        counsellor = _counsellor(session)
        case = _open_case(session, client)
        cases.change_stage(session, case=case, to_stage=CaseStage.COUNSELLING)
        scheduled = followup.schedule(session, case_id=case.id, kind=kind, by=counsellor, start=START)
        assert [row.id is not None for row in scheduled] == [True] * 4
        case_id, client_id, member_id = case.id, client.id, counsellor.id
    with db.unit_of_work() as session:
        rows = _rows(session, case_id)
        assert [(row.months, row.due_at) for row in rows] == [
            (1, datetime(2026, 12, 28, 7, 0, tzinfo=UTC)),
            (3, datetime(2027, 2, 28, 7, 0, tzinfo=UTC)),
            (6, datetime(2027, 5, 28, 7, 0, tzinfo=UTC)),
            (12, datetime(2027, 11, 28, 7, 0, tzinfo=UTC)),
        ]
        assert {(row.kind, row.client_id, row.created_by) for row in rows} == {(kind, client_id, member_id)}
        assert all(row.sent_at is None and row.cancelled_at is None and row.attempts == 0 for row in rows)
        case = session.get_one(Case, case_id)
        assert case.stage == stage
        [*_, change] = cases.timeline(session, case_id=case_id)
        assert (change.from_stage, change.to_stage, change.changed_by) == (
            "counselling",
            stage,
            f"staff:{member_id}",
        )
        [recorded] = cases.events(session, case_id=case_id, kind=event)
        assert recorded.actor == f"staff:{member_id}"
        assert recorded.data == {"start": START.isoformat()}


def test_a_new_start_replaces_the_check_ins_still_waiting(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _client(session)
        counsellor = _counsellor(session)
        case = _open_case(session, client)
        placement = followup.schedule(
            session, case_id=case.id, kind=FollowUpKind.PLACEMENT, by=counsellor, start=START
        )
        followup.mark_sent(session, follow_up_id=placement[0].id)  # the first month's went out
        training = followup.schedule(
            session,
            case_id=case.id,
            kind=FollowUpKind.TRAINING,
            by=counsellor,
            start=datetime(2027, 1, 10, 9, 0, tzinfo=TEHRAN),
        )
        case_id = case.id
        sent_id, replaced = placement[0].id, {row.id for row in placement[1:]}
        new = {row.id for row in training}
    with db.unit_of_work() as session:
        rows = {row.id: row for row in _rows(session, case_id)}
        assert rows[sent_id].sent_at is not None and rows[sent_id].cancelled_at is None
        assert all(rows[i].cancelled_at is not None for i in replaced)
        assert all(rows[i].cancelled_at is None and rows[i].kind == FollowUpKind.TRAINING for i in new)
        assert session.get_one(Case, case_id).stage == CaseStage.TRAINING
        far_future = datetime(2030, 1, 1, tzinfo=UTC)
        assert {row.id for row, _ in followup.due(session, at=far_future)} == new


def test_scheduling_on_a_closed_case_keeps_it_closed(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _client(session)
        counsellor = _counsellor(session)
        case = _open_case(session, client)
        cases.change_stage(session, case=case, to_stage=CaseStage.CLOSED)
        rows = followup.schedule(
            session, case_id=case.id, kind=FollowUpKind.PLACEMENT, by=counsellor, start=START
        )
        assert len(rows) == 4
        assert case.stage == CaseStage.CLOSED
        assert [c.to_stage for c in cases.timeline(session, case_id=case.id)] == ["intake", "closed"]
        assert len(cases.events(session, case_id=case.id, kind=CaseEventKind.PLACEMENT)) == 1


# --- what is due ---------------------------------------------------------------------------------------


def test_due_check_ins_are_those_whose_time_came_and_that_were_not_sent(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _client(session)
        other = _client(session, OTHER_CLIENT)
        counsellor = _counsellor(session)
        mine = followup.schedule(
            session,
            case_id=_open_case(session, client).id,
            kind=FollowUpKind.PLACEMENT,
            by=counsellor,
            start=START,
        )
        theirs = followup.schedule(
            session,
            case_id=_open_case(session, other).id,
            kind=FollowUpKind.TRAINING,
            by=counsellor,
            start=datetime(2026, 11, 20, 9, 0, tzinfo=TEHRAN),
        )

        def due(at: datetime) -> list[tuple[int, int]]:
            return [(row.id, chat) for row, chat in followup.due(session, at=at)]

        one_month = mine[0].due_at
        assert due(datetime(2026, 12, 1, tzinfo=UTC)) == []
        assert due(one_month) == [(theirs[0].id, OTHER_CLIENT), (mine[0].id, CLIENT)]  # earliest first
        assert due(datetime(2027, 3, 1, tzinfo=UTC)) == [
            (theirs[0].id, OTHER_CLIENT),
            (mine[0].id, CLIENT),
            (theirs[1].id, OTHER_CLIENT),
            (mine[1].id, CLIENT),
        ]
        assert len(followup.due(session, at=datetime(2027, 3, 1, tzinfo=UTC), limit=3)) == 3

        followup.mark_sent(session, follow_up_id=theirs[0].id)
        assert due(one_month) == [(mine[0].id, CLIENT)]


def test_a_check_in_that_keeps_failing_is_given_up(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _client(session)
        counsellor = _counsellor(session)
        [first, *_] = followup.schedule(
            session,
            case_id=_open_case(session, client).id,
            kind=FollowUpKind.PLACEMENT,
            by=counsellor,
            start=START,
        )
        for attempt in range(1, followup.MAX_ATTEMPTS):
            followup.mark_failed(session, follow_up_id=first.id, reason=f"timeout {attempt}")
            assert [row.id for row, _ in followup.due(session, at=first.due_at)] == [first.id]
        followup.mark_failed(session, follow_up_id=first.id, reason="x" * 300)
        assert followup.due(session, at=first.due_at) == []
        assert first.attempts == followup.MAX_ATTEMPTS
        assert first.last_error == "x" * 200


def test_clients_who_blocked_the_bot_are_skipped_until_they_write_again(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _client(session)
        counsellor = _counsellor(session)
        [first, *_] = followup.schedule(
            session,
            case_id=_open_case(session, client).id,
            kind=FollowUpKind.PLACEMENT,
            by=counsellor,
            start=START,
        )
        clients.mark_blocked(session, telegram_user_id=CLIENT)
        assert followup.due(session, at=first.due_at) == []
        _client(session)  # they wrote to the bot again
        assert [row.id for row, _ in followup.due(session, at=first.due_at)] == [first.id]


# --- answers -------------------------------------------------------------------------------------------


def test_a_client_answers_a_sent_check_in_once(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _client(session)
        other = _client(session, OTHER_CLIENT)
        counsellor = _counsellor(session)
        case = _open_case(session, client)
        [first, second, *_] = followup.schedule(
            session, case_id=case.id, kind=FollowUpKind.PLACEMENT, by=counsellor, start=START
        )
        # Not sent yet: nothing to answer.
        assert (
            followup.record_answer(
                session, follow_up_id=first.id, client_id=client.id, answer=FollowUpAnswer.WORKING
            )
            is None
        )
        followup.mark_sent(session, follow_up_id=first.id)
        assert (
            followup.record_answer(
                session, follow_up_id=first.id, client_id=other.id, answer=FollowUpAnswer.STOPPED
            )
            is None
        )
        assert (
            followup.record_answer(
                session, follow_up_id=first.id + 1000, client_id=client.id, answer=FollowUpAnswer.STOPPED
            )
            is None
        )
        answered = followup.record_answer(
            session, follow_up_id=first.id, client_id=client.id, answer=FollowUpAnswer.PROBLEM
        )
        assert answered is first and first.answer == FollowUpAnswer.PROBLEM and first.answered_at is not None
        case_id, first_id, second_id, client_id = case.id, first.id, second.id, client.id
    with db.unit_of_work() as session:
        assert (
            followup.record_answer(
                session, follow_up_id=first_id, client_id=client_id, answer=FollowUpAnswer.WORKING
            )
            is None
        )
        assert session.get_one(FollowUp, first_id).answer == FollowUpAnswer.PROBLEM
        assert session.get_one(FollowUp, second_id).answer is None
        [event] = cases.events(session, case_id=case_id, kind=CaseEventKind.FOLLOW_UP_ANSWER)
        assert event.actor == "client"
        assert event.data == {"follow_up_id": first_id, "months": 1, "kind": "placement", "answer": "problem"}

"""Follow-up after a placement or a training start (پایدارسازی): check-ins at 1, 3, 6 and 12 months.

The schedule is rows in the database, so it survives restarts; the bot sends what is due during office
hours and records the answers. A new start replaces the check-ins still waiting from an earlier one.
"""

from __future__ import annotations

import calendar
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from karyar import cases
from karyar.clock import now
from karyar.db.models import (
    Case,
    CaseEventKind,
    CaseStage,
    Client,
    FollowUp,
    FollowUpAnswer,
    FollowUpKind,
    StaffMember,
)

CHECK_IN_MONTHS = (1, 3, 6, 12)
# A check-in that cannot be delivered this many times is given up, with the reason kept.
MAX_ATTEMPTS = 5
_STAGE_AFTER = {FollowUpKind.PLACEMENT: CaseStage.FOLLOW_UP, FollowUpKind.TRAINING: CaseStage.TRAINING}
_EVENT = {
    FollowUpKind.PLACEMENT: CaseEventKind.PLACEMENT,
    FollowUpKind.TRAINING: CaseEventKind.TRAINING_START,
}


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 → 28/29 Feb)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def schedule(
    session: Session, *, case_id: int, kind: FollowUpKind, by: StaffMember, start: datetime | None = None
) -> list[FollowUp]:
    """Record a placement or training start on the case and schedule its check-ins."""
    case = session.get_one(Case, case_id)
    start = start or now()
    for waiting in _waiting(session, case_id=case_id):
        waiting.cancelled_at = now()
    if case.closed_at is None:
        cases.change_stage(session, case=case, to_stage=_STAGE_AFTER[kind], changed_by=f"staff:{by.id}")
    cases.record_event(
        session, case=case, kind=_EVENT[kind], data={"start": start.isoformat()}, actor=f"staff:{by.id}"
    )
    rows = [
        FollowUp(
            case_id=case.id,
            client_id=case.client_id,
            kind=kind,
            months=months,
            due_at=add_months(start, months),
            created_by=by.id,
            created_at=now(),
        )
        for months in CHECK_IN_MONTHS
    ]
    session.add_all(rows)
    session.flush()
    return rows


def _waiting(session: Session, *, case_id: int) -> list[FollowUp]:
    return list(
        session.scalars(
            select(FollowUp).where(
                FollowUp.case_id == case_id, FollowUp.sent_at.is_(None), FollowUp.cancelled_at.is_(None)
            )
        )
    )


def due(session: Session, *, at: datetime, limit: int = 100) -> list[tuple[FollowUp, int]]:
    """Check-ins due and not yet sent, with the client's Telegram chat; blocked clients are skipped."""
    rows = session.execute(
        select(FollowUp, Client.telegram_user_id)
        .join(Client, Client.id == FollowUp.client_id)
        .where(
            FollowUp.due_at <= at,
            FollowUp.sent_at.is_(None),
            FollowUp.cancelled_at.is_(None),
            FollowUp.attempts < MAX_ATTEMPTS,
            Client.blocked_bot.is_(False),
        )
        .order_by(FollowUp.due_at)
        .limit(limit)
    )
    return [(row, chat) for row, chat in rows]


def mark_sent(session: Session, *, follow_up_id: int) -> None:
    """Marked before sending, so the client's answer is accepted even if it comes back at once."""
    session.get_one(FollowUp, follow_up_id).sent_at = now()


def mark_failed(session: Session, *, follow_up_id: int, reason: str) -> None:
    """Not delivered after all: due again at the next check, until MAX_ATTEMPTS."""
    row = session.get_one(FollowUp, follow_up_id)
    row.sent_at = None
    row.attempts += 1
    row.last_error = reason[:200]


def record_answer(
    session: Session, *, follow_up_id: int, client_id: int, answer: FollowUpAnswer
) -> FollowUp | None:
    """The client's answer, once; None if the check-in is not theirs, not sent or already answered."""
    row = session.get(FollowUp, follow_up_id)
    if row is None or row.client_id != client_id or row.sent_at is None or row.answered_at is not None:
        return None
    row.answer = answer
    row.answered_at = now()
    cases.record_event(
        session,
        case=session.get_one(Case, row.case_id),
        kind=CaseEventKind.FOLLOW_UP_ANSWER,
        data={"follow_up_id": row.id, "months": row.months, "kind": row.kind, "answer": str(answer)},
        actor="client",
    )
    return row

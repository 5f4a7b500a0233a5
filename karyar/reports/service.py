"""A report for one reader: the registry decides who may read, the reader's scope bounds what, and every
report, given or refused, is in the audit log."""

from __future__ import annotations

from sqlalchemy.orm import Session

from karyar import audit
from karyar.db.models import StaffMember
from karyar.reports import figures
from karyar.reports.figures import Report
from karyar.reports.request import ReportRequest
from karyar.reports.scope import Scope
from karyar.staff.access import authorise
from karyar.staff.roles import Permission

ACTION = "report.run"


def reader(session: Session, *, telegram_user_id: int) -> StaffMember | None:
    """The staff member or supervisor asking, or None (the refusal is audited)."""
    return authorise(session, telegram_user_id=telegram_user_id, permission=Permission.REPORT, action=ACTION)


def allowed_scope(member: StaffMember) -> Scope:
    return Scope(organisations=tuple(member.organisations or ()), provinces=tuple(member.provinces or ()))


def build(
    session: Session,
    *,
    request: ReportRequest,
    actor_telegram_user_id: int | None,
    actor_role: str,
    claim_target_minutes: float,
) -> Report:
    report = figures.build(
        session, period=request.period, scope=request.scope, claim_target_minutes=claim_target_minutes
    )
    audit.record(
        session,
        action=ACTION,
        actor_telegram_user_id=actor_telegram_user_id,
        actor_role=actor_role,
        target=request.period.label,
        details={
            "start": request.period.start.isoformat(),
            "end": request.period.end.isoformat(),
            **request.scope.key(),
        },
    )
    return report

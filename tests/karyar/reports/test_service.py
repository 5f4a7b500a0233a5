"""Who may read reports: staff and supervisors only, each within the organisations and provinces the
registry gives them; refusals and reports alike are in the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from karyar.db.engine import Database
from karyar.db.models import AuditEntry, StaffRole
from karyar.reports import periods, service
from karyar.reports.request import ReportRequest
from karyar.reports.scope import Scope
from karyar.staff import registry


@pytest.mark.parametrize(
    ("role", "may_read"),
    [
        (StaffRole.STAFF, True),
        (StaffRole.SUPERVISOR, True),
        (StaffRole.COUNSELLOR, False),
        (StaffRole.ADMIN, False),
    ],
)
def test_only_staff_and_supervisors_read_reports(db: Database, role: StaffRole, may_read: bool) -> None:
    with db.unit_of_work() as session:
        registry.add_member(session, telegram_user_id=5_900_000_001, name="همکار", role=role)
    with db.unit_of_work() as session:
        member = service.reader(session, telegram_user_id=5_900_000_001)
        refusals = session.scalars(select(AuditEntry).where(AuditEntry.allowed.is_(False))).all()
    assert (member is not None) == may_read
    assert [(r.action, r.actor_role) for r in refusals] == ([] if may_read else [("report.run", role.value)])


def test_a_stranger_is_refused_and_audited(db: Database) -> None:
    with db.unit_of_work() as session:
        assert service.reader(session, telegram_user_id=5_900_000_099) is None
        refusal = session.scalars(select(AuditEntry)).one()
    assert (refusal.action, refusal.allowed, refusal.actor_telegram_user_id) == (
        "report.run",
        False,
        5_900_000_099,
    )


def test_a_reader_scope_comes_from_the_registry_and_each_report_is_audited(db: Database) -> None:
    with db.unit_of_work() as session:
        member = registry.add_member(
            session,
            telegram_user_id=5_900_000_002,
            name="کارشناس",
            role=StaffRole.STAFF,
            organisations=["behzisti"],
            provinces=["فارس"],
        )
        assert service.allowed_scope(member) == Scope(("behzisti",), ("فارس",))
        request = ReportRequest(periods.parse("1405/08"), service.allowed_scope(member))
        report = service.build(
            session,
            request=request,
            actor_telegram_user_id=5_900_000_002,
            actor_role="staff",
            claim_target_minutes=15,
        )
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "report.run")).one()
    assert report.scope == Scope(("behzisti",), ("فارس",))
    assert entry.allowed and entry.target == "آبان ۱۴۰۵"
    assert entry.details == {
        "start": request.period.start.isoformat(),
        "end": request.period.end.isoformat(),
        "organisations": ["behzisti"],
        "provinces": ["فارس"],
    }

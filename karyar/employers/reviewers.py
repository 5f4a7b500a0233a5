"""Who is told of a new opening: the active staff whose role reviews openings and whose organisations and
provinces cover the employer (the same scope /openings shows them)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from karyar.audit import Origin
from karyar.db.models import Employer, StaffMember
from karyar.employers.review import Reviewer
from karyar.staff.roles import Permission, may


def reviewers_of(session: Session, *, employer_id: int) -> list[int]:
    """Their Telegram ids; none if the employer is unknown."""
    employer = session.get(Employer, employer_id)
    if employer is None:
        return []
    members = session.scalars(
        select(StaffMember).where(StaffMember.active.is_(True)).order_by(StaffMember.id)
    )
    return [
        member.telegram_user_id
        for member in members
        if may(member.role, Permission.REVIEW_OPENINGS)
        and Reviewer(
            origin=Origin(telegram_user_id=member.telegram_user_id, role=member.role),
            staff_id=member.id,
            organisations=tuple(member.organisations),
            provinces=tuple(member.provinces),
        ).covers(employer)
    ]

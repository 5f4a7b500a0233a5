"""Authority comes from the registry only: every staff action is checked here and refusals are audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from karyar import audit
from karyar.db.models import StaffMember
from karyar.staff.roles import Permission, may


def active_member(session: Session, *, telegram_user_id: int) -> StaffMember | None:
    return session.scalar(
        select(StaffMember).where(
            StaffMember.telegram_user_id == telegram_user_id, StaffMember.active.is_(True)
        )
    )


def authorise(
    session: Session,
    *,
    telegram_user_id: int,
    permission: Permission,
    action: str,
    target: str | None = None,
    details: dict[str, Any] | None = None,
) -> StaffMember | None:
    """The member if their role grants the permission; otherwise None, with the refusal in the audit log."""
    member = active_member(session, telegram_user_id=telegram_user_id)
    if member is not None and may(member.role, permission):
        return member
    audit.record(
        session,
        action=action,
        actor_telegram_user_id=telegram_user_id,
        actor_role=member.role if member else None,
        target=target,
        allowed=False,
        details={"needs": str(permission), **(details or {})},
    )
    return None

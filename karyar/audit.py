"""The audit log of staff actions, refused attempts included."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from karyar.clock import now
from karyar.db.models import AuditEntry


def record(
    session: Session,
    *,
    action: str,
    actor_telegram_user_id: int | None,
    actor_role: str | None = None,
    target: str | None = None,
    allowed: bool = True,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        action=action,
        actor_telegram_user_id=actor_telegram_user_id,
        actor_role=actor_role,
        target=target,
        allowed=allowed,
        details=details,
        created_at=now(),
    )
    session.add(entry)
    session.flush()
    return entry

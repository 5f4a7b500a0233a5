"""The audit log of staff actions, refused attempts included."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Origin:
    """Whom an action is recorded for: a staff member in Telegram, or the operator at the command line."""

    telegram_user_id: int | None
    role: str | None = None
    via: str | None = None  # noted in the details when it is not a staff member in Telegram


OPERATOR = Origin(telegram_user_id=None, via="cli")


def record_for(
    session: Session,
    *,
    origin: Origin,
    action: str,
    target: str | None = None,
    allowed: bool = True,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    via = {"via": origin.via} if origin.via else {}
    return record(
        session,
        action=action,
        actor_telegram_user_id=origin.telegram_user_id,
        actor_role=origin.role,
        target=target,
        allowed=allowed,
        details={**via, **(details or {})} or None,
    )

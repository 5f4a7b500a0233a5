"""Retention: message texts older than MESSAGE_RETENTION_DAYS are anonymised; kind and time stay for counts."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import null, select, update
from sqlalchemy.orm import Session

from karyar.clock import now
from karyar.db.models import Message

# Small batches keep each transaction short while the bot is busy writing new messages.
BATCH = 2000


def cutoff(*, retention_days: int, moment: datetime | None = None) -> datetime:
    return (moment or now()) - timedelta(days=retention_days)


def anonymise_batch(session: Session, *, older_than: datetime, batch: int = BATCH) -> int:
    """Anonymise up to `batch` old message texts; returns how many. Call again until it returns 0."""
    ids = list(
        session.scalars(
            select(Message.id)
            .where(Message.created_at < older_than, Message.erased_at.is_(None))
            .order_by(Message.id)
            .limit(batch)
        )
    )
    if not ids:
        return 0
    session.execute(
        update(Message)
        .where(Message.id.in_(ids))
        .values(text=None, telegram_update_key=None, extra=null(), erased_at=now())
    )
    return len(ids)

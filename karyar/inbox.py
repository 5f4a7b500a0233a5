"""The inbox of Telegram updates: stored before they are acknowledged, marked when processed.

Telegram resends an update until the bot asks for the next ones, so storing first and acknowledging after
means a crash (even kill -9) loses nothing; the update id as the key means nothing is processed twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, null, select, update
from sqlalchemy.orm import Session

from karyar.clock import now
from karyar.db.models import TelegramUpdate

# Telegram keeps unconfirmed updates for 24 hours; an id older than that can never come back.
KEEP_IDS_FOR = timedelta(days=1)


def store_new(session: Session, *, bot_id: int, updates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Store the updates not seen before; returns those (a redelivered update is already here)."""
    if not updates:
        return []
    ids = [int(u["update_id"]) for u in updates]
    known = set(
        session.scalars(
            select(TelegramUpdate.update_id).where(
                TelegramUpdate.bot_id == bot_id, TelegramUpdate.update_id.in_(ids)
            )
        )
    )
    fresh = [u for u in updates if int(u["update_id"]) not in known]
    moment = now()
    session.add_all(
        TelegramUpdate(bot_id=bot_id, update_id=int(u["update_id"]), payload=u, received_at=moment)
        for u in fresh
    )
    session.flush()
    return fresh


def unprocessed(
    session: Session, *, bot_id: int, received_before: datetime | None = None
) -> list[dict[str, Any]]:
    """Updates stored but not processed (the bot stopped, or the database was away), oldest first."""
    query = select(TelegramUpdate).where(
        TelegramUpdate.bot_id == bot_id, TelegramUpdate.processed_at.is_(None)
    )
    if received_before is not None:
        query = query.where(TelegramUpdate.received_at < received_before)
    rows = session.scalars(query.order_by(TelegramUpdate.update_id))
    return [row.payload for row in rows if row.payload is not None]


def mark_processed(session: Session, *, bot_id: int, update_id: int) -> None:
    # The payload holds what the client wrote, in clear; the case database keeps it from here on.
    session.execute(
        update(TelegramUpdate)
        .where(TelegramUpdate.bot_id == bot_id, TelegramUpdate.update_id == update_id)
        .values(processed_at=now(), payload=null())
    )


def forget_old(session: Session, *, moment: datetime | None = None) -> int:
    result = session.execute(
        delete(TelegramUpdate).where(
            TelegramUpdate.processed_at.is_not(None),
            TelegramUpdate.processed_at < (moment or now()) - KEEP_IDS_FOR,
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)

"""The inbox of Telegram updates: stored before they are acknowledged, marked when processed.

A Bot API server resends an update until the bot asks for the next ones, so storing first and
acknowledging after means a crash (even kill -9) loses nothing.

An update id alone does not say which update it is: a Bot API server may number updates from 1 again
after it restarts (the local one does; Telegram picks a new starting number after a quiet week). So an
update is known by its key, a digest of everything the server said in it, id included: a redelivered
update is the same down to the byte and is skipped; a new update that reuses an old id differs (its own
message, date or press) and is handled.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, null, or_, select, update
from sqlalchemy.orm import Session

from karyar.clock import now
from karyar.db.models import TelegramUpdate

logger = logging.getLogger(__name__)

# Telegram keeps unconfirmed updates for 24 hours; an update older than that can never come back.
KEEP_KEYS_FOR = timedelta(days=1)


def update_key(payload: dict[str, Any]) -> str:
    """The identity of an update across restarts of the bot and of the Bot API server."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def store_new(session: Session, *, bot_id: int, updates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Store the updates not seen before; returns those (the same dicts; a redelivered update is already
    here)."""
    if not updates:
        return []
    keyed = {update_key(u): u for u in updates}
    ids = {int(u["update_id"]) for u in keyed.values()}
    # One query finds both the updates already stored and earlier, different updates with the same ids.
    stored = session.scalars(
        select(TelegramUpdate).where(
            TelegramUpdate.bot_id == bot_id,
            or_(TelegramUpdate.key.in_(keyed), TelegramUpdate.update_id.in_(ids)),
        )
    ).all()
    known = {row.key: row for row in stored}
    moment = now()
    fresh: list[dict[str, Any]] = []
    for key, payload in keyed.items():
        if key in known:
            logger.info(
                "update %s skipped: the same update (key %s…) was stored at %s",
                payload["update_id"],
                key[:12],
                known[key].received_at.isoformat(timespec="seconds"),
            )
            continue
        session.add(
            TelegramUpdate(
                bot_id=bot_id,
                key=key,
                update_id=int(payload["update_id"]),
                payload=payload,
                received_at=moment,
            )
        )
        fresh.append(payload)
    reused = next((row.update_id for row in stored if row.key not in keyed), None)
    if reused is not None:
        logger.info(
            "update %s reuses the id of an earlier, different update (the Bot API server restarted or "
            "renumbered its updates); new updates are handled as new",
            reused,
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
    # Ids are in order only within one numbering, so the time of arrival comes first.
    rows = session.scalars(query.order_by(TelegramUpdate.received_at, TelegramUpdate.update_id))
    return [row.payload for row in rows if row.payload is not None]


def mark_processed(session: Session, *, bot_id: int, key: str) -> bool:
    """Mark the update processed; False if no stored update has this key."""
    # The payload holds what the client wrote, in clear; the case database keeps it from here on.
    result = session.execute(
        update(TelegramUpdate)
        .where(TelegramUpdate.bot_id == bot_id, TelegramUpdate.key == key)
        .values(processed_at=now(), payload=null())
    )
    return bool(getattr(result, "rowcount", 0))


def forget_old(session: Session, *, moment: datetime | None = None) -> int:
    result = session.execute(
        delete(TelegramUpdate).where(
            TelegramUpdate.processed_at.is_not(None),
            TelegramUpdate.processed_at < (moment or now()) - KEEP_KEYS_FOR,
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)

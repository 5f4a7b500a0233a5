"""Handing out and recording deliveries, so that sending can stop at any moment and go on elsewhere.

A sender claims a few due rows at a time: they become SENDING with a lease. On PostgreSQL the claim skips
rows another sender has locked (FOR UPDATE SKIP LOCKED), so two senders never take the same row; on
SQLite the claim is one UPDATE under the database's write lock. A row whose lease ran out (its sender
died) is due again. So after a crash nobody is skipped, and only a message whose request had gone out but
whose answer was not yet recorded can be sent twice: at most as many as the crashed sender had in flight.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from karyar.broadcast.audience import reachable
from karyar.clock import now
from karyar.db.models import Broadcast, BroadcastDelivery, BroadcastStatus, Client, DeliveryStatus

D = BroadcastDelivery
ERROR_LIMIT = 256


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    broadcast_id: int
    client_id: int
    chat_id: int
    attempts: int


def claim(session: Session, *, broadcast_id: int, limit: int, lease_seconds: float) -> list[Claimed]:
    """Up to `limit` due deliveries of one broadcast, now leased to the caller, in recipient order.

    Recipients who unsubscribed, blocked the bot or vanished since the broadcast was confirmed are marked
    SKIPPED instead of being handed out.
    """
    if (
        session.scalar(select(Broadcast.status).where(Broadcast.id == broadcast_id))
        != BroadcastStatus.SENDING
    ):
        return []  # paused, waiting for approval or over: nothing of it goes out
    moment = now()
    due = or_(
        and_(
            D.status == DeliveryStatus.PENDING, or_(D.next_attempt_at.is_(None), D.next_attempt_at <= moment)
        ),
        and_(D.status == DeliveryStatus.SENDING, D.lease_until < moment),
    )
    chosen = select(D.id).where(D.broadcast_id == broadcast_id, due).order_by(D.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        # Lock the rows first, then update exactly those. Inside `IN (…)` PostgreSQL may rescan a
        # LIMIT … FOR UPDATE subquery once per outer row (a nested-loop semi-join) and take more than `limit`.
        locked = list(session.scalars(chosen.with_for_update(skip_locked=True)))
        if not locked:
            return []
        taken = D.id.in_(locked)
    else:
        taken = D.id.in_(chosen.scalar_subquery())
    rows = session.execute(
        update(D)
        # Repeating `due` makes the UPDATE itself take only rows nobody claimed in between.
        .where(taken, due)
        .values(
            status=DeliveryStatus.SENDING,
            lease_until=moment + timedelta(seconds=lease_seconds),
            attempts=D.attempts + 1,
        )
        .returning(D.id, D.broadcast_id, D.client_id, D.chat_id, D.attempts)
        .execution_options(synchronize_session=False)
    ).all()
    claimed = [Claimed(*row) for row in sorted(rows)]
    if not claimed:
        return []
    still_reachable = set(
        session.scalars(select(Client.id).where(Client.id.in_([c.client_id for c in claimed]), *reachable()))
    )
    gone = [c.id for c in claimed if c.client_id not in still_reachable]
    if gone:
        _set(
            session,
            gone,
            status=DeliveryStatus.SKIPPED,
            last_error="unsubscribed or unreachable before sending",
        )
    return [c for c in claimed if c.client_id in still_reachable]


def record_sent(session: Session, *, delivery_id: int, telegram_message_id: int) -> None:
    _set(
        session,
        [delivery_id],
        status=DeliveryStatus.SENT,
        telegram_message_id=telegram_message_id,
        sent_at=now(),
    )


def record_blocked(session: Session, *, delivery_id: int, client_id: int, error: str) -> None:
    _set(session, [delivery_id], status=DeliveryStatus.BLOCKED, last_error=error)
    session.execute(update(Client).where(Client.id == client_id).values(blocked_bot=True))


def record_chat_missing(session: Session, *, delivery_id: int, client_id: int, error: str) -> None:
    _set(session, [delivery_id], status=DeliveryStatus.CHAT_MISSING, last_error=error)
    session.execute(update(Client).where(Client.id == client_id).values(chat_missing=True))


def record_retry(
    session: Session, *, delivery_id: int, at: datetime, error: str, counts: bool = True
) -> None:
    """Back to PENDING until `at`. A flood wait (`counts=False`) is not the message's fault, so it does not use
    up one of its attempts."""
    values: dict[str, object] = {"next_attempt_at": at}
    if not counts:
        values["attempts"] = D.attempts - 1
    _set(session, [delivery_id], status=DeliveryStatus.PENDING, last_error=error, **values)


def record_failed(session: Session, *, delivery_id: int, error: str) -> None:
    _set(session, [delivery_id], status=DeliveryStatus.FAILED, last_error=error)


def close_abandoned(session: Session) -> int:
    """Rows a stopped sender left claimed in a broadcast that was cancelled or rejected meanwhile: nobody
    will claim them again, so they are closed as cancelled (the report then adds up). Their number."""
    over = select(Broadcast.id).where(
        Broadcast.status.in_((BroadcastStatus.CANCELLED, BroadcastStatus.REJECTED))
    )
    result = session.execute(
        update(D)
        .where(
            D.status == DeliveryStatus.SENDING,
            D.lease_until < now(),
            D.broadcast_id.in_(over.scalar_subquery()),
        )
        .values(status=DeliveryStatus.CANCELLED, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def release(session: Session, *, delivery_ids: list[int]) -> None:
    """Give claimed rows back unsent (the sender is stopping or the broadcast was paused)."""
    if delivery_ids:
        session.execute(
            update(D)
            .where(D.id.in_(delivery_ids), D.status == DeliveryStatus.SENDING)
            .values(status=DeliveryStatus.PENDING, lease_until=None, attempts=D.attempts - 1)
        )


def _set(session: Session, ids: list[int], *, status: DeliveryStatus, **values: object) -> None:
    if "last_error" in values and isinstance(values["last_error"], str):
        values["last_error"] = values["last_error"][:ERROR_LIMIT]
    session.execute(
        update(D)
        .where(D.id.in_(ids))
        .values(status=status, lease_until=None, **values)
        .execution_options(synchronize_session=False)
    )

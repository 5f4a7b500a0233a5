"""The queues an operator watches, counted in the case database (cheap, indexed queries)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from karyar.clock import now
from karyar.db.models import (
    Broadcast,
    BroadcastDelivery,
    BroadcastStatus,
    Handoff,
    HandoffStatus,
    InboundStatus,
    Message,
)


@dataclass(frozen=True, slots=True)
class QueueState:
    waiting_for_rasa: int  # inbound messages not yet answered (Rasa down or slow)
    waiting_for_counsellor: int  # messages written during a handoff, not yet relayed
    handoffs_waiting: int
    oldest_handoff_wait_seconds: float
    deliveries: dict[str, int]  # deliveries of broadcasts being sent or paused, by status


def queue_state(session: Session) -> QueueState:
    by_status = {
        str(status): int(count)
        for status, count in session.execute(
            select(Message.status, func.count())
            .where(Message.status.in_([InboundStatus.PENDING, InboundStatus.FOR_COUNSELLOR]))
            .group_by(Message.status)
        )
    }
    waiting, oldest = session.execute(
        select(func.count(), func.min(Handoff.requested_at)).where(Handoff.status == HandoffStatus.WAITING)
    ).one()
    deliveries = {
        str(status): int(count)
        for status, count in session.execute(
            select(BroadcastDelivery.status, func.count())
            .join(Broadcast, Broadcast.id == BroadcastDelivery.broadcast_id)
            .where(Broadcast.status.in_([BroadcastStatus.SENDING, BroadcastStatus.PAUSED]))
            .group_by(BroadcastDelivery.status)
        )
    }
    return QueueState(
        waiting_for_rasa=by_status.get(InboundStatus.PENDING, 0),
        waiting_for_counsellor=by_status.get(InboundStatus.FOR_COUNSELLOR, 0),
        handoffs_waiting=int(waiting or 0),
        oldest_handoff_wait_seconds=(now() - oldest).total_seconds() if oldest is not None else 0.0,
        deliveries=deliveries,
    )


def database_answers(session: Session) -> bool:
    session.execute(text("SELECT 1"))
    return True

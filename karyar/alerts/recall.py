"""Alerts of an item no longer offered (an opening filled, withdrawn or rejected) go no further: clients
who have not received them yet never will, and those deliveries stop counting towards their weekly cap."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from karyar.broadcast import store
from karyar.db.alert_models import AlertItem
from karyar.db.models import Broadcast


def recall(session: Session, *, item_kind: str, item_id: int) -> int:
    """Cancel the unfinished alert broadcasts of the item; how many."""
    unfinished = session.scalars(
        select(AlertItem.broadcast_id)
        .join(Broadcast, Broadcast.id == AlertItem.broadcast_id)
        .where(
            AlertItem.item_kind == item_kind,
            AlertItem.item_id == item_id,
            Broadcast.status.in_(store.CANCELLABLE),
        )
    ).all()
    return sum(store.cancel(session, broadcast_id=broadcast_id) for broadcast_id in unfinished)

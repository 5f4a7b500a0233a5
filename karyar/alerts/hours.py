"""Alerts go out in office hours only: when the office closes, alert broadcasts still sending wait for the
next opening (staff announcements are not held; their authors chose the moment)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from karyar.clock import now
from karyar.db.alert_models import AlertItem
from karyar.db.models import Broadcast, BroadcastStatus
from karyar.office_hours import is_open, next_opening


def hold_outside_office_hours(session: Session) -> int:
    """Alert broadcasts being sent become scheduled for the next opening when the office is closed; how many."""
    moment = now()
    if is_open(moment):
        return 0
    result = session.execute(
        update(Broadcast)
        .where(
            Broadcast.status == BroadcastStatus.SENDING,
            Broadcast.id.in_(select(AlertItem.broadcast_id).scalar_subquery()),
        )
        .values(status=BroadcastStatus.SCHEDULED, send_at=next_opening(moment))
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)

"""What a waiting client is told: their place in line and a wait estimated from recent claims."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from karyar.db.models import Handoff
from karyar.handoff.queue import queue_position, recent_waits
from karyar.handoff.routing import pool
from karyar.office_hours import is_open, next_opening

# Fewer recent claims than this say little; the configured default is used instead.
_MIN_SAMPLES = 3
_LOOKBACK = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class WaitingInfo:
    position: int
    office_open: bool
    back_at: datetime | None  # when counsellors are back, if the office is closed now
    minutes: int | None  # expected wait, rounded up to 5 minutes, if the office is open


def waiting_info(session: Session, *, handoff: Handoff, at: datetime, default_minutes: float) -> WaitingInfo:
    position = queue_position(session, handoff=handoff)
    if not is_open(at):
        return WaitingInfo(position, office_open=False, back_at=next_opening(at), minutes=None)
    waits = recent_waits(session, since=at - _LOOKBACK)
    typical = statistics.median(waits) if len(waits) >= _MIN_SAMPLES else default_minutes * 60
    counsellors = max(1, len(pool(session, handoff=handoff, at=at)))
    seconds = typical * math.ceil(position / counsellors)
    return WaitingInfo(position, office_open=True, back_at=None, minutes=max(5, math.ceil(seconds / 300) * 5))

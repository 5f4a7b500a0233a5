"""Waiting handoffs that need a nudge: reminders to the pool and escalation to supervisors.

Only working time counts, so a request left at night is not escalated before anyone could answer it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from karyar.db.models import Handoff, HandoffTier
from karyar.handoff.queue import waiting_handoffs
from karyar.office_hours import working_seconds_between


def due_for_escalation(session: Session, *, at: datetime, after_seconds: float) -> list[Handoff]:
    return [
        handoff
        for handoff in waiting_handoffs(session)
        if handoff.tier == HandoffTier.COUNSELLOR
        and handoff.escalated_at is None
        and handoff.cards_posted_at is not None
        and working_seconds_between(handoff.requested_at, at) >= after_seconds
    ]


def due_for_reminder(session: Session, *, at: datetime, every_seconds: float) -> list[Handoff]:
    return [
        handoff
        for handoff in waiting_handoffs(session)
        if handoff.cards_posted_at is not None
        and working_seconds_between(handoff.reminded_at or handoff.cards_posted_at, at) >= every_seconds
    ]

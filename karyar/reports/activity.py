"""What clients did in a stretch of time, as one SQL relation: (client_id, kind, at).

Every client-based figure of a report counts rows of this relation, grouped in the database by the
client's facts, so a report reads only the counts, never the rows (memory stays flat however large the
history). The anonymised export reads the same relation per client, so its rows add up to the figures.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, String, and_, literal, select, union_all
from sqlalchemy.sql import Subquery

from karyar.db.models import Case, CaseEvent, CaseEventKind, Client, Handoff


class Activity(enum.StrEnum):
    NEW_CLIENTS = "new_clients"
    CONSENTS = "consents"
    ELIGIBILITY_CHECKS = "eligibility_checks"
    INTERESTS = "interests"
    HANDOFFS = "handoffs"
    TRAINING_STARTS = "training_starts"
    PLACEMENTS = "placements"


_EVENT_ACTIVITY = {
    CaseEventKind.ELIGIBILITY_RESULT: Activity.ELIGIBILITY_CHECKS,
    CaseEventKind.INTEREST: Activity.INTERESTS,
    CaseEventKind.TRAINING_START: Activity.TRAINING_STARTS,
    CaseEventKind.PLACEMENT: Activity.PLACEMENTS,
}


def between(column: SQLColumnExpression[Any], start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


def _kind(activity: Activity) -> ColumnElement[str]:
    return literal(activity.value, String(32)).label("kind")


def activity(start: datetime, end: datetime) -> Subquery:
    """Everything counted in [start, end): one row per new client, consent, event and handoff request."""
    events = [
        select(Case.client_id.label("client_id"), _kind(figure), CaseEvent.created_at.label("at"))
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.kind == kind, between(CaseEvent.created_at, start, end))
        for kind, figure in _EVENT_ACTIVITY.items()
    ]
    return union_all(
        select(
            Client.id.label("client_id"), _kind(Activity.NEW_CLIENTS), Client.first_seen_at.label("at")
        ).where(between(Client.first_seen_at, start, end)),
        select(Client.id, _kind(Activity.CONSENTS), Client.consent_given_at).where(
            between(Client.consent_given_at, start, end)
        ),
        *events,
        select(Handoff.client_id, _kind(Activity.HANDOFFS), Handoff.requested_at).where(
            between(Handoff.requested_at, start, end)
        ),
    ).subquery("activity")

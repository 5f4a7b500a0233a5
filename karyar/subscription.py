"""Whether a client receives announcements; every change goes on their case timeline with where it came from."""

from __future__ import annotations

from sqlalchemy.orm import Session

from karyar.cases import open_case, record_event
from karyar.db.models import CaseEventKind, Client

# Where a change came from, as recorded on the timeline.
SOURCES = ("after_consent", "conversation", "announcement", "staff")


def set_subscribed(session: Session, *, client_id: int, subscribed: bool, source: str) -> bool:
    """Subscribe or unsubscribe; returns False (and records nothing) when nothing changes."""
    if source not in SOURCES:
        raise ValueError(f"unknown subscription source {source!r}; one of {SOURCES}")
    client = session.get_one(Client, client_id)
    if client.subscribed == subscribed:
        return False
    client.subscribed = subscribed
    record_event(
        session,
        case=open_case(session, client_id=client_id),
        kind=CaseEventKind.SUBSCRIPTION,
        data={"subscribed": subscribed, "source": source},
    )
    return True

"""A client's press on a button under an announcement: counted once per button, and put on their case."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from karyar.broadcast.report import UNSUBSCRIBE_BUTTON
from karyar.cases import open_case, record_event
from karyar.catalogue.interests import record_interest
from karyar.clock import now
from karyar.db.models import (
    Broadcast,
    BroadcastDelivery,
    BroadcastPress,
    CaseEventKind,
    Client,
    DeliveryStatus,
)
from karyar.subscription import set_subscribed


@dataclass(frozen=True, slots=True)
class Press:
    """What the press was for: a button of the announcement, or «خبر نفرست» (`button` is None)."""

    broadcast_id: int
    client_id: int
    button: dict[str, Any] | None
    first_time: bool
    has_consent: bool


def was_sent_to(session: Session, *, broadcast_id: int, client_id: int) -> bool:
    """Whether the client was delivered the announcement; only then can they have pressed its buttons."""
    return (
        session.scalar(
            select(BroadcastDelivery.id).where(
                BroadcastDelivery.broadcast_id == broadcast_id,
                BroadcastDelivery.client_id == client_id,
                BroadcastDelivery.status == DeliveryStatus.SENT,
            )
        )
        is not None
    )


def record_press(session: Session, *, broadcast_id: int, client_id: int, button: int) -> Press | None:
    """Record the press; None if the announcement was never sent to this client or has no such button.

    A course button also records the client's interest in the course (with their consent), an interest
    button an interest in the announcement; «خبر نفرست» unsubscribes them.
    """
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is None or not was_sent_to(session, broadcast_id=broadcast_id, client_id=client_id):
        return None
    chosen = None
    if button != UNSUBSCRIBE_BUTTON:
        if not 0 <= button < len(broadcast.buttons) or broadcast.buttons[button]["kind"] == "link":
            return None
        chosen = broadcast.buttons[button]
    first_time = count_once(session, broadcast_id=broadcast_id, client_id=client_id, button=button)
    client = session.get_one(Client, client_id)
    has_consent = client.consent_given_at is not None
    if chosen is None:
        set_subscribed(session, client_id=client_id, subscribed=False, source="announcement")
    elif first_time and has_consent:
        _put_on_case(session, broadcast=broadcast, client_id=client_id, button=chosen)
    return Press(broadcast_id, client_id, chosen, first_time, has_consent)


def count_once(session: Session, *, broadcast_id: int, client_id: int, button: int) -> bool:
    try:
        with session.begin_nested():
            session.add(
                BroadcastPress(
                    broadcast_id=broadcast_id, client_id=client_id, button=button, pressed_at=now()
                )
            )
            session.flush()
    except IntegrityError:
        return False
    return True


def _put_on_case(session: Session, *, broadcast: Broadcast, client_id: int, button: dict[str, Any]) -> None:
    if button["kind"] == "course":
        # A course removed from the catalogue after the announcement: the press still counts.
        with contextlib.suppress(LookupError):
            record_interest(session, client_id=client_id, kind="course", item_id=button["course_id"])
    record_event(
        session,
        case=open_case(session, client_id=client_id),
        kind=CaseEventKind.ANNOUNCEMENT_PRESS,
        data={"broadcast_id": broadcast.id, "title": button["title"], "kind": button["kind"]},
    )

"""A client's press on a button under an alert: «علاقه‌مندم» records her interest in the item (as the
catalogue's interest button does, so the employer's count of interested clients grows), «خبر نفرست» stops
her alerts, «تنظیم هشدارها» opens her list."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from sqlalchemy.orm import Session

from karyar.alerts.announce import INTEREST, STOP, is_alert
from karyar.alerts.store import stop_all
from karyar.broadcast.presses import count_once, was_sent_to
from karyar.catalogue.interests import ItemKind, record_interest
from karyar.db.models import Broadcast, Client


@dataclass(frozen=True, slots=True)
class AlertPress:
    action: str  # INTEREST, STOP or SETTINGS
    has_consent: bool
    item_kind: ItemKind
    item_id: int


def record_alert_press(
    session: Session, *, broadcast_id: int, client_id: int, button: int
) -> AlertPress | None:
    """What the press asks for, done; None if this alert was never sent to her or has no such button."""
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is None or not is_alert(broadcast.buttons):
        return None
    if not 0 <= button < len(broadcast.buttons) or not was_sent_to(
        session, broadcast_id=broadcast_id, client_id=client_id
    ):
        return None
    item = broadcast.buttons[0]
    action = broadcast.buttons[button]["kind"]
    first_time = count_once(session, broadcast_id=broadcast_id, client_id=client_id, button=button)
    has_consent = session.get_one(Client, client_id).consent_given_at is not None
    if action == INTEREST and first_time and has_consent:
        # An item taken out of the catalogue since: the press still counts for the alert.
        with contextlib.suppress(LookupError):
            record_interest(session, client_id=client_id, kind=item["item_kind"], item_id=item["item_id"])
    elif action == STOP:
        stop_all(session, client_id=client_id)
    return AlertPress(action, has_consent, item["item_kind"], item["item_id"])

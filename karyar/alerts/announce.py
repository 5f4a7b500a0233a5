"""New catalogue items announced to the clients whose alerts they match, through the broadcast engine.

Each item becomes one broadcast (its details and the alert buttons) whose deliveries are the matched
clients, written by one INSERT … SELECT. The broadcast sender then delivers them at its pace, resumes after
a crash and marks blocked clients, as for any announcement. Alerts go out in office hours: planned outside
them, they wait for the next opening.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, insert, literal, select
from sqlalchemy.orm import Session

from karyar.alerts.matching import capped_matches
from karyar.catalogue.present import course_details, job_details
from karyar.clock import now
from karyar.db.alert_models import Alert, AlertItem
from karyar.db.models import Broadcast, BroadcastDelivery, BroadcastStatus, Course, DeliveryStatus, JobOpening
from karyar.office_hours import is_open, next_opening
from karyar.settings import get_settings
from karyar.texts import _

INTEREST, STOP, SETTINGS = "alert_interest", "alert_stop", "alert_settings"
ALERT_BUTTONS = (INTEREST, STOP, SETTINGS)


def kind_of(item: Course | JobOpening) -> str:
    return "course" if isinstance(item, Course) else "job"


def is_alert(buttons: list[dict[str, Any]]) -> bool:
    """Whether a broadcast's buttons are an alert's (they then replace the announcement's «خبر نفرست»)."""
    return bool(buttons) and buttons[0].get("kind") in ALERT_BUTTONS


def _text(item: Course | JobOpening) -> str:
    if isinstance(item, Course):
        return "\n\n".join([_("Alert: new course"), course_details(item)])
    return "\n\n".join([_("Alert: new job"), job_details(item)])


def _buttons(item: Course | JobOpening) -> list[dict[str, Any]]:
    return [
        {
            "kind": INTEREST,
            "title": _("Alert: interested button"),
            "item_kind": kind_of(item),
            "item_id": item.id,
        },
        {"kind": STOP, "title": _("Alert: stop button")},
        {"kind": SETTINGS, "title": _("Alert: settings button")},
    ]


def announce(session: Session, items: Sequence[Course | JobOpening], *, per_week: int | None = None) -> int:
    """Plan the alerts for newly listed items; the number of clients' alerts planned."""
    items = [item for item in items if item.active]
    if not items or session.scalar(select(Alert.id).limit(1)) is None:
        return 0  # nobody asked for alerts: no broadcasts to make
    cap = get_settings().ALERTS_PER_WEEK if per_week is None else per_week
    moment = now()
    send_at = moment if is_open(moment) else next_opening(moment)
    sending = send_at <= moment
    broadcasts = []
    for item in items:
        broadcast = Broadcast(
            status=BroadcastStatus.SENDING if sending else BroadcastStatus.SCHEDULED,
            created_by=None,
            content={"text": _text(item), "entities": []},
            buttons=_buttons(item),
            audience={},
            send_at=send_at,
            confirmed_at=moment,
            started_at=moment if sending else None,
            created_at=moment,
        )
        session.add(broadcast)
        broadcasts.append(broadcast)
    session.flush()
    ids = [broadcast.id for broadcast in broadcasts]
    announced = [
        AlertItem(broadcast_id=broadcast.id, item_kind=kind_of(item), item_id=item.id, created_at=moment)
        for broadcast, item in zip(broadcasts, items, strict=True)
    ]
    session.add_all(announced)
    session.flush()
    by_kind: dict[str, list[int]] = {"job": [], "course": []}
    for item in items:
        by_kind[kind_of(item)].append(item.id)
    provinces = {item.province for item in items if item.province}
    matches = capped_matches(by_kind, provinces, per_week=cap, now=moment).subquery("matches")
    session.execute(
        insert(BroadcastDelivery).from_select(
            ["broadcast_id", "client_id", "chat_id", "status", "attempts"],
            select(
                AlertItem.broadcast_id,
                matches.c.client_id,
                matches.c.chat_id,
                literal(str(DeliveryStatus.PENDING)),
                literal(0),
            )
            .join(
                AlertItem,
                and_(
                    AlertItem.item_kind == matches.c.kind,
                    AlertItem.item_id == matches.c.item_id,
                    AlertItem.broadcast_id.in_(ids),
                ),
            )
            .order_by(AlertItem.broadcast_id, matches.c.client_id),
        )
    )
    return _settle(session, broadcasts, announced)


def _settle(session: Session, broadcasts: list[Broadcast], announced: list[AlertItem]) -> int:
    """Each broadcast's number of recipients; those nobody matched are removed."""
    ids = [broadcast.id for broadcast in broadcasts]
    counts: dict[int, int] = {
        broadcast_id: int(number)
        for broadcast_id, number in session.execute(
            select(BroadcastDelivery.broadcast_id, func.count())
            .where(BroadcastDelivery.broadcast_id.in_(ids))
            .group_by(BroadcastDelivery.broadcast_id)
        )
    }
    for broadcast, alert_item in zip(broadcasts, announced, strict=True):
        broadcast.recipients = int(counts.get(broadcast.id, 0))
        if not broadcast.recipients:
            session.delete(alert_item)
            session.delete(broadcast)
    session.flush()
    return sum(counts.values())

"""The life of a broadcast: drafted, confirmed (its recipients fixed as delivery rows), approved where a
supervisor's approval is required, scheduled or sent at once, paused, resumed, cancelled, done.

Every change of status is one conditional UPDATE, so two staff members (or a staff member and a sender)
pressing at the same moment cannot both win.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, exists, insert, literal, select, update
from sqlalchemy.orm import Session

from karyar.broadcast.audience import Audience, recipients
from karyar.broadcast.content import Content, ContentError, check_buttons
from karyar.catalogue.search import get_course
from karyar.clock import now
from karyar.db.alert_models import AlertItem
from karyar.db.models import Broadcast, BroadcastDelivery, BroadcastStatus, DeliveryStatus

# Statuses from which each action is possible.
EDITABLE = (BroadcastStatus.DRAFT,)
PAUSABLE = (BroadcastStatus.SENDING, BroadcastStatus.SCHEDULED)
CANCELLABLE = (
    BroadcastStatus.DRAFT,
    BroadcastStatus.AWAITING_APPROVAL,
    BroadcastStatus.SCHEDULED,
    BroadcastStatus.SENDING,
    BroadcastStatus.PAUSED,
)
OPEN_DELIVERIES = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


class BroadcastError(ValueError):
    """A broadcast action that cannot be done now; the message says why."""


def create(
    session: Session,
    *,
    created_by: int | None,
    content: Content,
    buttons: list[dict[str, Any]] | None = None,
    audience: Audience | None = None,
    send_at: datetime | None = None,
) -> Broadcast:
    """A draft; nothing is sent and nobody is chosen until it is confirmed."""
    broadcast = Broadcast(
        status=BroadcastStatus.DRAFT,
        created_by=created_by,
        content=content.to_dict(),
        buttons=_checked_buttons(session, buttons or []),
        audience=(audience or Audience()).to_dict(),
        send_at=send_at,
        created_at=now(),
    )
    session.add(broadcast)
    session.flush()
    return broadcast


def edit(
    session: Session,
    *,
    broadcast_id: int,
    content: Content | None = None,
    buttons: list[dict[str, Any]] | None = None,
    audience: Audience | None = None,
    send_at: datetime | None = None,
    clear_send_at: bool = False,
) -> Broadcast:
    broadcast = _get(session, broadcast_id)
    if broadcast.status not in EDITABLE:
        raise BroadcastError(f"broadcast {broadcast_id} is {broadcast.status}; only a draft can be changed")
    if content is not None:
        broadcast.content = content.to_dict()
    if buttons is not None:
        broadcast.buttons = _checked_buttons(session, buttons)
    if audience is not None:
        broadcast.audience = audience.to_dict()
    if send_at is not None or clear_send_at:
        broadcast.send_at = send_at
    return broadcast


def _checked_buttons(session: Session, buttons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    checked = check_buttons(buttons)
    for button in checked:
        if button["kind"] == "course" and get_course(session, button["course_id"]) is None:
            raise ContentError(f"there is no course with id {button['course_id']}")
    return checked


def confirm(session: Session, *, broadcast_id: int, approval_required: bool) -> Broadcast:
    """Fix the recipients (one delivery row each) and let the broadcast go, or wait for approval.

    A send time in the past means now. Recipients who unsubscribe or block the bot before their turn are
    skipped by the sender.
    """
    broadcast = _get(session, broadcast_id)
    if broadcast.status != BroadcastStatus.DRAFT:
        raise BroadcastError(f"broadcast {broadcast_id} is {broadcast.status}, not a draft")
    fixed = (literal(broadcast.id), literal(str(DeliveryStatus.PENDING)), literal(0))
    result = session.execute(
        insert(BroadcastDelivery)
        .from_select(
            ["broadcast_id", "status", "attempts", "client_id", "chat_id"],
            # In client order, so the deliveries' ids (the order of sending) follow it.
            recipients(Audience.from_dict(broadcast.audience), leading=fixed),
        )
        # Without it psycopg reports -1 for an INSERT … SELECT (SQLAlchemy keeps rowcount for UPDATE/DELETE).
        .execution_options(preserve_rowcount=True)
    )
    broadcast.recipients = _changed(result)
    broadcast.confirmed_at = now()
    broadcast.status = BroadcastStatus.AWAITING_APPROVAL if approval_required else _go(broadcast)
    session.flush()
    return broadcast


def _go(broadcast: Broadcast) -> BroadcastStatus:
    if broadcast.send_at is not None and broadcast.send_at > now():
        return BroadcastStatus.SCHEDULED
    broadcast.started_at = broadcast.started_at or now()
    return BroadcastStatus.SENDING


def approve(session: Session, *, broadcast_id: int, approver_id: int) -> Broadcast:
    """A supervisor lets the broadcast go; nobody approves their own."""
    broadcast = _get(session, broadcast_id)
    if broadcast.created_by == approver_id:
        raise BroadcastError("an announcement must be approved by someone other than its author")
    if not _move(session, broadcast_id, (BroadcastStatus.AWAITING_APPROVAL,), _go(broadcast)):
        raise BroadcastError(f"broadcast {broadcast_id} is not waiting for approval")
    broadcast.approved_by, broadcast.approved_at = approver_id, now()
    return broadcast


def reject(session: Session, *, broadcast_id: int, approver_id: int) -> Broadcast:
    if not _move(session, broadcast_id, (BroadcastStatus.AWAITING_APPROVAL,), BroadcastStatus.REJECTED):
        raise BroadcastError(f"broadcast {broadcast_id} is not waiting for approval")
    broadcast = _get(session, broadcast_id)
    broadcast.approved_by, broadcast.finished_at = approver_id, now()
    _close_deliveries(session, broadcast_id)
    return broadcast


def pause(session: Session, *, broadcast_id: int, reason: str | None = None) -> bool:
    """Stop handing out deliveries; the ones already in flight finish. False if it was not running."""
    moved = _move(session, broadcast_id, PAUSABLE, BroadcastStatus.PAUSED)
    if moved and reason:
        _get(session, broadcast_id).pause_reason = reason[:256]
    return moved


def resume(session: Session, *, broadcast_id: int) -> bool:
    broadcast = _get(session, broadcast_id)
    target = _go(broadcast) if broadcast.status == BroadcastStatus.PAUSED else BroadcastStatus.SENDING
    moved = _move(session, broadcast_id, (BroadcastStatus.PAUSED,), target)
    if moved:
        broadcast.pause_reason = None
    return moved


def cancel(session: Session, *, broadcast_id: int) -> bool:
    """Nobody else receives it; deliveries in flight finish and are counted. False if already over."""
    if not _move(session, broadcast_id, CANCELLABLE, BroadcastStatus.CANCELLED):
        return False
    _get(session, broadcast_id).finished_at = now()
    _close_deliveries(session, broadcast_id)
    return True


def _close_deliveries(session: Session, broadcast_id: int) -> None:
    session.execute(
        update(BroadcastDelivery)
        .where(
            BroadcastDelivery.broadcast_id == broadcast_id, BroadcastDelivery.status == DeliveryStatus.PENDING
        )
        .values(status=DeliveryStatus.CANCELLED)
    )


def start_due(session: Session) -> list[int]:
    """Scheduled broadcasts whose time has come start sending; their ids."""
    due = list(
        session.scalars(
            select(Broadcast.id).where(
                Broadcast.status == BroadcastStatus.SCHEDULED, Broadcast.send_at <= now()
            )
        )
    )
    started = [
        bid for bid in due if _move(session, bid, (BroadcastStatus.SCHEDULED,), BroadcastStatus.SENDING)
    ]
    if started:
        session.execute(update(Broadcast).where(Broadcast.id.in_(started)).values(started_at=now()))
    return started


def sending(session: Session) -> list[int]:
    """Broadcasts being sent, oldest first: an earlier announcement finishes before a later one starts."""
    return list(
        session.scalars(
            select(Broadcast.id).where(Broadcast.status == BroadcastStatus.SENDING).order_by(Broadcast.id)
        )
    )


def finish_if_done(session: Session, *, broadcast_id: int) -> bool:
    """Mark a sending broadcast done once no delivery is open; True for the one caller that did it."""
    open_row = session.scalar(
        select(BroadcastDelivery.id)
        .where(BroadcastDelivery.broadcast_id == broadcast_id, BroadcastDelivery.status.in_(OPEN_DELIVERIES))
        .limit(1)
    )
    if open_row is not None:
        return False
    if not _move(session, broadcast_id, (BroadcastStatus.SENDING,), BroadcastStatus.DONE):
        return False
    _get(session, broadcast_id).finished_at = now()
    return True


def set_progress_message(session: Session, *, broadcast_id: int, chat_id: int, message_id: int) -> None:
    broadcast = _get(session, broadcast_id)
    broadcast.progress_chat_id, broadcast.progress_message_id = chat_id, message_id


def take_progress_turn(session: Session, *, broadcast_id: int, every_seconds: float) -> bool:
    """Whether this caller should edit the progress message now; one sender wins per interval."""
    moment = now()
    result = session.execute(
        update(Broadcast)
        .where(
            Broadcast.id == broadcast_id,
            Broadcast.progress_message_id.is_not(None),
            (Broadcast.progress_edited_at.is_(None))
            | (Broadcast.progress_edited_at <= moment - timedelta(seconds=every_seconds)),
        )
        .values(progress_edited_at=moment)
    )
    return _changed(result) > 0


def take_report_turn(session: Session, *, broadcast_id: int) -> bool:
    """Whether this caller sends the final report; exactly one caller ever does."""
    result = session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.report_sent_at.is_(None))
        .values(report_sent_at=now())
    )
    return _changed(result) > 0


def unreported(session: Session) -> list[int]:
    """Finished broadcasts whose author has not had the report yet (a sender stopped in between)."""
    return list(
        session.scalars(
            select(Broadcast.id).where(
                Broadcast.status.in_((BroadcastStatus.DONE, BroadcastStatus.CANCELLED)),
                Broadcast.report_sent_at.is_(None),
                Broadcast.progress_chat_id.is_not(None),
            )
        )
    )


def remember_photo(session: Session, *, broadcast_id: int, file_id: str) -> None:
    """The file_id Telegram gave the uploaded photo; later deliveries send it instead of uploading again."""
    broadcast = _get(session, broadcast_id)
    if not broadcast.content.get("photo"):
        broadcast.content = {**broadcast.content, "photo": file_id}


def get(session: Session, broadcast_id: int) -> Broadcast | None:
    return session.get(Broadcast, broadcast_id)


def recent(session: Session, *, limit: int = 10, created_by: int | None = None) -> list[Broadcast]:
    """Staff's latest announcements; job and course alerts (karyar.alerts) are not theirs to list."""
    alert = exists().where(AlertItem.broadcast_id == Broadcast.id)
    query = select(Broadcast).where(~alert).order_by(Broadcast.id.desc()).limit(limit)
    if created_by is not None:
        query = query.where(Broadcast.created_by == created_by)
    return list(session.scalars(query))


def _get(session: Session, broadcast_id: int) -> Broadcast:
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise BroadcastError(f"there is no broadcast {broadcast_id}")
    return broadcast


def _move(session: Session, broadcast_id: int, sources: tuple[str, ...], target: str) -> bool:
    result = session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status.in_(sources))
        .values(status=target)
    )
    return _changed(result) > 0


def _changed(result: object) -> int:
    """Rows an INSERT or UPDATE touched (execute() is typed as returning a plain Result)."""
    assert isinstance(result, CursorResult)
    return result.rowcount or 0

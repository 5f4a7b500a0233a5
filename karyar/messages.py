"""The message log: every message in and out, and the queue of inbound ones Rasa has not answered."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, true, update
from sqlalchemy.orm import Session

from karyar.clock import now
from karyar.db.models import Client, Direction, InboundStatus, Message

# The metadata key under which each message sent to Rasa carries its id here: the action server links its
# records to it, and the bot finds Rasa's reading of it and its replies after a retry.
RASA_MESSAGE_ID_KEY = "karyar_message_id"


def log_inbound(
    session: Session,
    *,
    client_id: int,
    kind: str,
    text: str | None,
    telegram_message_id: int | None = None,
    telegram_update_id: int | None = None,
    telegram_update_key: str | None = None,
    bot_id: int | None = None,
    for_rasa: bool = True,
    handoff_id: int | None = None,
    extra: dict[str, Any] | None = None,
) -> Message:
    """Store an inbound message; one meant for Rasa waits as PENDING until it is answered, one written during
    a handoff waits as FOR_COUNSELLOR until it has been copied to the counsellor.

    An update handled again after a crash finds its message already here (by the update's key: its id
    alone is reused when the Bot API server numbers afresh) and gets that one back, so it is answered once
    (or not again, if it was)."""
    if telegram_update_key is not None:
        stored = session.scalar(
            select(Message).where(
                Message.client_id == client_id,
                Message.telegram_update_key == telegram_update_key,
                Message.direction == Direction.INBOUND,
            )
        )
        if stored is not None:
            return stored
    if handoff_id is not None:
        status = InboundStatus.FOR_COUNSELLOR
    else:
        status = InboundStatus.PENDING if for_rasa else InboundStatus.NOT_FOR_RASA
    message = Message(
        client_id=client_id,
        direction=Direction.INBOUND,
        kind=kind,
        text=text,
        telegram_message_id=telegram_message_id,
        telegram_update_id=telegram_update_id,
        telegram_update_key=telegram_update_key,
        bot_id=bot_id,
        status=status,
        handoff_id=handoff_id,
        extra=extra,
        created_at=now(),
    )
    session.add(message)
    session.flush()
    return message


def log_outbound(
    session: Session,
    *,
    client_id: int,
    kind: str,
    text: str | None,
    telegram_message_id: int | None = None,
    handoff_id: int | None = None,
    extra: dict[str, Any] | None = None,
) -> Message:
    message = _outbound(client_id, kind, text, extra, handoff_id, telegram_message_id)
    session.add(message)
    session.flush()
    return message


def log_outbound_many(
    session: Session, *, client_id: int, rows: list[tuple[str, str, dict[str, Any] | None, int | None]]
) -> list[int]:
    """Log several outbound messages (kind, text, extra, handoff) in one statement; their ids, in order."""
    logged = [_outbound(client_id, *row) for row in rows]
    session.add_all(logged)
    session.flush()
    return [message.id for message in logged]


def _outbound(
    client_id: int,
    kind: str,
    text: str | None,
    extra: dict[str, Any] | None = None,
    handoff_id: int | None = None,
    telegram_message_id: int | None = None,
) -> Message:
    return Message(
        client_id=client_id,
        direction=Direction.OUTBOUND,
        kind=kind,
        text=text,
        telegram_message_id=telegram_message_id,
        handoff_id=handoff_id,
        extra=extra,
        created_at=now(),
    )


def set_telegram_message_ids(session: Session, *, sent: dict[int, int]) -> None:
    """Record the Telegram id each logged outbound message (by id) was given."""
    session.execute(
        update(Message),
        [{"id": message_id, "telegram_message_id": telegram_id} for message_id, telegram_id in sent.items()],
    )


def mark_answered(
    session: Session, *, message_id: int, intent: str | None = None, confidence: float | None = None
) -> None:
    session.execute(
        update(Message)
        .where(Message.id == message_id)
        .values(status=InboundStatus.ANSWERED, intent=intent, confidence=confidence, answered_at=now())
    )


def _rasa_text(message: Message) -> str:
    """What Rasa is asked for this message: the text prepared for it when there is one, else the text."""
    return str((message.extra or {}).get("rasa_text") or message.text or "")


def latest_request(
    session: Session, *, client_id: int, intents: Collection[str], since: datetime
) -> str | None:
    """What Rasa was asked in the client's latest answered message read as one of `intents`, sent after
    `since`: a request to take up again once something it needed is there."""
    latest = session.scalar(
        select(Message)
        .where(
            Message.client_id == client_id,
            Message.direction == Direction.INBOUND,
            Message.status == InboundStatus.ANSWERED,
            Message.intent.in_(list(intents)),
            Message.created_at >= since,
        )
        .order_by(Message.id.desc())
        .limit(1)
    )
    return None if latest is None else _rasa_text(latest)


@dataclass(frozen=True, slots=True)
class PendingMessage:
    """An inbound message waiting for Rasa, as the relay needs it (a snapshot, safe outside the session)."""

    id: int
    client_id: int
    kind: str
    rasa_text: str  # what Rasa is asked: the text prepared for it when there is one, else the text itself
    telegram_message_id: int | None
    created_at: datetime


def _for_bot(bot_id: int | None) -> ColumnElement[bool]:
    """Messages the bot `bot_id` answers: those sent to it, and those stored before messages named their
    bot. None: every bot's."""
    if bot_id is None:
        return true()
    return or_(Message.bot_id == bot_id, Message.bot_id.is_(None))


def pending_for_client(
    session: Session, *, client_id: int, bot_id: int | None = None, limit: int = 50
) -> list[PendingMessage]:
    """Unanswered inbound messages of one client to bot `bot_id`, oldest first (answered in the order sent)."""
    return [
        PendingMessage(
            id=message.id,
            client_id=message.client_id,
            kind=message.kind,
            rasa_text=_rasa_text(message),
            telegram_message_id=message.telegram_message_id,
            created_at=message.created_at,
        )
        for message in session.scalars(
            select(Message)
            .where(
                Message.client_id == client_id,
                Message.status == InboundStatus.PENDING,
                _for_bot(bot_id),
            )
            .order_by(Message.id)
            .limit(limit)
        )
    ]


def clients_with_pending(
    session: Session, *, bot_id: int | None = None, limit: int = 500
) -> list[tuple[int, int]]:
    """(client id, Telegram user id) of clients waiting for an answer from bot `bot_id`, longest-waiting
    first."""
    rows = session.execute(
        select(Client.id, Client.telegram_user_id)
        .join(Message, Message.client_id == Client.id)
        .where(Message.status == InboundStatus.PENDING, _for_bot(bot_id))
        .group_by(Client.id, Client.telegram_user_id)
        .order_by(func.min(Message.id))
        .limit(limit)
    )
    return [(row[0], row[1]) for row in rows]


def latest_with_buttons(session: Session, *, client_id: int, before: int | None = None) -> Message | None:
    """The newest outbound message that carried inline buttons (older than message `before`, if given)."""
    query = select(Message).where(
        Message.client_id == client_id,
        Message.direction == Direction.OUTBOUND,
        Message.kind == "buttons",
    )
    if before is not None:
        query = query.where(Message.id < before)
    return session.scalar(query.order_by(Message.id.desc()).limit(1))


def find_outbound(session: Session, *, message_id: int) -> Message | None:
    message = session.get(Message, message_id)
    if message is None or message.direction != Direction.OUTBOUND:
        return None
    return message


def conversation(session: Session, *, client_id: int) -> list[Message]:
    return list(session.scalars(select(Message).where(Message.client_id == client_id).order_by(Message.id)))


def for_counsellor(session: Session, *, handoff_id: int) -> list[Message]:
    """What the client wrote during a handoff that has not reached the counsellor yet, oldest first."""
    return list(
        session.scalars(
            select(Message)
            .where(Message.handoff_id == handoff_id, Message.status == InboundStatus.FOR_COUNSELLOR)
            .order_by(Message.id)
        )
    )


def mark_relayed(session: Session, *, message_id: int) -> None:
    session.get_one(Message, message_id).status = InboundStatus.RELAYED

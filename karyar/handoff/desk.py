"""The units of work behind the handoff desk: a handoff's life from the request to the rating, as the bot
drives it. Each takes a session (run it with `Database.run_async`) and returns snapshots; who may close or
transfer a conversation, and to whom, is decided here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from karyar import clients, followup, messages
from karyar.clients import TelegramIdentity
from karyar.clock import now
from karyar.db.models import (
    FollowUpAnswer,
    FollowUpKind,
    Handoff,
    HandoffOutcome,
    HandoffReason,
    HandoffStatus,
    StaffMember,
)
from karyar.handoff import casebook, queue, routing, timers
from karyar.handoff.queue import ClaimResult
from karyar.handoff.snapshot import CaseSnapshot, case_snapshot
from karyar.handoff.views import Colleague, HandoffView, Recipient
from karyar.handoff.waiting import WaitingInfo, waiting_info


def view(session: Session, *, handoff_id: int) -> HandoffView:
    return HandoffView.of(session, session.get_one(Handoff, handoff_id))


def card(session: Session, *, handoff_id: int) -> CaseSnapshot:
    return case_snapshot(session, handoff=session.get_one(Handoff, handoff_id))


# --- opening and waiting -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Opened:
    handoff_id: int
    created: bool  # False: the client already had an active handoff, which stands


def open_for_client(
    session: Session, *, client_id: int, reason: HandoffReason, details: dict[str, Any]
) -> Opened:
    """A handoff the bot opens itself (a follow-up answer), not the client's request."""
    handoff, created = queue.open_handoff(
        session, client_id=client_id, reason=reason, details=details, actor="system"
    )
    return Opened(handoff.id, created)


def waiting(session: Session, *, handoff_id: int, default_minutes: float) -> WaitingInfo:
    handoff = session.get_one(Handoff, handoff_id)
    return waiting_info(session, handoff=handoff, at=now(), default_minutes=default_minutes)


def recipients(session: Session, *, handoff_id: int, supervisors: bool = False) -> tuple[Recipient, ...]:
    """Who is shown the case card: its pool (its supervisors only, if asked), on duty or not."""
    handoff = session.get_one(Handoff, handoff_id)
    moment = now()
    return tuple(
        Recipient.of(member, moment)
        for member in routing.pool(session, handoff=handoff, supervisors=supervisors)
    )


# --- relaying --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pending:
    """A client's message the counsellor has not been shown yet."""

    message_id: int
    telegram_message_id: int | None
    kind: str
    text: str | None


@dataclass(frozen=True, slots=True)
class RelayState:
    handoff: HandoffView
    pending: tuple[Pending, ...]
    claimant: Colleague | None
    client_name: str


def relay_state(session: Session, *, handoff_id: int) -> RelayState:
    handoff = session.get_one(Handoff, handoff_id)
    pending = tuple(
        Pending(row.id, row.telegram_message_id, row.kind, row.text)
        for row in messages.for_counsellor(session, handoff_id=handoff_id)
    )
    return RelayState(
        handoff=HandoffView.of(session, handoff),
        pending=pending,
        claimant=Colleague.maybe(session, handoff.claimed_by),
        client_name=casebook.client_name(session, client_id=handoff.client_id),
    )


@dataclass(frozen=True, slots=True)
class Outbound:
    """A counsellor's message, logged and waiting for its copy to reach the client's chat."""

    message_id: int
    chat_id: int


def counsellor_message(
    session: Session, *, handoff_id: int, member_id: int, text: str | None, media: str
) -> Outbound | None:
    """Log a counsellor's message to their client; None if the conversation is not theirs."""
    handoff = session.get_one(Handoff, handoff_id)
    if handoff.status != HandoffStatus.CLAIMED or handoff.claimed_by != member_id:
        return None
    logged = messages.log_outbound(
        session,
        client_id=handoff.client_id,
        kind="counsellor",
        text=text,
        handoff_id=handoff_id,
        extra={"staff_member_id": member_id, "media": media},
    )
    return Outbound(logged.id, HandoffView.of(session, handoff).chat_id)


# --- the client ends it ------------------------------------------------------------------------------


def _client_of_chat(session: Session, chat_id: int) -> int:
    client = clients.find_client(session, telegram_user_id=chat_id)
    if client is None:
        raise LookupError(f"no client with Telegram chat {chat_id}")
    return client.id


def cancel_by_client(session: Session, *, handoff_id: int, chat_id: int) -> HandoffView | None:
    """The client stops waiting; None if there was nothing of theirs to cancel."""
    cancelled = queue.cancel(session, handoff_id=handoff_id, client_id=_client_of_chat(session, chat_id))
    return HandoffView.of(session, cancelled) if cancelled is not None else None


@dataclass(frozen=True, slots=True)
class Ended:
    handoff: HandoffView
    claimant: Colleague | None  # the counsellor who had the conversation


def end_by_client(session: Session, *, handoff_id: int, chat_id: int) -> Ended | None:
    """The client ends the conversation; None if there was no conversation to end."""
    client_id = _client_of_chat(session, chat_id)
    ended = queue.end_by_client(session, handoff_id=handoff_id, client_id=client_id)
    if ended is None:
        return None
    return Ended(HandoffView.of(session, ended), Colleague.maybe(session, ended.claimed_by))


def rate(session: Session, *, handoff_id: int, client_id: int, rating: int) -> int | None:
    """The rating kept, or None if the conversation cannot be rated (again)."""
    rated = queue.rate(session, handoff_id=handoff_id, client_id=client_id, rating=rating)
    return rated.rating if rated is not None else None


def answer_follow_up(session: Session, *, follow_up_id: int, client_id: int, answer: FollowUpAnswer) -> bool:
    """Whether the answer was recorded (a check-in is answered once)."""
    row = followup.record_answer(session, follow_up_id=follow_up_id, client_id=client_id, answer=answer)
    return row is not None


def record_press(
    session: Session, *, identity: TelegramIdentity, text: str, update_id: int, update_key: str
) -> int:
    """Store a client's press on a handoff button like any message (never for Rasa, never relayed); returns
    the client id."""
    client = clients.ensure_client(session, identity=identity)
    messages.log_inbound(
        session,
        client_id=client.id,
        kind="button",
        text=text,
        telegram_update_id=update_id,
        telegram_update_key=update_key,
        for_rasa=False,
    )
    return client.id


# --- the counsellor's side -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Claim:
    result: ClaimResult
    handoff: HandoffView | None


def claim(session: Session, *, handoff_id: int, member_id: int) -> Claim:
    result, handoff = queue.claim(
        session, handoff_id=handoff_id, member=session.get_one(StaffMember, member_id)
    )
    return Claim(result, HandoffView.of(session, handoff) if handoff is not None else None)


def add_note(session: Session, *, handoff_id: int, member_id: int, text: str) -> None:
    queue.add_note(
        session,
        handoff=session.get_one(Handoff, handoff_id),
        by=session.get_one(StaffMember, member_id),
        text=text,
    )


def _managed(session: Session, handoff_id: int, member_id: int) -> tuple[Handoff, StaffMember] | None:
    """The claimed handoff and the member, if the member may close or transfer it."""
    handoff = session.get_one(Handoff, handoff_id)
    member = session.get_one(StaffMember, member_id)
    if handoff.status != HandoffStatus.CLAIMED or not routing.may_manage(member, handoff):
        return None
    return handoff, member


def close(
    session: Session, *, handoff_id: int, member_id: int, outcome: HandoffOutcome
) -> HandoffView | None:
    """The closed handoff, or None if the member may not close it (or it had ended)."""
    managed = _managed(session, handoff_id, member_id)
    if managed is None or not queue.close(session, handoff=managed[0], by=managed[1], outcome=outcome):
        return None
    return HandoffView.of(session, managed[0])


@dataclass(frozen=True, slots=True)
class Transfer:
    handoff: HandoffView
    to: Colleague | None  # None: back to the queue, for supervisors


def transfer(
    session: Session, *, handoff_id: int, member_id: int, to_member_id: int | None
) -> Transfer | None:
    """To a colleague of the case's pool, or (`to_member_id=None`) back to the queue for supervisors;
    None if the member may not transfer it or the colleague may not take it."""
    managed = _managed(session, handoff_id, member_id)
    if managed is None:
        return None
    handoff, member = managed
    if to_member_id is None:
        queue.transfer_to_supervisors(session, handoff=handoff, by=member)
        return Transfer(HandoffView.of(session, handoff), None)
    colleague = session.get(StaffMember, to_member_id)
    if colleague is None or not queue.transfer_to_member(session, handoff=handoff, by=member, to=colleague):
        return None
    return Transfer(HandoffView.of(session, handoff), Colleague.of(colleague))


# --- what the periodic check picks up --------------------------------------------------------------------


def due_for_reminder(session: Session, *, at: datetime, every_seconds: float) -> tuple[HandoffView, ...]:
    due = timers.due_for_reminder(session, at=at, every_seconds=every_seconds)
    return tuple(HandoffView.of(session, handoff) for handoff in due)


def due_for_escalation(session: Session, *, at: datetime, after_seconds: float) -> tuple[HandoffView, ...]:
    due = timers.due_for_escalation(session, at=at, after_seconds=after_seconds)
    return tuple(HandoffView.of(session, handoff) for handoff in due)


def escalate(session: Session, *, handoff_id: int) -> None:
    queue.escalate(session, handoff=session.get_one(Handoff, handoff_id))


@dataclass(frozen=True, slots=True)
class DueCheckIn:
    """A follow-up check-in to send now."""

    id: int
    client_id: int
    chat_id: int
    kind: FollowUpKind
    months: int


def check_ins_due(session: Session, *, at: datetime) -> tuple[DueCheckIn, ...]:
    return tuple(
        DueCheckIn(row.id, row.client_id, chat, FollowUpKind(row.kind), row.months)
        for row, chat in followup.due(session, at=at)
    )

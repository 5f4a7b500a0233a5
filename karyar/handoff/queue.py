"""The life of a handoff in the case database: opened, claimed, transferred, closed or cancelled, rated.

Every change is written to the case timeline. A claim is a single conditional UPDATE, so when two
counsellors press «قبول» at the same moment exactly one of them gets the case, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from karyar import cases, messages
from karyar.clock import now
from karyar.db.models import (
    Case,
    CaseEventKind,
    CaseStage,
    Client,
    Handoff,
    HandoffOutcome,
    HandoffReason,
    HandoffStatus,
    HandoffTier,
    InboundStatus,
    Message,
    StaffMember,
)
from karyar.facts import ProfileFactName
from karyar.handoff.routing import can_claim, pool_filter
from karyar.profile import current_profile, current_value

# Where a case goes when a counsellor closes a conversation with this outcome.
OUTCOME_STAGES: dict[HandoffOutcome, CaseStage] = {
    HandoffOutcome.REFERRED_TRAINING: CaseStage.TRAINING,
    HandoffOutcome.REFERRED_JOB: CaseStage.PLACEMENT,
    HandoffOutcome.LOAN_FILE: CaseStage.COUNSELLING,
    HandoffOutcome.INFORMATION: CaseStage.COUNSELLING,
    HandoffOutcome.NOT_REACHABLE: CaseStage.COUNSELLING,
    HandoffOutcome.OTHER: CaseStage.COUNSELLING,
}
# Stages a claim moves forward; later stages (training, placement, follow-up) are kept.
_BEFORE_COUNSELLING = {CaseStage.INTAKE, CaseStage.ASSESSMENT}
# The path of a case: a close moves it forward along this, never back (a placed client who is referred to
# a job again in a later chat stays in follow-up, where /placed put them).
_PATH = [
    CaseStage.INTAKE,
    CaseStage.ASSESSMENT,
    CaseStage.COUNSELLING,
    CaseStage.TRAINING,
    CaseStage.PLACEMENT,
    CaseStage.FOLLOW_UP,
]
RATINGS = range(1, 6)
COMMENT_LIMIT = 1000


class ClaimResult(enum.StrEnum):
    CLAIMED = "claimed"
    ALREADY_YOURS = "already_yours"
    TAKEN = "taken"
    ENDED = "ended"
    NOT_ALLOWED = "not_allowed"


def staff_actor(member: StaffMember) -> str:
    return f"staff:{member.id}"


def active_handoff(session: Session, *, client_id: int) -> Handoff | None:
    return session.scalar(select(Handoff).where(Handoff.client_id == client_id, Handoff.ended_at.is_(None)))


def awaiting_comment(session: Session, *, client_id: int) -> Handoff | None:
    """The closed handoff whose client pressed "write a comment" and has not written it yet."""
    return session.scalar(
        select(Handoff)
        .where(Handoff.client_id == client_id, Handoff.awaiting_comment.is_(True))
        .order_by(Handoff.id.desc())
        .limit(1)
    )


@dataclass(frozen=True, slots=True)
class PausedConversation:
    """An ended handoff whose client's Rasa conversation is still paused."""

    handoff_id: int
    chat_id: int  # the client's Telegram chat


def not_resumed(session: Session, *, client_id: int) -> PausedConversation | None:
    """An ended handoff of the client whose Rasa conversation has not been resumed yet (Rasa was down at
    the time)."""
    row = session.execute(
        select(Handoff.id, Client.telegram_user_id)
        .join(Client, Client.id == Handoff.client_id)
        .where(
            Handoff.client_id == client_id,
            Handoff.ended_at.is_not(None),
            Handoff.rasa_resumed_at.is_(None),
        )
        .limit(1)
    ).first()
    return None if row is None else PausedConversation(row.id, row.telegram_user_id)


def open_handoff(
    session: Session,
    *,
    client_id: int,
    reason: HandoffReason,
    details: dict[str, Any] | None = None,
    actor: str = "client",
    source_message_id: int | None = None,
    tier: HandoffTier = HandoffTier.COUNSELLOR,
) -> tuple[Handoff, bool]:
    """The client's active handoff, opened now if there is none; the flag says whether it is new."""
    existing = active_handoff(session, client_id=client_id)
    if existing is not None:
        return existing, False
    case = cases.open_case(session, client_id=client_id)
    profile = current_profile(session, client_id=client_id)
    organisation = current_value(profile, ProfileFactName.ORGANISATION)
    handoff = Handoff(
        case_id=case.id,
        client_id=client_id,
        reason=reason,
        details=details or {},
        organisation=None if organisation in (None, "none") else organisation,
        province=current_value(profile, ProfileFactName.PROVINCE),
        tier=tier,
        status=HandoffStatus.WAITING,
        requested_at=now(),
    )
    try:
        with session.begin_nested():
            session.add(handoff)
    except IntegrityError:
        # Opened at the same moment by another process: that one stands.
        found = active_handoff(session, client_id=client_id)
        if found is None:
            raise
        return found, False
    cases.record_event(
        session,
        case=case,
        kind=CaseEventKind.HANDOFF_REQUESTED,
        data={"handoff_id": handoff.id, "reason": str(reason), **(details or {})},
        actor=actor,
        source_message_id=source_message_id,
    )
    return handoff, True


def queue_position(session: Session, *, handoff: Handoff) -> int:
    """1 for the first in line among the waiting handoffs of the same pool and tier."""
    ahead = session.scalar(
        select(func.count())
        .select_from(Handoff)
        .where(
            Handoff.status == HandoffStatus.WAITING,
            Handoff.tier == handoff.tier,
            Handoff.id < handoff.id,
            *pool_filter(organisation=handoff.organisation, province=handoff.province),
        )
    )
    return int(ahead or 0) + 1


def waiting_handoffs(session: Session) -> list[Handoff]:
    return list(
        session.scalars(select(Handoff).where(Handoff.status == HandoffStatus.WAITING).order_by(Handoff.id))
    )


def claim(session: Session, *, handoff_id: int, member: StaffMember) -> tuple[ClaimResult, Handoff | None]:
    handoff = session.get(Handoff, handoff_id)
    if handoff is None or handoff.ended_at is not None:
        return ClaimResult.ENDED, handoff
    if handoff.status == HandoffStatus.CLAIMED:
        mine = handoff.claimed_by == member.id
        return (ClaimResult.ALREADY_YOURS if mine else ClaimResult.TAKEN), handoff
    if not can_claim(member, handoff):
        return ClaimResult.NOT_ALLOWED, handoff
    claimed_at = now()
    won = session.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.status == HandoffStatus.WAITING)
        .values(status=HandoffStatus.CLAIMED, claimed_by=member.id, claimed_at=claimed_at)
        .execution_options(synchronize_session=False)
    )
    session.refresh(handoff)
    if won.rowcount != 1:  # type: ignore[attr-defined]
        mine = handoff.claimed_by == member.id and handoff.status == HandoffStatus.CLAIMED
        return (ClaimResult.ALREADY_YOURS if mine else ClaimResult.TAKEN), handoff
    case = session.get_one(Case, handoff.case_id)
    if case.closed_at is None and case.stage in _BEFORE_COUNSELLING:
        cases.change_stage(session, case=case, to_stage=CaseStage.COUNSELLING, changed_by=staff_actor(member))
    waited = (claimed_at - handoff.requested_at).total_seconds()
    cases.record_event(
        session,
        case=case,
        kind=CaseEventKind.HANDOFF_CLAIMED,
        data={"handoff_id": handoff.id, "waited_seconds": round(waited)},
        actor=staff_actor(member),
    )
    member.focus_handoff_id = handoff.id
    return ClaimResult.CLAIMED, handoff


def cancel(session: Session, *, handoff_id: int, client_id: int) -> Handoff | None:
    """The client stops waiting; only a handoff nobody has claimed yet can be cancelled."""
    handoff = session.get(Handoff, handoff_id)
    if handoff is None or handoff.client_id != client_id or handoff.status != HandoffStatus.WAITING:
        return None
    handoff.status = HandoffStatus.CANCELLED
    handoff.ended_at = now()
    for message in messages.for_counsellor(session, handoff_id=handoff.id):
        message.status = InboundStatus.NOT_FOR_RASA  # kept in the record, no longer waiting for anyone
    _record(session, handoff, CaseEventKind.HANDOFF_CANCELLED, {}, actor="client")
    return handoff


def end_by_client(session: Session, *, handoff_id: int, client_id: int) -> Handoff | None:
    """The client ends a conversation a counsellor is having with them; None if there is none to end.

    Closed like a counsellor's close, without an outcome (that is the counsellor's to judge) and with the
    case where it is."""
    handoff = session.get(Handoff, handoff_id)
    if handoff is None or handoff.client_id != client_id or handoff.status != HandoffStatus.CLAIMED:
        return None
    handoff.status = HandoffStatus.CLOSED
    handoff.ended_at = now()
    _clear_focus(session, handoff)
    for message in messages.for_counsellor(session, handoff_id=handoff.id):
        message.status = InboundStatus.NOT_FOR_RASA  # the press that ended it; kept in the record
    _record(session, handoff, CaseEventKind.HANDOFF_CLOSED, {"by": "client"}, actor="client")
    return handoff


def transfer_to_member(session: Session, *, handoff: Handoff, by: StaffMember, to: StaffMember) -> bool:
    """Hand a claimed case to another counsellor of its pool; False if they may not take it."""
    if handoff.status != HandoffStatus.CLAIMED or to.id == handoff.claimed_by or not can_claim(to, handoff):
        return False
    handoff.claimed_by = to.id
    to.focus_handoff_id = handoff.id
    _clear_focus(session, handoff, keep=to)
    _record(
        session, handoff, CaseEventKind.HANDOFF_TRANSFERRED, {"to": staff_actor(to)}, actor=staff_actor(by)
    )
    return True


def transfer_to_supervisors(session: Session, *, handoff: Handoff, by: StaffMember) -> None:
    """Back to the queue, for supervisors only; the cards are posted again to them."""
    handoff.status = HandoffStatus.WAITING
    handoff.tier = HandoffTier.SUPERVISOR
    handoff.claimed_by = None
    handoff.claimed_at = None
    handoff.cards_posted_at = None
    handoff.reminded_at = None
    _clear_focus(session, handoff)
    _record(
        session,
        handoff,
        CaseEventKind.HANDOFF_TRANSFERRED,
        {"to": HandoffTier.SUPERVISOR},
        actor=staff_actor(by),
    )


def escalate(session: Session, *, handoff: Handoff) -> None:
    handoff.escalated_at = now()
    _record(session, handoff, CaseEventKind.HANDOFF_ESCALATED, {}, actor="system")


def add_note(session: Session, *, handoff: Handoff, by: StaffMember, text: str) -> None:
    _record(session, handoff, CaseEventKind.NOTE, {"text": text}, actor=staff_actor(by))


def close(session: Session, *, handoff: Handoff, by: StaffMember, outcome: HandoffOutcome) -> bool:
    """End the conversation with an outcome and move the case on; False if it had already ended."""
    if handoff.ended_at is not None:
        return False
    handoff.status = HandoffStatus.CLOSED
    handoff.ended_at = now()
    handoff.ended_by = by.id
    handoff.outcome = outcome
    _clear_focus(session, handoff)
    case = session.get_one(Case, handoff.case_id)
    target = OUTCOME_STAGES[outcome]
    if (
        case.closed_at is None
        and case.stage in _PATH
        and _PATH.index(target) > _PATH.index(CaseStage(case.stage))
    ):
        cases.change_stage(session, case=case, to_stage=target, changed_by=staff_actor(by), note=str(outcome))
    _record(session, handoff, CaseEventKind.HANDOFF_CLOSED, {"outcome": str(outcome)}, actor=staff_actor(by))
    return True


def mark_resumed(session: Session, *, handoff_id: int) -> None:
    session.get_one(Handoff, handoff_id).rasa_resumed_at = now()


def rate(session: Session, *, handoff_id: int, client_id: int, rating: int) -> Handoff | None:
    """Record the client's 1–5 rating of a closed conversation, once; None if it cannot be rated."""
    handoff = session.get(Handoff, handoff_id)
    if (
        handoff is None
        or handoff.client_id != client_id
        or handoff.status != HandoffStatus.CLOSED
        or handoff.rating is not None
        or rating not in RATINGS
    ):
        return None
    handoff.rating = rating
    _record(session, handoff, CaseEventKind.RATING, {"rating": rating}, actor="client")
    return handoff


def want_comment(session: Session, *, handoff_id: int, client_id: int) -> bool:
    handoff = session.get(Handoff, handoff_id)
    if handoff is None or handoff.client_id != client_id or handoff.rating is None or handoff.rating_comment:
        return False
    handoff.awaiting_comment = True
    return True


def save_comment(session: Session, *, handoff: Handoff, text: str) -> None:
    handoff.rating_comment = text[:COMMENT_LIMIT]
    handoff.awaiting_comment = False
    _record(
        session, handoff, CaseEventKind.RATING, {"rating": handoff.rating, "comment": True}, actor="client"
    )


def drop_comment(session: Session, *, handoff: Handoff) -> None:
    handoff.awaiting_comment = False


def claimed_by(session: Session, *, member: StaffMember) -> list[Handoff]:
    return list(
        session.scalars(
            select(Handoff)
            .where(Handoff.claimed_by == member.id, Handoff.status == HandoffStatus.CLAIMED)
            .order_by(Handoff.id)
        )
    )


def recent_waits(session: Session, *, since: datetime, limit: int = 20) -> list[float]:
    """Seconds from request to claim of the latest claims, newest first."""
    rows = session.execute(
        select(Handoff.requested_at, Handoff.claimed_at)
        .where(Handoff.claimed_at.is_not(None), Handoff.claimed_at >= since)
        .order_by(Handoff.claimed_at.desc())
        .limit(limit)
    )
    return [(claimed - requested).total_seconds() for requested, claimed in rows if claimed is not None]


def _clear_focus(session: Session, handoff: Handoff, *, keep: StaffMember | None = None) -> None:
    """Nobody's private messages go to this handoff any more, except `keep`'s."""
    for member in session.scalars(select(StaffMember).where(StaffMember.focus_handoff_id == handoff.id)):
        if member is not keep:
            member.focus_handoff_id = None


def _record(
    session: Session, handoff: Handoff, kind: CaseEventKind, data: dict[str, Any], *, actor: str
) -> None:
    case = session.get_one(Case, handoff.case_id)
    cases.record_event(session, case=case, kind=kind, data={"handoff_id": handoff.id, **data}, actor=actor)


def client_chat(session: Session, *, handoff_id: int) -> tuple[Handoff, int]:
    """The handoff and its client's Telegram chat."""
    handoff = session.get_one(Handoff, handoff_id)
    return handoff, session.get_one(Client, handoff.client_id).telegram_user_id


def ended_not_resumed(session: Session) -> list[PausedConversation]:
    rows = session.execute(
        select(Handoff.id, Client.telegram_user_id)
        .join(Client, Client.id == Handoff.client_id)
        .where(Handoff.ended_at.is_not(None), Handoff.rasa_resumed_at.is_(None))
    )
    return [PausedConversation(handoff_id, chat) for handoff_id, chat in rows]


def unannounced(session: Session, *, older_than: datetime) -> list[int]:
    """Waiting handoffs whose client or counsellors were not told yet (the bot stopped in between)."""
    return list(
        session.scalars(
            select(Handoff.id).where(
                Handoff.status == HandoffStatus.WAITING,
                Handoff.requested_at <= older_than,
                (Handoff.client_told_at.is_(None)) | (Handoff.cards_posted_at.is_(None)),
            )
        )
    )


def claimed_with_unrelayed(session: Session) -> list[int]:
    """Claimed handoffs holding client messages the counsellor has not seen (the bot stopped in between)."""
    return list(
        session.scalars(
            select(Handoff.id)
            .join(Message, Message.handoff_id == Handoff.id)
            .where(Handoff.status == HandoffStatus.CLAIMED, Message.status == InboundStatus.FOR_COUNSELLOR)
            .distinct()
        )
    )


def latest_of_case(session: Session, *, case_id: int) -> Handoff | None:
    return session.scalar(
        select(Handoff).where(Handoff.case_id == case_id).order_by(Handoff.id.desc()).limit(1)
    )

"""The units of work behind counsellors' commands and buttons: who is asking, which conversation they mean,
their lists, search, a case's timeline, check-ins and revealing identifiers.

Authority comes from the staff registry only; who may see which case is decided here (`casebook.can_view`),
and every attempt to reveal a client's identifiers is audited.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from karyar import audit, followup
from karyar.clock import now
from karyar.db.models import Case, FollowUpKind, Handoff, HandoffStatus, StaffMember
from karyar.handoff import casebook, posts, queue, routing
from karyar.handoff.casebook import RawEntry
from karyar.handoff.views import Colleague, HandoffView
from karyar.identity import store as identifier_store
from karyar.identity.cipher import DataCipher
from karyar.identity.identifiers import IdentifierKind
from karyar.staff.access import active_member, authorise
from karyar.staff.roles import Permission, may

# --- who is asking ---------------------------------------------------------------------------------------


def authorised(session: Session, *, telegram_user_id: int, action: str) -> Colleague | None:
    """The colleague if they may handle cases; a refusal is audited."""
    member = authorise(
        session, telegram_user_id=telegram_user_id, permission=Permission.HANDLE_CASES, action=action
    )
    return Colleague.of(member) if member is not None else None


def case_worker(session: Session, *, telegram_user_id: int) -> Colleague | None:
    """The active colleague who handles cases, without an audit entry (every private message asks)."""
    member = active_member(session, telegram_user_id=telegram_user_id)
    return Colleague.of(member) if member is not None and may(member.role, Permission.HANDLE_CASES) else None


# --- which conversation ------------------------------------------------------------------------------------


def conversation_of(
    session: Session,
    *,
    member_id: int,
    chat_id: int,
    thread_id: int | None,
    reply_to: int | None,
    case_number: int | None,
) -> HandoffView | None:
    """By case number, else the topic, else the message replied to, else the member's current conversation."""
    if case_number is not None:
        handoff = queue.latest_of_case(session, case_id=case_number)
    elif thread_id is not None:
        handoff = posts.handoff_of_topic(session, chat_id=chat_id, thread_id=thread_id)
    else:
        found = (
            posts.handoff_of_post(session, chat_id=chat_id, message_id=reply_to)
            if reply_to is not None
            else None
        )
        if found is None:
            found = session.get_one(StaffMember, member_id).focus_handoff_id
        handoff = session.get(Handoff, found) if found else None
    return HandoffView.of(session, handoff) if handoff is not None else None


def of_topic(session: Session, *, chat_id: int, thread_id: int) -> HandoffView | None:
    handoff = posts.handoff_of_topic(session, chat_id=chat_id, thread_id=thread_id)
    return HandoffView.of(session, handoff) if handoff is not None else None


def focus(session: Session, *, member_id: int, handoff_id: int) -> bool:
    """Make a conversation the member has claimed the one their private messages go to."""
    member = session.get_one(StaffMember, member_id)
    handoff = session.get(Handoff, handoff_id)
    if handoff is None or handoff.claimed_by != member.id or handoff.status != HandoffStatus.CLAIMED:
        return False
    member.focus_handoff_id = handoff.id
    return True


# --- lists and search ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListedHandoff:
    handoff_id: int
    case_id: int
    client_name: str
    reason: str
    since: datetime
    claimed_by: str | None = None

    @classmethod
    def of(cls, session: Session, handoff: Handoff) -> ListedHandoff:
        claimant = Colleague.maybe(session, handoff.claimed_by)
        return cls(
            handoff_id=handoff.id,
            case_id=handoff.case_id,
            client_name=casebook.client_name(session, client_id=handoff.client_id),
            reason=handoff.reason,
            since=handoff.requested_at,
            claimed_by=claimant.name if claimant else None,
        )


def claimable(session: Session, *, member_id: int) -> tuple[ListedHandoff, ...]:
    """The waiting handoffs the member may claim, oldest first."""
    member = session.get_one(StaffMember, member_id)
    return tuple(
        ListedHandoff.of(session, h) for h in queue.waiting_handoffs(session) if routing.can_claim(member, h)
    )


def conversations(session: Session, *, member_id: int) -> tuple[ListedHandoff, ...]:
    """The conversations the member has now."""
    member = session.get_one(StaffMember, member_id)
    return tuple(ListedHandoff.of(session, h) for h in queue.claimed_by(session, member=member))


@dataclass(frozen=True, slots=True)
class FoundCase:
    case_id: int
    client_name: str


def search(session: Session, *, member_id: int, text: str) -> tuple[FoundCase, ...]:
    member = session.get_one(StaffMember, member_id)
    return tuple(
        FoundCase(case.id, casebook.full_name(client))
        for case, client in casebook.search(session, member=member, text=text)
    )


def may_view(session: Session, *, member_id: int, case_id: int) -> bool:
    return casebook.can_view(
        session, member=session.get_one(StaffMember, member_id), case=session.get_one(Case, case_id)
    )


def colleagues(session: Session, *, handoff_id: int, member_id: int) -> tuple[Colleague, ...]:
    """Who the member may hand the conversation to: the others of its pool on duty now."""
    handoff = session.get_one(Handoff, handoff_id)
    return tuple(
        Colleague.of(m) for m in routing.pool(session, handoff=handoff, at=now()) if m.id != member_id
    )


# --- a case's timeline --------------------------------------------------------------------------------------


class TimelineRefusal(enum.StrEnum):
    NO_SUCH_CASE = "no_such_case"
    NOT_ALLOWED = "not_allowed"


@dataclass(frozen=True, slots=True)
class CaseTimeline:
    case_id: int
    client_name: str
    entries: tuple[RawEntry, ...]
    staff_names: dict[str, str]  # "staff:12" → the colleague's name


def timeline(session: Session, *, member_id: int, case_id: int) -> CaseTimeline | TimelineRefusal:
    member = session.get_one(StaffMember, member_id)
    case = session.get(Case, case_id)
    if case is None:
        return TimelineRefusal.NO_SUCH_CASE
    if not casebook.can_view(session, member=member, case=case):
        return TimelineRefusal.NOT_ALLOWED
    entries = tuple(casebook.timeline(session, case_id=case_id))
    return CaseTimeline(
        case_id=case_id,
        client_name=casebook.client_name(session, client_id=case.client_id),
        entries=entries,
        staff_names=casebook.actor_names(session, {entry.actor for entry in entries}),
    )


# --- check-ins and identifiers --------------------------------------------------------------------------


def schedule_check_ins(
    session: Session, *, member_id: int, case_id: int, kind: FollowUpKind
) -> tuple[datetime, ...] | None:
    """Record a placement or training start and schedule its check-ins; None if the case is not theirs."""
    member = session.get_one(StaffMember, member_id)
    if not casebook.can_view(session, member=member, case=session.get_one(Case, case_id)):
        return None
    return tuple(row.due_at for row in followup.schedule(session, case_id=case_id, kind=kind, by=member))


def reveal(
    session: Session, *, member_id: int, handoff_id: int, cipher: DataCipher
) -> dict[IdentifierKind, str] | None:
    """The client's identifiers in clear if the member may see the case; every attempt is audited."""
    member = session.get_one(StaffMember, member_id)
    handoff = session.get(Handoff, handoff_id)
    allowed = handoff is not None and may_view(session, member_id=member_id, case_id=handoff.case_id)
    values = (
        identifier_store.reveal(session, cipher=cipher, client_id=handoff.client_id)
        if allowed and handoff
        else {}
    )
    audit.record(
        session,
        action="identifiers.reveal",
        actor_telegram_user_id=member.telegram_user_id,
        actor_role=member.role,
        target=f"client:{handoff.client_id}" if handoff else f"handoff:{handoff_id}",
        allowed=allowed,
        details={"handoff": handoff_id, "kinds": sorted(values)},
    )
    return values if allowed else None

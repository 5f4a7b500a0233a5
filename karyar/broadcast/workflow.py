"""The units of work behind the staff's broadcast screens and the operator's commands: the courses an
announcement can link, creating it, drafts, audiences within the author's scope, confirmation, approval and
the progress controls.

Every function takes a session (run them with `Database.run_async`) and returns plain snapshots, so the
handlers never touch a session. Who may act is checked here against the registry, and every action goes
into the audit log, refused or not; announcement texts and client data never do.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from karyar import audit
from karyar.broadcast import report, store
from karyar.broadcast.audience import Audience, AudienceError, count
from karyar.broadcast.content import Content
from karyar.broadcast.report import Progress
from karyar.catalogue import labels
from karyar.catalogue.lookup import find_courses
from karyar.catalogue.search import get_course
from karyar.db.models import Broadcast, BroadcastStatus, Course, StaffMember
from karyar.staff.access import active_member, authorise
from karyar.staff.roles import Permission, may
from persian.text import to_ascii_digits

TARGET = "broadcast:{}"


# --- who is acting ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Actor:
    """A staff member as the screens need them (a snapshot, safe outside the session)."""

    id: int
    telegram_user_id: int
    name: str
    role: str
    organisations: tuple[str, ...]
    provinces: tuple[str, ...]

    @property
    def supervises(self) -> bool:
        return may(self.role, Permission.APPROVE_BROADCASTS)

    @property
    def origin(self) -> audit.Origin:
        return audit.Origin(self.telegram_user_id, self.role)

    @classmethod
    def of(cls, member: StaffMember) -> Actor:
        return cls(
            id=member.id,
            telegram_user_id=member.telegram_user_id,
            name=member.name,
            role=member.role,
            organisations=tuple(member.organisations or ()),
            provinces=tuple(member.provinces or ()),
        )


@dataclass(frozen=True, slots=True)
class Authorisation:
    actor: Actor | None
    # A registered colleague without the permission (their message is not a client's to keep).
    known_staff: bool = False


def authorised(
    session: Session,
    *,
    telegram_user_id: int,
    action: str,
    permission: Permission = Permission.BROADCAST,
    broadcast_id: int | None = None,
    details: dict[str, Any] | None = None,
    record: bool = True,
) -> Authorisation:
    """The actor if the registry allows the action; the attempt is audited either way.

    With `record=False` an allowed attempt is left for the caller to audit with its outcome (the progress
    controls and approval, which also depend on whose announcement it is).
    """
    target = TARGET.format(broadcast_id) if broadcast_id else None
    member = authorise(
        session,
        telegram_user_id=telegram_user_id,
        permission=permission,
        action=action,
        target=target,
        details=details,
    )
    if member is None:
        known = active_member(session, telegram_user_id=telegram_user_id) is not None
        return Authorisation(None, known_staff=known)
    actor = Actor.of(member)
    if record:
        audit.record_for(session, origin=actor.origin, action=action, target=target, details=details)
    return Authorisation(actor)


def author(session: Session, *, telegram_user_id: int) -> Actor | None:
    """An active colleague who may announce, for an announcement the operator makes in their name."""
    member = active_member(session, telegram_user_id=telegram_user_id)
    return Actor.of(member) if member is not None and may(member.role, Permission.BROADCAST) else None


# --- courses to link -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CourseRef:
    """A course as staff tell it apart: its name, where and when it starts."""

    id: int
    code: str
    title: str
    place: str  # the city, else the province, else how it is held (online)
    starts_at: datetime
    active: bool

    @classmethod
    def of(cls, course: Course) -> CourseRef:
        place = course.city or course.province or labels.MODE.get(course.mode, course.mode)
        return cls(course.id, course.code, course.title, place, course.starts_at, course.active)


def find_course(session: Session, *, code: str) -> CourseRef | None:
    """A course by the staff's code, letters in any case, digits in any script."""
    wanted = to_ascii_digits(code.strip())
    course = session.scalar(select(Course).where(Course.code == wanted)) or session.scalar(
        select(Course).where(Course.code == wanted.upper())
    )
    return CourseRef.of(course) if course is not None else None


def course_by_id(session: Session, *, course_id: int) -> CourseRef | None:
    course = get_course(session, course_id)
    return CourseRef.of(course) if course is not None else None


@dataclass(frozen=True, slots=True)
class CourseChoices:
    courses: tuple[CourseRef, ...]
    total: int  # all that match, of which `courses` are the first


def course_choices(session: Session, *, actor: Actor, text: str = "") -> CourseChoices:
    """A short list of courses to link: those whose name (or code) holds `text`, or with no text the
    upcoming ones; the actor's provinces first."""
    found = find_courses(session, text=text, provinces=actor.provinces)
    return CourseChoices(tuple(CourseRef.of(course) for course in found.courses), found.total)


# --- drafts -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ButtonInfo:
    kind: str
    title: str
    detail: str  # the link's address
    course: CourseRef | None = None  # the linked course; None if it is no longer in the catalogue


@dataclass(frozen=True, slots=True)
class Draft:
    id: int
    status: str
    content: Content
    buttons: list[dict[str, Any]]
    button_info: list[ButtonInfo]
    audience: Audience
    send_at: datetime | None
    recipients: int  # counted now, within the author's scope


def _scoped(audience: Audience, actor: Actor) -> Audience:
    return audience.within(organisations=actor.organisations, provinces=actor.provinces)


def _content(data: dict[str, Any]) -> Content:
    """The stored content as it is (checked when it was stored; a photo file may have gone since)."""
    return Content(
        text=str(data.get("text") or ""),
        entities=tuple(data.get("entities") or ()),
        photo=data.get("photo") or None,
        photo_path=data.get("photo_path") or None,
    )


def _button_info(session: Session, button: dict[str, Any]) -> ButtonInfo:
    course = None
    if button["kind"] == "course":
        course = course_by_id(session, course_id=int(button["course_id"]))
    detail = str(button.get("url", "")) if button["kind"] == "link" else ""
    return ButtonInfo(kind=button["kind"], title=button["title"], detail=detail, course=course)


def snapshot(session: Session, broadcast: Broadcast, actor: Actor | None) -> Draft:
    audience = Audience.from_dict(broadcast.audience)
    if actor is not None:
        audience = _scoped(audience, actor)
    return Draft(
        id=broadcast.id,
        status=broadcast.status,
        content=_content(broadcast.content),
        buttons=list(broadcast.buttons),
        button_info=[_button_info(session, button) for button in broadcast.buttons],
        audience=audience,
        send_at=broadcast.send_at,
        recipients=count(session, audience),
    )


def _own_draft(session: Session, draft_id: int, actor: Actor) -> Broadcast | None:
    broadcast = store.get(session, draft_id)
    if broadcast is None or broadcast.status != BroadcastStatus.DRAFT or broadcast.created_by != actor.id:
        return None
    return broadcast


def load_draft(session: Session, *, draft_id: int, actor: Actor) -> Draft | None:
    """The actor's draft, or None if it is not theirs or no longer a draft (confirmed, cancelled)."""
    broadcast = _own_draft(session, draft_id, actor)
    return snapshot(session, broadcast, actor) if broadcast else None


def latest_draft(session: Session, *, actor: Actor) -> int | None:
    return session.scalar(
        select(Broadcast.id)
        .where(Broadcast.created_by == actor.id, Broadcast.status == BroadcastStatus.DRAFT)
        .order_by(Broadcast.id.desc())
        .limit(1)
    )


@dataclass(frozen=True, slots=True)
class Created:
    id: int
    status: str
    recipients: int
    send_at: datetime | None


def create(
    session: Session,
    *,
    origin: audit.Origin,
    author: Actor | None,
    content: Content,
    buttons: Sequence[dict[str, Any]] = (),
    audience: Audience | None = None,
    send_at: datetime | None = None,
    confirm: bool = False,
    approval_required: bool = False,
) -> Created:
    """A new announcement by `author` (none: the organisation's own), its audience kept within the author's
    organisations and provinces; with `confirm`, confirmed at once. Raises ContentError or AudienceError."""
    audience = audience or Audience()
    broadcast = store.create(
        session,
        created_by=author.id if author else None,
        content=content,
        buttons=list(buttons),
        audience=_scoped(audience, author) if author else audience,
        send_at=send_at,
    )
    audit_action(session, origin=origin, action="broadcast.create", broadcast_id=broadcast.id)
    if confirm:
        _confirm(session, broadcast, origin=origin, approval_required=approval_required)
    return Created(broadcast.id, broadcast.status, broadcast.recipients, broadcast.send_at)


def save_content(session: Session, *, actor: Actor, content: Content, draft_id: int | None) -> int | None:
    """A new draft with this message, or the draft's message replaced; None if the draft is closed."""
    if draft_id is None:
        return create(session, origin=actor.origin, author=actor, content=content).id
    if _own_draft(session, draft_id, actor) is None:
        return None
    store.edit(session, broadcast_id=draft_id, content=content)
    return draft_id


def save_buttons(session: Session, *, actor: Actor, draft_id: int, buttons: list[dict[str, Any]]) -> bool:
    """Raises ContentError for a button Telegram or clients could not use."""
    if _own_draft(session, draft_id, actor) is None:
        return False
    store.edit(session, broadcast_id=draft_id, buttons=buttons)
    return True


def save_audience(session: Session, *, actor: Actor, draft_id: int, audience: Audience) -> bool:
    """Stored within the actor's organisations and provinces; raises AudienceError outside them."""
    if _own_draft(session, draft_id, actor) is None:
        return False
    store.edit(session, broadcast_id=draft_id, audience=_scoped(audience, actor))
    return True


def save_send_at(session: Session, *, actor: Actor, draft_id: int, send_at: datetime | None) -> bool:
    if _own_draft(session, draft_id, actor) is None:
        return False
    store.edit(session, broadcast_id=draft_id, send_at=send_at, clear_send_at=send_at is None)
    return True


def drop_draft(session: Session, *, actor: Actor, draft_id: int) -> bool:
    if _own_draft(session, draft_id, actor) is None:
        return False
    return store.cancel(session, broadcast_id=draft_id)


# --- confirmation and approval -----------------------------------------------------------------------


class Outcome(enum.StrEnum):
    DONE = "done"
    CLOSED = "closed"  # not the actor's draft any more, or not in a state for this
    NOBODY = "nobody"  # the audience reaches nobody
    OWN = "own"  # a supervisor's own announcement
    NOT_WAITING = "not_waiting"
    OUTSIDE = "outside"  # beyond the supervisor's organisations or provinces
    UNKNOWN = "unknown"  # no such broadcast
    NOT_ALLOWED = "not_allowed"


@dataclass(frozen=True, slots=True)
class Confirmed:
    outcome: Outcome
    broadcast_id: int = 0
    status: str = ""
    recipients: int = 0
    send_at: datetime | None = None


def confirm(session: Session, *, actor: Actor, draft_id: int, approval_required: bool) -> Confirmed:
    """Fix the recipients within the author's scope (as it is now) and let it go, or wait for approval."""
    broadcast = _own_draft(session, draft_id, actor)
    if broadcast is None:
        return Confirmed(Outcome.CLOSED)
    try:
        audience = _scoped(Audience.from_dict(broadcast.audience), actor)
    except AudienceError:
        return Confirmed(Outcome.NOBODY)  # the author's scope changed and excludes what was chosen
    if count(session, audience) == 0:
        return Confirmed(Outcome.NOBODY)
    store.edit(session, broadcast_id=draft_id, audience=audience)
    _confirm(session, broadcast, origin=actor.origin, approval_required=approval_required)
    return Confirmed(Outcome.DONE, draft_id, broadcast.status, broadcast.recipients, broadcast.send_at)


def _confirm(
    session: Session, broadcast: Broadcast, *, origin: audit.Origin, approval_required: bool
) -> None:
    store.confirm(session, broadcast_id=broadcast.id, approval_required=approval_required)
    audit_action(
        session,
        origin=origin,
        action="broadcast.confirm",
        broadcast_id=broadcast.id,
        recipients=broadcast.recipients,
    )


def _covers(
    supervisor: StaffMember | Actor, author_organisations: list[str], author_provinces: list[str]
) -> bool:
    """Empty lists mean all: a supervisor of everything covers anyone; a limited one only a subset."""
    for theirs, authors in (
        (list(supervisor.organisations), author_organisations),
        (list(supervisor.provinces), author_provinces),
    ):
        if theirs and (not authors or not set(authors) <= set(theirs)):
            return False
    return True


def _author_scope(session: Session, broadcast: Broadcast) -> tuple[list[str], list[str]]:
    author = session.get(StaffMember, broadcast.created_by) if broadcast.created_by else None
    if author is None:
        return [], []
    return list(author.organisations or []), list(author.provinces or [])


def approvers(session: Session, *, broadcast_id: int) -> list[int]:
    """Telegram ids of the active supervisors, other than the author, whose scope covers the author's."""
    broadcast = session.get_one(Broadcast, broadcast_id)
    organisations, provinces = _author_scope(session, broadcast)
    members = session.scalars(
        select(StaffMember).where(StaffMember.active.is_(True)).order_by(StaffMember.id)
    )
    return [
        m.telegram_user_id
        for m in members
        if may(m.role, Permission.APPROVE_BROADCASTS)
        and m.id != broadcast.created_by
        and _covers(m, organisations, provinces)
    ]


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    status: str = ""
    author_chat_id: int | None = None
    send_at: datetime | None = None


def decide(session: Session, *, actor: Actor, broadcast_id: int, approve: bool) -> Decision:
    """A supervisor approves or rejects an announcement waiting for approval."""
    broadcast = store.get(session, broadcast_id)
    if broadcast is None:
        return Decision(Outcome.UNKNOWN)
    action = "broadcast.approve" if approve else "broadcast.reject"
    if broadcast.created_by == actor.id:
        _refuse(session, actor, action, broadcast_id, "own announcement")
        return Decision(Outcome.OWN)
    if not _covers(actor, *_author_scope(session, broadcast)):
        _refuse(session, actor, action, broadcast_id, "outside the supervisor's organisations or provinces")
        return Decision(Outcome.OUTSIDE)
    if broadcast.status != BroadcastStatus.AWAITING_APPROVAL:
        audit_action(session, origin=actor.origin, action=action, broadcast_id=broadcast_id, done=False)
        return Decision(Outcome.NOT_WAITING)
    try:
        if approve:
            store.approve(session, broadcast_id=broadcast_id, approver_id=actor.id)
        else:
            store.reject(session, broadcast_id=broadcast_id, approver_id=actor.id)
    except store.BroadcastError:
        audit_action(session, origin=actor.origin, action=action, broadcast_id=broadcast_id, done=False)
        return Decision(Outcome.NOT_WAITING)  # another supervisor was quicker
    audit_action(session, origin=actor.origin, action=action, broadcast_id=broadcast_id, done=True)
    session.flush()
    session.refresh(broadcast)
    return Decision(Outcome.DONE, broadcast.status, broadcast.progress_chat_id, broadcast.send_at)


def approve_for(
    session: Session, *, origin: audit.Origin, approver_telegram_user_id: int, broadcast_id: int
) -> Decision:
    """The operator approves an announcement in a supervisor's name; NOT_ALLOWED unless they are an active
    colleague who may approve. Raises BroadcastError for their own announcement or one not waiting."""
    member = active_member(session, telegram_user_id=approver_telegram_user_id)
    if member is None or not may(member.role, Permission.APPROVE_BROADCASTS):
        return Decision(Outcome.NOT_ALLOWED)
    broadcast = store.approve(session, broadcast_id=broadcast_id, approver_id=member.id)
    audit_action(
        session,
        origin=origin,
        action="broadcast.approve",
        broadcast_id=broadcast.id,
        approver=approver_telegram_user_id,
    )
    return Decision(Outcome.DONE, broadcast.status, broadcast.progress_chat_id, broadcast.send_at)


# --- controls ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Controlled:
    outcome: Outcome
    status: str = ""


def _may_control(actor: Actor, broadcast: Broadcast) -> bool:
    return broadcast.created_by == actor.id or actor.supervises


def control(session: Session, *, actor: Actor, broadcast_id: int, action: str) -> Controlled:
    """Pause, resume or cancel, for the author or a supervisor; "check" only looks (before a cancel)."""
    broadcast = store.get(session, broadcast_id)
    if broadcast is None:
        return Controlled(Outcome.UNKNOWN)
    name = "broadcast.cancel.ask" if action == "check" else f"broadcast.{action}"
    if not _may_control(actor, broadcast):
        _refuse(session, actor, name, broadcast_id, "not the author nor a supervisor")
        return Controlled(Outcome.NOT_ALLOWED, broadcast.status)
    return _apply_control(session, broadcast, action=action, name=name, origin=actor.origin)


def operate(session: Session, *, origin: audit.Origin, broadcast_id: int, action: str) -> Controlled:
    """The operator pauses, resumes or cancels any announcement; CLOSED (with its status) when it is not in
    a state for that."""
    broadcast = store.get(session, broadcast_id)
    if broadcast is None:
        return Controlled(Outcome.UNKNOWN)
    return _apply_control(session, broadcast, action=action, name=f"broadcast.{action}", origin=origin)


def _apply_control(
    session: Session, broadcast: Broadcast, *, action: str, name: str, origin: audit.Origin
) -> Controlled:
    changed = {
        "pause": lambda: store.pause(session, broadcast_id=broadcast.id),
        "resume": lambda: store.resume(session, broadcast_id=broadcast.id),
        "cancel": lambda: store.cancel(session, broadcast_id=broadcast.id),
        "check": lambda: broadcast.status in store.CANCELLABLE,
    }[action]()
    audit_action(session, origin=origin, action=name, broadcast_id=broadcast.id, done=changed)
    session.flush()
    session.refresh(broadcast)
    return Controlled(Outcome.DONE if changed else Outcome.CLOSED, broadcast.status)


@dataclass(frozen=True, slots=True)
class ProgressView:
    broadcast: Broadcast
    progress: Progress


def progress_view(session: Session, *, broadcast_id: int) -> ProgressView | None:
    broadcast = store.get(session, broadcast_id)
    if broadcast is None:
        return None
    return ProgressView(broadcast, report.progress(session, broadcast_id=broadcast_id))


def record_progress_message(session: Session, *, broadcast_id: int, chat_id: int, message_id: int) -> None:
    store.set_progress_message(session, broadcast_id=broadcast_id, chat_id=chat_id, message_id=message_id)


def report_of(session: Session, *, actor: Actor, broadcast_id: int) -> report.Report | Outcome:
    broadcast = store.get(session, broadcast_id)
    if broadcast is None:
        return Outcome.UNKNOWN
    if not _may_control(actor, broadcast):
        _refuse(session, actor, "broadcast.report", broadcast_id, "not the author nor a supervisor")
        return Outcome.NOT_ALLOWED
    audit_action(session, origin=actor.origin, action="broadcast.report", broadcast_id=broadcast_id)
    return report.report(session, broadcast_id=broadcast_id)


def listing(session: Session, *, actor: Actor, limit: int = 10) -> list[Broadcast]:
    """The latest announcements: all of them for a supervisor, the actor's own otherwise."""
    return store.recent(session, limit=limit, created_by=None if actor.supervises else actor.id)


# --- what the operator's list and show print ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Summary:
    """An announcement as a list shows it."""

    id: int
    status: str
    recipients: int  # fixed when it was confirmed
    created_at: datetime
    send_at: datetime | None
    content: Content
    progress: Progress


def _summary(broadcast: Broadcast, progress: Progress) -> Summary:
    return Summary(
        id=broadcast.id,
        status=broadcast.status,
        recipients=broadcast.recipients,
        created_at=broadcast.created_at,
        send_at=broadcast.send_at,
        content=_content(broadcast.content),
        progress=progress,
    )


def recent(session: Session, *, limit: int) -> list[Summary]:
    """The latest announcements, everybody's, newest first."""
    return [
        _summary(broadcast, report.progress(session, broadcast_id=broadcast.id))
        for broadcast in store.recent(session, limit=limit)
    ]


@dataclass(frozen=True, slots=True)
class Details:
    """An announcement and what came of it: its report with the settings it was sent with."""

    summary: Summary
    audience: dict[str, Any]  # as stored; empty for every subscriber
    buttons: list[dict[str, Any]]
    pause_reason: str | None
    failures: list[tuple[str, int]]
    presses: list[tuple[str, int]]
    unsubscribed: int


def details(session: Session, *, broadcast_id: int) -> Details | None:
    if store.get(session, broadcast_id) is None:
        return None
    found = report.report(session, broadcast_id=broadcast_id)
    broadcast = found.broadcast
    return Details(
        summary=_summary(broadcast, found.progress),
        audience=dict(broadcast.audience or {}),
        buttons=list(broadcast.buttons),
        pause_reason=broadcast.pause_reason,
        failures=found.failures,
        presses=found.presses,
        unsubscribed=found.unsubscribed,
    )


def author_name(session: Session, *, broadcast_id: int) -> str:
    broadcast = session.get_one(Broadcast, broadcast_id)
    author = session.get(StaffMember, broadcast.created_by) if broadcast.created_by else None
    return author.name if author else "—"


def audit_action(
    session: Session,
    *,
    origin: audit.Origin,
    action: str,
    broadcast_id: int,
    allowed: bool = True,
    **details: Any,
) -> None:
    """An action on an announcement in the audit log."""
    audit.record_for(
        session,
        origin=origin,
        action=action,
        target=TARGET.format(broadcast_id),
        allowed=allowed,
        details=details,
    )


def _refuse(session: Session, actor: Actor, action: str, broadcast_id: int, reason: str) -> None:
    audit_action(
        session, origin=actor.origin, action=action, broadcast_id=broadcast_id, allowed=False, reason=reason
    )

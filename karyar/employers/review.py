"""Staff review of employers' openings: the pending ones of a reviewer's scope; approve, edit, reject.

Least privilege: a reviewer needs `Permission.REVIEW_OPENINGS` and sees or decides only openings of
employers in their organisations and provinces (empty lists in the registry mean all; an employer that
deals with no organisation is reviewed by staff of any organisation in its province). The operator's
command line (telegram_user_id None) reviews everything. Every decision, and every refusal, is audited.
Refusals are answers, not exceptions, so the audit entry is kept; bad values raise OpeningError.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from karyar import audit
from karyar.alerts.announce import announce
from karyar.audit import Origin
from karyar.clock import now
from karyar.db.models import Employer, EmployerOpening, OpeningStatus
from karyar.employers import publish, values
from karyar.employers.errors import Problem
from karyar.employers.store import views_of
from karyar.employers.views import OpeningView
from karyar.staff.access import active_member, authorise
from karyar.staff.roles import Permission

REASON_LIMIT = 500
LIST_LIMIT = 20


@dataclass(frozen=True, slots=True)
class Reviewer:
    origin: Origin
    staff_id: int | None
    organisations: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()

    def covers(self, employer: Employer) -> bool:
        organisation_ok = (
            not self.organisations
            or employer.organisation is None
            or employer.organisation in self.organisations
        )
        return organisation_ok and (not self.provinces or employer.province in self.provinces)


OPERATOR = Reviewer(origin=audit.OPERATOR, staff_id=None)


@dataclass(frozen=True, slots=True)
class Listing:
    openings: tuple[OpeningView, ...] = ()
    allowed: bool = True
    known_staff: bool = True  # False: not a colleague at all (a client typing the command)


@dataclass(frozen=True, slots=True)
class Outcome:
    opening: OpeningView | None = None
    problem: Problem | None = None

    @property
    def done(self) -> bool:
        return self.problem is None


def listing(
    session: Session,
    *,
    telegram_user_id: int | None,
    status: OpeningStatus | None = OpeningStatus.PENDING,
    limit: int = LIST_LIMIT,
) -> Listing:
    """The openings of the reviewer's scope with this status (None: any), oldest first for pending ones,
    newest first otherwise."""
    if telegram_user_id is not None and active_member(session, telegram_user_id=telegram_user_id) is None:
        return Listing(allowed=False, known_staff=False)
    reviewer = _reviewer(session, telegram_user_id, action="opening.list", target=None)
    if reviewer is None:
        return Listing(allowed=False)
    query = select(EmployerOpening, Employer).join(Employer, Employer.id == EmployerOpening.employer_id)
    if status is not None:
        query = query.where(EmployerOpening.status == status)
    if reviewer.provinces:
        query = query.where(Employer.province.in_(reviewer.provinces))
    order = EmployerOpening.id if status == OpeningStatus.PENDING else EmployerOpening.id.desc()
    # Organisations are checked in Python (None is open to all); the province filter keeps the rows few.
    rows = [(o, e) for o, e in session.execute(query.order_by(order)).tuples() if reviewer.covers(e)]
    return Listing(openings=tuple(views_of(session, rows[:limit])))


def show(
    session: Session, *, opening_id: int, telegram_user_id: int | None, action: str = "opening.show"
) -> Outcome:
    """The opening if the reviewer may see it; `action` names what a refusal is audited as (a press of
    «رد» is checked here before the reason is asked)."""
    found = _in_scope(session, opening_id, telegram_user_id, action=action)
    if isinstance(found, Outcome):
        return found
    opening, employer, _reviewer_found = found
    return Outcome(views_of(session, [(opening, employer)])[0])


def approve(session: Session, *, opening_id: int, telegram_user_id: int | None) -> Outcome:
    """A pending opening enters the catalogue, so search lists it."""
    found = _in_scope(session, opening_id, telegram_user_id, action="opening.approve")
    if isinstance(found, Outcome):
        return found
    opening, employer, reviewer = found
    if opening.status != OpeningStatus.PENDING:
        return Outcome(problem=Problem.NOT_PENDING)
    opening.status = OpeningStatus.APPROVED
    _decided(opening, reviewer)
    job = publish.publish(session, opening, employer)
    announce(session, [job])
    _record(session, reviewer, "opening.approve", opening, {"job_opening": job.code})
    return Outcome(views_of(session, [(opening, employer)])[0])


def reject(session: Session, *, opening_id: int, reason: str, telegram_user_id: int | None) -> Outcome:
    """Not published, with a reason the employer reads; an approved opening leaves the catalogue."""
    cleaned = values.text(reason, limit=REASON_LIMIT, problem=Problem.NO_REASON)
    found = _in_scope(session, opening_id, telegram_user_id, action="opening.reject")
    if isinstance(found, Outcome):
        return found
    opening, employer, reviewer = found
    if not publish.end(session, opening, OpeningStatus.REJECTED):
        return Outcome(problem=Problem.NOT_PENDING)
    _decided(opening, reviewer)
    opening.reject_reason = cleaned
    _record(session, reviewer, "opening.reject", opening, {"reason": cleaned})
    return Outcome(views_of(session, [(opening, employer)])[0])


def mark_filled(session: Session, *, opening_id: int, telegram_user_id: int | None) -> Outcome:
    """Staff heard the opening is taken: it leaves the catalogue."""
    found = _in_scope(session, opening_id, telegram_user_id, action="opening.fill")
    if isinstance(found, Outcome):
        return found
    opening, employer, reviewer = found
    if not publish.end(session, opening, OpeningStatus.FILLED):
        return Outcome(problem=Problem.NOT_PENDING)
    _decided(opening, reviewer)
    _record(session, reviewer, "opening.fill", opening, {})
    return Outcome(views_of(session, [(opening, employer)])[0])


def edit(
    session: Session, *, opening_id: int, changes: dict[str, Any], telegram_user_id: int | None
) -> Outcome:
    """Correct fields of an opening (names in values.OPENING_FIELDS) before or after approval; an approved
    opening's catalogue row follows. Raises OpeningError for a value at fault."""
    checked = values.opening(changes)
    found = _in_scope(session, opening_id, telegram_user_id, action="opening.edit")
    if isinstance(found, Outcome):
        return found
    opening, employer, reviewer = found
    if opening.status not in publish.OPEN:
        return Outcome(problem=Problem.NOT_PENDING)
    values.check_wage(
        checked.get("wage_min_toman", opening.wage_min_toman),
        checked.get("wage_max_toman", opening.wage_max_toman),
    )
    changed = {
        name: {"from": getattr(opening, name), "to": value}
        for name, value in checked.items()
        if getattr(opening, name) != value
    }
    for name, value in checked.items():
        setattr(opening, name, value)
    if changed:
        opening.updated_at = now()
        if opening.status == OpeningStatus.APPROVED:
            publish.publish(session, opening, employer)
        _record(session, reviewer, "opening.edit", opening, {"changes": changed})
    return Outcome(views_of(session, [(opening, employer)])[0])


def _reviewer(
    session: Session, telegram_user_id: int | None, *, action: str, target: str | None
) -> Reviewer | None:
    if telegram_user_id is None:
        return OPERATOR
    member = authorise(
        session,
        telegram_user_id=telegram_user_id,
        permission=Permission.REVIEW_OPENINGS,
        action=action,
        target=target,
    )
    if member is None:
        return None
    return Reviewer(
        origin=Origin(telegram_user_id=member.telegram_user_id, role=member.role),
        staff_id=member.id,
        organisations=tuple(member.organisations),
        provinces=tuple(member.provinces),
    )


def _in_scope(
    session: Session, opening_id: int, telegram_user_id: int | None, *, action: str
) -> tuple[EmployerOpening, Employer, Reviewer] | Outcome:
    target = f"opening:{opening_id}"
    reviewer = _reviewer(session, telegram_user_id, action=action, target=target)
    if reviewer is None:
        return Outcome(problem=Problem.NOT_ALLOWED)
    opening = session.get(EmployerOpening, opening_id)
    employer = session.get(Employer, opening.employer_id) if opening is not None else None
    if opening is None or employer is None:
        return Outcome(problem=Problem.NOT_FOUND)
    if not reviewer.covers(employer):
        # Another organisation's or province's opening: refused, and said no more than "not allowed".
        audit.record_for(
            session,
            origin=reviewer.origin,
            action=action,
            target=target,
            allowed=False,
            details={"outside_scope": {"organisation": employer.organisation, "province": employer.province}},
        )
        return Outcome(problem=Problem.NOT_ALLOWED)
    return opening, employer, reviewer


def _decided(opening: EmployerOpening, reviewer: Reviewer) -> None:
    moment = now()
    opening.decided_by = reviewer.staff_id
    opening.decided_at = moment
    opening.updated_at = moment


def _record(
    session: Session, reviewer: Reviewer, action: str, opening: EmployerOpening, details: dict[str, Any]
) -> None:
    audit.record_for(
        session,
        origin=reviewer.origin,
        action=action,
        target=f"opening:{opening.id}",
        details=details or None,
    )

"""An employer's own decisions on the openings posted from their chat: the people were found, or the
opening is taken back. Only the chat that registered the business may decide, checked in the same unit of
work that ends the opening; each decision, and each refused attempt, is audited with the employer as actor.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from karyar import audit
from karyar.audit import Origin
from karyar.db.models import Employer, EmployerOpening, OpeningStatus
from karyar.employers import publish
from karyar.employers.errors import Problem
from karyar.employers.review import Outcome
from karyar.employers.store import views_of

ROLE = "employer"  # the actor's role in the audit log
# What an employer may end an opening as, and the audited action of each.
ENDINGS: dict[OpeningStatus, str] = {
    OpeningStatus.FILLED: "opening.fill",
    OpeningStatus.WITHDRAWN: "opening.withdraw",
}


def show(session: Session, *, telegram_user_id: int, opening_id: int) -> Outcome:
    """The employer's own opening, to confirm an ending: NOT_PENDING (with the opening) if it has ended
    already, NOT_FOUND if it is not theirs."""
    found = _owned(session, telegram_user_id, opening_id, action="opening.show")
    if found is None:
        return Outcome(problem=Problem.NOT_FOUND)
    opening, employer = found
    shown = views_of(session, [(opening, employer)])[0]
    return Outcome(shown) if opening.status in publish.OPEN else Outcome(shown, Problem.NOT_PENDING)


def end(session: Session, *, telegram_user_id: int, opening_id: int, status: OpeningStatus) -> Outcome:
    """Mark the employer's own opening filled or withdrawn: it leaves search and alerts at once. A second
    press finds it ended (NOT_PENDING); another's opening is NOT_FOUND, as if it did not exist."""
    action = ENDINGS[status]
    found = _owned(session, telegram_user_id, opening_id, action=action)
    if found is None:
        return Outcome(problem=Problem.NOT_FOUND)
    opening, employer = found
    ended = publish.end(session, opening, status)
    shown = views_of(session, [(opening, employer)])[0]
    if not ended:
        return Outcome(shown, Problem.NOT_PENDING)
    _record(session, telegram_user_id, action, opening_id)
    return Outcome(shown)


def _owned(
    session: Session, telegram_user_id: int, opening_id: int, *, action: str
) -> tuple[EmployerOpening, Employer] | None:
    opening = session.get(EmployerOpening, opening_id)
    employer = session.get(Employer, opening.employer_id) if opening is not None else None
    if opening is None or employer is None:
        return None
    if employer.telegram_user_id != telegram_user_id:
        _record(session, telegram_user_id, action, opening_id, allowed=False)
        return None
    return opening, employer


def _record(
    session: Session, telegram_user_id: int, action: str, opening_id: int, *, allowed: bool = True
) -> None:
    audit.record_for(
        session,
        origin=Origin(telegram_user_id=telegram_user_id, role=ROLE),
        action=action,
        target=f"opening:{opening_id}",
        allowed=allowed,
    )

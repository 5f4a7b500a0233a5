"""Approved openings in the catalogue search and import use (job_openings); ended ones (rejected, filled,
withdrawn) out, with their alerts not yet delivered.

The catalogue row's code is `EMP-<opening id>`. The employer's contact never goes there: clients show
interest through Karyar, and the office puts the two sides in touch.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from karyar.alerts.recall import recall
from karyar.catalogue.importer import POSTED_CODE_PREFIX
from karyar.clock import now
from karyar.db.models import (
    CatalogueMode,
    Employer,
    EmployerOpening,
    EmploymentType,
    JobOpening,
    OpeningStatus,
)
from karyar.texts import _
from persian.format import LIST_SEPARATOR, format_number, toman
from persian.text import search_key

# An opening in one of these may still be decided on, corrected or ended; the others are over.
OPEN = (OpeningStatus.PENDING, OpeningStatus.APPROVED)


def catalogue_code(opening: EmployerOpening) -> str:
    return f"{POSTED_CODE_PREFIX}{opening.id}"


def publish(session: Session, opening: EmployerOpening, employer: Employer) -> JobOpening:
    """The opening's catalogue row, made or brought up to date, and listed."""
    moment = now()
    values = _catalogue_values(opening, employer)
    job = session.get(JobOpening, opening.job_opening_id) if opening.job_opening_id else None
    if job is None:
        job = JobOpening(code=catalogue_code(opening), created_at=moment, **values)
        session.add(job)
        session.flush()
        opening.job_opening_id = job.id
    else:
        for name, value in values.items():
            setattr(job, name, value)
    job.updated_at = moment
    session.flush()
    return job


def end(session: Session, opening: EmployerOpening, status: OpeningStatus) -> bool:
    """The one way an opening ends, whoever ends it (staff rejecting or marking it filled, its employer):
    only an open one can, and it leaves search and alerts at once. False if it had ended already."""
    # Read again under a row lock: of two enders at the same moment (staff and the employer, or a double
    # press), the second waits and then finds it ended.
    session.refresh(opening, with_for_update=True)
    if opening.status not in OPEN:
        return False
    opening.status = status
    opening.updated_at = now()
    _withdraw(session, opening)
    return True


def _withdraw(session: Session, opening: EmployerOpening) -> None:
    """Out of search, and its alerts not yet delivered cancelled; the row stays, since clients' interests
    point at it."""
    job = session.get(JobOpening, opening.job_opening_id) if opening.job_opening_id else None
    if job is not None and job.active:
        job.active = False
        job.updated_at = now()
        recall(session, item_kind="job", item_id=job.id)
        session.flush()


def _catalogue_values(opening: EmployerOpening, employer: Employer) -> dict[str, object]:
    return {
        "title": opening.title,
        "title_key": search_key(opening.title),
        "field": opening.field,
        "field_key": search_key(opening.field),
        "employer": employer.business_name,
        "province": employer.province,
        "city": employer.city,
        "mode": CatalogueMode.IN_PERSON,
        "employment_type": EmploymentType.HOME_BASED if opening.home_based else opening.hours,
        "gender": opening.gender,
        "min_age": opening.min_age,
        "max_age": None,
        "target_groups": [],  # suiting people with a disability is said, not a limit on who may apply
        "organisations": [employer.organisation] if employer.organisation else [],
        "requirements": _requirements(opening),
        "contact": None,
        "wage_toman": opening.wage_min_toman,
        "wage_text": wage_text(opening),
        "closes_at": None,
        "active": True,
    }


def wage_text(opening: EmployerOpening) -> str:
    """«تا ۲۲٬۰۰۰٬۰۰۰ تومان، با بیمه»: what the catalogue card adds to the lowest wage."""
    parts = []
    if opening.wage_max_toman is not None and opening.wage_max_toman != opening.wage_min_toman:
        parts.append(_("Employer opening: wage up to").format(wage=toman(opening.wage_max_toman)))
    parts.append(_("Employer opening: insured") if opening.insured else _("Employer opening: not insured"))
    return LIST_SEPARATOR.join(parts)


def _requirements(opening: EmployerOpening) -> str | None:
    lines = [_("Employer opening: positions").format(count=format_number(opening.positions))]
    if opening.suits_disability:
        lines.append(_("Employer opening: suits disability"))
    if opening.requirements:
        lines.append(opening.requirements)
    return LIST_SEPARATOR.join(lines)

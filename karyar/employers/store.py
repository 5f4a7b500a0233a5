"""Employers and their openings: registering, posting, and how each opening is doing.

This is what the employer's conversation calls. A new opening waits for staff review (karyar.employers
.review); the employer's contact is stored encrypted (karyar.identity.cipher) with a mask for staff lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from karyar.clock import now
from karyar.db.models import Employer, EmployerOpening, EmploymentType, OpeningStatus, SuitableGender
from karyar.employers import publish, values
from karyar.employers.errors import OpeningError, Problem
from karyar.employers.interest import interest_in_jobs
from karyar.employers.views import OpeningView, view
from karyar.identity.cipher import DataCipher, UnreadableValueError
from karyar.identity.identifiers import IdentifierKind, mask
from karyar.identity.store import RotationReport

# A change of employer details leaves a value alone when it is not given.
_KEEP: Any = object()


def register_employer(
    session: Session,
    *,
    cipher: DataCipher,
    business_name: str,
    province: str | None,
    city: str | None = None,
    organisation: str | None = None,
    sector: str | None = None,
    contact: str | None = None,
    telegram_user_id: int | None = None,
) -> Employer:
    """A new employer; raises OpeningError naming the first detail at fault (nothing is stored then)."""
    employer = Employer(telegram_user_id=telegram_user_id, created_at=now())
    _apply(employer, cipher, business_name, province, city, organisation, sector, contact)
    session.add(employer)
    session.flush()
    return employer


def update_employer(
    session: Session,
    *,
    cipher: DataCipher,
    employer_id: int,
    business_name: str = _KEEP,
    province: str | None = _KEEP,
    city: str | None = _KEEP,
    organisation: str | None = _KEEP,
    sector: str | None = _KEEP,
    contact: str | None = _KEEP,
) -> Employer:
    """Correct the details given and keep the rest; a new city alone brings its province, and a new
    province alone drops the old city."""
    employer = _employer(session, employer_id)
    if province is not _KEEP and city is _KEEP:
        city = None
    if city is not _KEEP and province is _KEEP:
        province = None
    current_contact = decrypted_contact(employer, cipher)
    _apply(
        employer,
        cipher,
        employer.business_name if business_name is _KEEP else business_name,
        employer.province if province is _KEEP else province,
        employer.city if city is _KEEP else city,
        employer.organisation if organisation is _KEEP else organisation,
        employer.sector if sector is _KEEP else sector,
        current_contact if contact is _KEEP else contact,
    )
    approved = session.scalars(
        select(EmployerOpening).where(
            EmployerOpening.employer_id == employer_id, EmployerOpening.status == OpeningStatus.APPROVED
        )
    )
    for opening in approved:  # the catalogue shows the corrected name and place
        publish.publish(session, opening, employer)
    session.flush()
    return employer


def employer_of_user(session: Session, *, telegram_user_id: int) -> Employer | None:
    """The employer registered from this chat (the latest, if several)."""
    return session.scalar(
        select(Employer)
        .where(Employer.telegram_user_id == telegram_user_id)
        .order_by(Employer.id.desc())
        .limit(1)
    )


def decrypted_contact(employer: Employer, cipher: DataCipher) -> str | None:
    return cipher.decrypt(employer.contact_ciphertext) if employer.contact_ciphertext else None


def add_opening(
    session: Session,
    *,
    employer_id: int,
    title: str,
    field: str,
    positions: int = 1,
    hours: str = EmploymentType.FULL_TIME,
    wage_min_toman: int | None = None,
    wage_max_toman: int | None = None,
    insured: bool = False,
    requirements: str | None = None,
    suits_disability: bool = False,
    home_based: bool = False,
    gender: str = SuitableGender.ANY,
    min_age: int | None = None,
) -> EmployerOpening:
    """A new opening, pending staff review. Hours are full_time, part_time or seasonal (or their Persian
    names); the field is one of karyar/reference/fields.yml (a variant is enough)."""
    _employer(session, employer_id)
    checked = values.opening(
        {
            "title": title,
            "field": field,
            "positions": positions,
            "hours": hours,
            "wage_min_toman": wage_min_toman,
            "wage_max_toman": wage_max_toman,
            "insured": insured,
            "requirements": requirements,
            "suits_disability": suits_disability,
            "home_based": home_based,
            "gender": gender,
            "min_age": min_age,
        }
    )
    values.check_wage(checked["wage_min_toman"], checked["wage_max_toman"])
    moment = now()
    opening = EmployerOpening(
        employer_id=employer_id, status=OpeningStatus.PENDING, created_at=moment, updated_at=moment, **checked
    )
    session.add(opening)
    session.flush()
    return opening


@dataclass(frozen=True, slots=True)
class OpeningState:
    """What the employer is told of an opening."""

    id: int
    title: str
    status: str
    reject_reason: str | None
    interested: int
    first_interest_at: datetime | None


def opening_states(session: Session, *, employer_id: int) -> list[OpeningState]:
    """Each of the employer's openings, oldest first, with how many clients showed interest."""
    return [
        OpeningState(v.id, v.title, v.status, v.reject_reason, v.interested, v.first_interest_at)
        for v in openings_of(session, employer_id=employer_id)
    ]


def openings_of(session: Session, *, employer_id: int) -> list[OpeningView]:
    employer = _employer(session, employer_id)
    rows = session.scalars(
        select(EmployerOpening).where(EmployerOpening.employer_id == employer_id).order_by(EmployerOpening.id)
    ).all()
    return views_of(session, [(row, employer) for row in rows])


def views_of(session: Session, rows: Sequence[tuple[EmployerOpening, Employer]]) -> list[OpeningView]:
    """Views with interest counts; the time of the first interest is kept on the opening once known."""
    interest = interest_in_jobs(session, [o.job_opening_id for o, _ in rows if o.job_opening_id is not None])
    found = []
    for opening, employer in rows:
        shown = interest.get(opening.job_opening_id) if opening.job_opening_id is not None else None
        if shown is not None and opening.first_interest_at is None:
            opening.first_interest_at = shown.first_at
        found.append(view(opening, employer, interested=shown.clients if shown else 0))
    session.flush()
    return found


def rotate_contacts(session: Session, *, cipher: DataCipher) -> RotationReport:
    """Re-encrypt every employer's contact with the newest key (as `keys rotate` does for clients); the ids
    of contacts no configured key reads are reported, not lost."""
    rotated, unreadable = 0, []
    for employer in session.scalars(select(Employer).where(Employer.contact_ciphertext.is_not(None))):
        try:
            employer.contact_ciphertext = cipher.rotate(employer.contact_ciphertext or "")
            rotated += 1
        except UnreadableValueError:
            unreadable.append(employer.id)
    session.flush()
    return RotationReport(rotated, unreadable)


def _employer(session: Session, employer_id: int) -> Employer:
    employer = session.get(Employer, employer_id)
    if employer is None:
        raise OpeningError(Problem.UNKNOWN_EMPLOYER, f"no employer {employer_id}", value=str(employer_id))
    return employer


def _apply(
    employer: Employer,
    cipher: DataCipher,
    business_name: str,
    province: str | None,
    city: str | None,
    organisation: str | None,
    sector: str | None,
    contact: str | None,
) -> None:
    name = values.text(business_name, limit=values.NAME_LIMIT, problem=Problem.BAD_NAME)
    found_province, found_city = values.place(province, city)
    phone = values.contact(contact)
    employer.business_name = name or ""
    employer.organisation = values.organisation(organisation)
    employer.province, employer.city = found_province, found_city
    employer.sector = values.text(sector, limit=values.SECTOR_LIMIT, problem=Problem.BAD_NAME, required=False)
    employer.contact_ciphertext = cipher.encrypt(phone) if phone else None
    employer.contact_masked = mask(IdentifierKind.PHONE, phone) if phone else None
    employer.updated_at = now()

"""An opening as its readers see it, detached from the session: staff screens, the CLI, the employer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from karyar.db.models import Employer, EmployerOpening


@dataclass(frozen=True, slots=True)
class OpeningView:
    id: int
    status: str
    title: str
    field: str
    positions: int
    hours: str
    wage_min_toman: int | None
    wage_max_toman: int | None
    insured: bool
    requirements: str | None
    suits_disability: bool
    home_based: bool
    gender: str
    min_age: int | None
    reject_reason: str | None
    decided_at: datetime | None
    created_at: datetime
    first_interest_at: datetime | None
    job_opening_id: int | None
    employer_id: int
    business_name: str
    organisation: str | None
    province: str
    city: str | None
    sector: str | None
    contact_masked: str | None  # staff see the mask only; the number is decrypted where it is needed
    interested: int  # clients who showed interest since it was published


def view(opening: EmployerOpening, employer: Employer, *, interested: int = 0) -> OpeningView:
    return OpeningView(
        id=opening.id,
        status=opening.status,
        title=opening.title,
        field=opening.field,
        positions=opening.positions,
        hours=opening.hours,
        wage_min_toman=opening.wage_min_toman,
        wage_max_toman=opening.wage_max_toman,
        insured=opening.insured,
        requirements=opening.requirements,
        suits_disability=opening.suits_disability,
        home_based=opening.home_based,
        gender=opening.gender,
        min_age=opening.min_age,
        reject_reason=opening.reject_reason,
        decided_at=opening.decided_at,
        created_at=opening.created_at,
        first_interest_at=opening.first_interest_at,
        job_opening_id=opening.job_opening_id,
        employer_id=employer.id,
        business_name=employer.business_name,
        organisation=employer.organisation,
        province=employer.province,
        city=employer.city,
        sector=employer.sector,
        contact_masked=employer.contact_masked,
        interested=interested,
    )

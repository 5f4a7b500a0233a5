"""The employer side of a report: of the openings employers posted in the period, how many staff approved,
rejected or saw filled, how many still wait, and how long the first interested client took to appear.

Counted by the period the opening was posted in (a cohort), so a later decision moves a figure of the
period it belongs to rather than adding one to today's. An opening is in a scope when its employer's
organisation (or none) and province are.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from karyar.db.models import Employer, EmployerOpening
from karyar.employers.interest import interest_in_jobs
from karyar.reports.activity import between
from karyar.reports.periods import Period
from karyar.reports.scope import Scope

_DAY_SECONDS = 86_400


@dataclass(frozen=True)
class EmployerFigures:
    posted: int
    by_status: dict[str, int]  # an OpeningStatus -> openings posted in the period now in it
    with_interest: int  # published openings at least one client said «علاقه‌مندم» to
    median_days_to_first_interest: float | None  # from posting


def employer_figures(session: Session, *, period: Period, scope: Scope) -> EmployerFigures:
    statement = (
        select(EmployerOpening.status, EmployerOpening.created_at, EmployerOpening.job_opening_id)
        .join(Employer, Employer.id == EmployerOpening.employer_id)
        .where(between(EmployerOpening.created_at, period.start, period.end))
    )
    if scope.organisations:
        statement = statement.where(
            or_(Employer.organisation.in_(scope.organisations), Employer.organisation.is_(None))
        )
    if scope.provinces:
        statement = statement.where(Employer.province.in_(scope.provinces))
    rows = session.execute(statement).all()
    interests = interest_in_jobs(session, [job for _, _, job in rows if job is not None])
    waits = [
        (first - posted).total_seconds() / _DAY_SECONDS
        for _, posted, job in rows
        if job is not None and (first := interests[job].first_at if job in interests else None) is not None
    ]
    return EmployerFigures(
        posted=len(rows),
        by_status=dict(Counter(status for status, _, _ in rows)),
        with_interest=len(waits),
        median_days_to_first_interest=round(statistics.median(waits), 1) if waits else None,
    )

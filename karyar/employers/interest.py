"""How many clients showed interest in published openings («علاقه‌مندم» on the catalogue's job card)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from karyar.db.models import Case, CaseEvent, CaseEventKind


@dataclass(frozen=True, slots=True)
class Interest:
    clients: int
    first_at: datetime | None


def interest_in_jobs(session: Session, job_ids: Collection[int]) -> dict[int, Interest]:
    """By catalogue job id: the number of clients interested and when the first of them said so."""
    if not job_ids:
        return {}
    item_id = CaseEvent.data["item_id"].as_integer()
    rows = session.execute(
        select(item_id, func.count(func.distinct(Case.client_id)), func.min(CaseEvent.created_at))
        .join(Case, Case.id == CaseEvent.case_id)
        .where(
            CaseEvent.kind == CaseEventKind.INTEREST,
            CaseEvent.data["kind"].as_string() == "job",
            item_id.in_(list(job_ids)),
        )
        .group_by(item_id)
    )
    return {int(job_id): Interest(int(clients), first) for job_id, clients, first in rows}

"""The database of local mode: migrated, with the sample catalogue and the demo's colleagues.

It lives in local mode's own state directory and is never DATABASE_URL, so nothing of the demo can reach
a production database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from karyar.catalogue.importer import import_samples
from karyar.db.engine import database_for
from karyar.policies.loader import iran_today
from karyar.staff.registry import add_member, find_member
from ops import migrate
from ops.localmode.personas import STAFF_PERSONAS

# Sample courses start a week from today (one a day after that), so a search always finds open ones.
FIRST_COURSE_IN_DAYS = 7


@dataclass(frozen=True, slots=True)
class SampleSummary:
    database_url: str
    courses_and_jobs: int
    staff_added: int


def database_url_in(state_dir: Path) -> str:
    return f"sqlite:///{(state_dir / 'karyar.sqlite3').resolve()}"


def prepare(state_dir: Path, *, today: date | None = None) -> SampleSummary:
    """Create or update local mode's database; safe to run on every start."""
    state_dir.mkdir(parents=True, exist_ok=True)
    url = database_url_in(state_dir)
    migrate.upgrade(url)
    first_date = (today or iran_today()) + timedelta(days=FIRST_COURSE_IN_DAYS)
    database = database_for(url)
    try:
        with database.unit_of_work() as session:
            reports = import_samples(session, first_date=first_date)
            added = 0
            for member in STAFF_PERSONAS:
                if find_member(session, telegram_user_id=member.persona.user_id) is None:
                    add_member(
                        session,
                        telegram_user_id=member.persona.user_id,
                        name=member.persona.name,
                        role=member.role,
                    )
                    added += 1
    finally:
        database.dispose()
    return SampleSummary(url, sum(r.created + r.updated + r.unchanged for r in reports), added)

"""Who among the people writing to the bot in private is a counsellor, known without waiting on the database.

Client messages must reach the relay in the order they were sent, so the first handler cannot stop to ask
the database. The directory is read from the registry at start, after every change made with /staff,
and on the bot's periodic check, so a colleague added from the command line is recognised within one
check interval (HANDOFF_CHECK_SECONDS).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from karyar.db.engine import Database
from karyar.db.models import StaffMember
from karyar.staff.roles import Permission, may


def _case_workers(session: Session) -> frozenset[int]:
    members = session.scalars(select(StaffMember).where(StaffMember.active.is_(True)))
    return frozenset(m.telegram_user_id for m in members if may(m.role, Permission.HANDLE_CASES))


class StaffDirectory:
    def __init__(self, database: Database) -> None:
        self._db = database
        self._case_workers: frozenset[int] = frozenset()

    def is_case_worker(self, telegram_user_id: int) -> bool:
        return telegram_user_id in self._case_workers

    def learn(self, telegram_user_id: int) -> None:
        """A colleague the registry has just authorised for casework (say, by claiming a case)."""
        self._case_workers = self._case_workers | {telegram_user_id}

    async def refresh(self) -> None:
        self._case_workers = await self._db.run_async(_case_workers)

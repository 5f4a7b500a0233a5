"""Who among the people writing to the bot in private is staff, and what each may do, known without waiting
on the database.

Client messages must reach the relay in the order they were sent, so the first handler cannot stop to ask
the database whether a private message is a counsellor's to their client or «اطلاعیه» from a colleague who
may announce. The directory is read from the registry at start, after every change made with /staff, and on
the bot's periodic check, so a colleague added from the command line is recognised within one check
interval (HANDOFF_CHECK_SECONDS). It only routes: every action is checked against the registry again.
"""

from __future__ import annotations

from karyar.db.engine import Database
from karyar.staff.registry import active_permissions
from karyar.staff.roles import Permission


class StaffDirectory:
    def __init__(self, database: Database) -> None:
        self._db = database
        self._permissions: dict[int, frozenset[Permission]] = {}

    def may(self, telegram_user_id: int, permission: Permission) -> bool:
        return permission in self._permissions.get(telegram_user_id, frozenset())

    def learn(self, telegram_user_id: int, permission: Permission) -> None:
        """A permission the registry has just granted (say, to claim a case): known at once, so the
        colleague's next private message is taken for what it is."""
        known = self._permissions.get(telegram_user_id, frozenset())
        self._permissions = {**self._permissions, telegram_user_id: known | {permission}}

    async def refresh(self) -> None:
        self._permissions = await self._db.run_async(active_permissions)

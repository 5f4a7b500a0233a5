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
        # What was learned while the registry was being read (by one refresh or more at once).
        self._reading = 0
        self._learned_while_reading: dict[int, frozenset[Permission]] = {}

    def may(self, telegram_user_id: int, permission: Permission) -> bool:
        return permission in self._permissions.get(telegram_user_id, frozenset())

    def learn(self, telegram_user_id: int, permission: Permission) -> None:
        """A permission the registry has just granted (say, to claim a case): known at once, so the
        colleague's next private message is taken for what it is."""
        known = self._permissions.get(telegram_user_id, frozenset())
        self._permissions = {**self._permissions, telegram_user_id: known | {permission}}
        if self._reading:
            learned = self._learned_while_reading.get(telegram_user_id, frozenset())
            self._learned_while_reading[telegram_user_id] = learned | {permission}

    async def refresh(self) -> None:
        """Read the registry again; what was learned while it was being read is kept (the read may predate
        the grant)."""
        self._reading += 1
        try:
            fresh = await self._db.run_async(active_permissions)
        finally:
            self._reading -= 1
        for telegram_user_id, permissions in self._learned_while_reading.items():
            fresh[telegram_user_id] = fresh.get(telegram_user_id, frozenset()) | permissions
        if not self._reading:
            self._learned_while_reading = {}
        self._permissions = fresh

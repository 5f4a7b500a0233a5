"""The staff directory routes a colleague's private messages without waiting on the database: what it learns
at once (a claim, a transfer) must survive a refresh whose reading of the registry began before."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from bot.staff_directory import StaffDirectory
from karyar.db.engine import Database
from karyar.staff import registry
from karyar.staff.roles import Permission

COLLEAGUE = 8_300_000_001


class _HeldRead(Database):
    """The case database, whose reads wait until the test lets them go (a registry read that takes a while)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.reading = threading.Event()
        self.go_on = threading.Event()

    def run(self, work: Any, /, *args: Any, **kwargs: Any) -> Any:
        self.reading.set()
        assert self.go_on.wait(timeout=10)
        return super().run(work, *args, **kwargs)


async def test_a_permission_learned_during_a_refresh_is_kept(db: Database) -> None:
    held = _HeldRead(db.url)
    try:
        directory = StaffDirectory(held)
        refreshing = asyncio.create_task(directory.refresh())
        assert await asyncio.to_thread(held.reading.wait, 10)
        # Granted and learned while the registry read is under way (it will not see the grant).
        directory.learn(COLLEAGUE, Permission.HANDLE_CASES)
        held.go_on.set()
        await refreshing
        assert directory.may(COLLEAGUE, Permission.HANDLE_CASES)
        await directory.refresh()  # a later read that sees no such colleague in the registry drops it
        assert not directory.may(COLLEAGUE, Permission.HANDLE_CASES)
    finally:
        held.dispose()


async def test_a_refresh_knows_colleagues_added_to_the_registry(db: Database) -> None:
    with db.unit_of_work() as session:
        registry.add_member(
            session, telegram_user_id=COLLEAGUE, name="بهاره", role="counsellor", provinces=["یزد"]
        )
    directory = StaffDirectory(db)
    assert not directory.may(COLLEAGUE, Permission.HANDLE_CASES)
    await directory.refresh()
    assert directory.may(COLLEAGUE, Permission.HANDLE_CASES)

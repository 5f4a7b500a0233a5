"""The update processor marks an update processed when its handlers are done, except when the database
interrupted them: then the update stays in the inbox and is handled again."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Bot, Update

from bot.polling import InboxUpdateProcessor
from karyar import inbox
from karyar.db.engine import Database
from tests.support.stack import BOT_TOKEN

BOT_ID = int(BOT_TOKEN.split(":")[0])


def _update(update_id: int) -> Update:
    update = Update.de_json({"update_id": update_id}, Bot(BOT_TOKEN))
    assert update is not None
    return update


async def _handled(processor: InboxUpdateProcessor, update: Update, fail_on_database: bool = False) -> None:
    async def handlers() -> Any:
        if fail_on_database:
            processor.failed_on_database.add(update.update_id)  # as the error handler does

    await processor.do_process_update(update, handlers())


async def test_handled_updates_are_marked_and_database_failures_stay_for_a_retry(db: Database) -> None:
    with db.unit_of_work() as session:
        inbox.store_new(session, bot_id=BOT_ID, updates=[{"update_id": 1}, {"update_id": 2}])
    processor = InboxUpdateProcessor(4, db, bot_id=BOT_ID)
    await _handled(processor, _update(1))
    await _handled(processor, _update(2), fail_on_database=True)
    with db.unit_of_work() as session:
        assert [u["update_id"] for u in inbox.unprocessed(session, bot_id=BOT_ID)] == [2]
    await _handled(processor, _update(2))  # the retry succeeds
    with db.unit_of_work() as session:
        assert inbox.unprocessed(session, bot_id=BOT_ID) == []


async def test_an_update_taken_up_again_while_still_being_handled_is_not_handled_twice(db: Database) -> None:
    processor = InboxUpdateProcessor(4, db, bot_id=BOT_ID)
    started = asyncio.Event()
    release = asyncio.Event()
    runs = 0

    async def slow() -> None:
        nonlocal runs
        runs += 1
        started.set()
        await release.wait()

    first = asyncio.create_task(processor.do_process_update(_update(5), slow()))
    await started.wait()
    await processor.do_process_update(_update(5), slow())
    release.set()
    await first
    assert runs == 1

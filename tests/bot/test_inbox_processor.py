"""The update processor marks an update processed when its handlers are done, except when the database
interrupted them: then the update stays in the inbox and is handled again."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Bot, Update

from bot.polling import InboxUpdateProcessor
from karyar import inbox
from karyar.db.engine import Database
from localapi import LocalBotApi
from tests.support.hostile import send_hostile_corpus
from tests.support.stack import BOT_TOKEN

BOT_ID = int(BOT_TOKEN.split(":")[0])


def _parsed(payload: dict[str, Any]) -> Update:
    update = Update.de_json(payload, Bot(BOT_TOKEN))
    assert update is not None
    return update


def _update(update_id: int) -> Update:
    return _parsed({"update_id": update_id})


def _processor(db: Database) -> InboxUpdateProcessor:
    processor = InboxUpdateProcessor(4, db)
    processor.serve_as(BOT_ID)
    return processor


async def _handled(processor: InboxUpdateProcessor, update: Update, fail_on_database: bool = False) -> None:
    async def handlers() -> Any:
        if fail_on_database:
            processor.handle_again(update)  # as the error handler does

    await processor.do_process_update(update, handlers())


async def test_handled_updates_are_marked_and_database_failures_stay_for_a_retry(db: Database) -> None:
    with db.unit_of_work() as session:
        inbox.store_new(session, bot_id=BOT_ID, updates=[_update(1).to_dict(), _update(2).to_dict()])
    processor = _processor(db)
    await _handled(processor, _update(1))
    await _handled(processor, _update(2), fail_on_database=True)
    with db.unit_of_work() as session:
        assert [u["update_id"] for u in inbox.unprocessed(session, bot_id=BOT_ID)] == [2]
    await _handled(processor, _update(2))  # the retry succeeds
    with db.unit_of_work() as session:
        assert inbox.unprocessed(session, bot_id=BOT_ID) == []


async def test_an_update_taken_up_again_while_still_being_handled_is_not_handled_twice(db: Database) -> None:
    processor = _processor(db)
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


async def test_a_new_update_with_the_id_of_one_in_flight_is_still_handled(db: Database) -> None:
    """The server restarted and reused an id while the old update was still being handled."""
    processor = _processor(db)
    release = asyncio.Event()
    handled: list[str] = []

    def message(update_id: int, text: str) -> Update:
        payload = {
            "update_id": update_id,
            "message": {
                "message_id": 1,
                "date": 1_790_000_000,
                "chat": {"id": 5, "type": "private"},
                "text": text,
            },
        }
        return _parsed(payload)

    async def handle(text: str, wait: bool) -> None:
        if wait:
            await release.wait()
        handled.append(text)

    first = asyncio.create_task(processor.do_process_update(message(3, "قبلی"), handle("قبلی", True)))
    await asyncio.sleep(0)
    await processor.do_process_update(message(3, "تازه"), handle("تازه", False))
    release.set()
    await first
    assert sorted(handled) == ["تازه", "قبلی"]


async def test_stored_updates_keep_their_key_when_replayed() -> None:
    """What the inbox stores and what it replays name the same update, so a replay is marked done: every
    kind of update in the hostile corpus goes through python-telegram-bot's form and back unchanged."""
    api = LocalBotApi()
    send_hostile_corpus(api, first_user=9_300_000_001, count=120)
    payloads = api.world.deliverable_updates(limit=10_000)
    assert len(payloads) >= 100  # unknown kinds are dropped, as Telegram never sends them
    for payload in payloads:
        stored = _parsed(payload).to_dict()
        assert inbox.update_key(_parsed(stored).to_dict()) == inbox.update_key(stored), payload

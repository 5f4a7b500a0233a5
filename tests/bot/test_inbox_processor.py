"""The update processor marks an update processed when its handlers are done, except when the database
interrupted them: then the update stays in the inbox and is handled again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Bot, Update

from bot.polling import InboxUpdateProcessor
from karyar import inbox
from karyar.db.engine import Database
from localapi import LocalBotApi
from tests.support.hostile import send_hostile_corpus

# A server whose bot id (getMe) is not the number in the token, as some Bot-API-compatible servers have.
TOKEN = "bale-style-token:secret"


@pytest.fixture
async def bot() -> AsyncIterator[Bot]:
    api = LocalBotApi(TOKEN)
    await api.start()
    try:
        async with Bot(TOKEN, base_url=api.bot_url, base_file_url=api.file_url) as initialised:
            yield initialised
    finally:
        await api.stop()


def _parsed(payload: dict[str, Any], bot: Bot) -> Update:
    update = Update.de_json(payload, bot)
    assert update is not None
    return update


def _processor(db: Database) -> InboxUpdateProcessor:
    return InboxUpdateProcessor(4, db)


async def _handled(processor: InboxUpdateProcessor, update: Update, fail_on_database: bool = False) -> None:
    async def handlers() -> Any:
        if fail_on_database:
            processor.handle_again(update)  # as the error handler does

    await processor.do_process_update(update, handlers())


async def test_handled_updates_are_marked_and_database_failures_stay_for_a_retry(
    db: Database, bot: Bot
) -> None:
    """Under the bot's id as the server gives it (getMe), the same one the intake stores updates under."""
    one, two = _parsed({"update_id": 1}, bot), _parsed({"update_id": 2}, bot)
    with db.unit_of_work() as session:
        inbox.store_new(session, bot_id=bot.id, updates=[one.to_dict(), two.to_dict()])
    processor = _processor(db)
    await _handled(processor, one)
    await _handled(processor, two, fail_on_database=True)
    with db.unit_of_work() as session:
        assert [u["update_id"] for u in inbox.unprocessed(session, bot_id=bot.id)] == [2]
    await _handled(processor, two)  # the retry succeeds
    with db.unit_of_work() as session:
        assert inbox.unprocessed(session, bot_id=bot.id) == []


async def test_an_update_taken_up_again_while_still_being_handled_is_not_handled_twice(
    db: Database, bot: Bot
) -> None:
    processor = _processor(db)
    started = asyncio.Event()
    release = asyncio.Event()
    runs = 0

    async def slow() -> None:
        nonlocal runs
        runs += 1
        started.set()
        await release.wait()

    first = asyncio.create_task(processor.do_process_update(_parsed({"update_id": 5}, bot), slow()))
    await started.wait()
    await processor.do_process_update(_parsed({"update_id": 5}, bot), slow())
    release.set()
    await first
    assert runs == 1


async def test_a_new_update_with_the_id_of_one_in_flight_is_still_handled(db: Database, bot: Bot) -> None:
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
        return _parsed(payload, bot)

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


async def test_stored_updates_keep_their_key_when_replayed(bot: Bot) -> None:
    """What the inbox stores and what it replays name the same update, so a replay is marked done: every
    kind of update in the hostile corpus goes through python-telegram-bot's form and back unchanged."""
    api = LocalBotApi()
    send_hostile_corpus(api, first_user=9_300_000_001, count=120)
    payloads = api.world.deliverable_updates(limit=10_000)
    assert len(payloads) >= 100  # unknown kinds are dropped, as Telegram never sends them
    for payload in payloads:
        stored = _parsed(payload, bot).to_dict()
        assert inbox.update_key(_parsed(stored, bot).to_dict()) == inbox.update_key(stored), payload

"""Long polling that acknowledges an update only after it is stored, and processes each exactly once.

python-telegram-bot's own polling acknowledges a batch as soon as it asks for the next one, before the
batch has been handled, so a crash in between loses those updates. Here every update is written to the
inbox (karyar/inbox.py) first; Telegram learns it may forget it with the next getUpdates call, and
the inbox is marked when the handlers are done. On start, what was stored but not processed is handled
first, and a redelivered update finds its id taken and is skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, SimpleUpdateProcessor

from karyar import inbox
from karyar.db.engine import Database

logger = logging.getLogger(__name__)

POLL_TIMEOUT_SECONDS = 10
_MAX_PAUSE_SECONDS = 30.0


class InboxUpdateProcessor(SimpleUpdateProcessor):
    """Runs the handlers of an update side by side with others, then marks it processed in the inbox."""

    def __init__(self, max_concurrent_updates: int, database: Database) -> None:
        super().__init__(max_concurrent_updates)
        self._db = database

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await coroutine
        finally:
            # Also after a handler failed: the error handler has answered, and a retry would fail again.
            if isinstance(update, Update):
                bot_id = update.get_bot().id
                await self._db.run_async(inbox.mark_processed, bot_id=bot_id, update_id=update.update_id)


class InboxPoller:
    def __init__(self, application: Application, database: Database) -> None:
        self._app = application
        self._db = database
        self._stopping = asyncio.Event()

    async def replay_unprocessed(self) -> int:
        waiting = await self._db.run_async(inbox.unprocessed, bot_id=self._app.bot.id)
        for payload in waiting:
            await self._app.update_queue.put(Update.de_json(payload, self._app.bot))
        if waiting:
            logger.info("handling %d update(s) stored before the last stop", len(waiting))
        return len(waiting)

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        offset: int | None = None  # None: Telegram sends every update not yet acknowledged
        pause = 1.0
        while not self._stopping.is_set():
            try:
                updates = await self._fetch(offset)
            except asyncio.CancelledError:
                return  # stopping; what was in flight is redelivered on the next start
            except RetryAfter as error:
                await self._sleep(
                    float(error.retry_after if isinstance(error.retry_after, int | float) else 5)
                )
                continue
            except InvalidToken:
                logger.critical("Telegram refused the bot token; polling stops")
                raise
            except Conflict as error:
                logger.error("another process is polling with this bot token (%s); retrying", error.message)
                await self._sleep(pause)
                pause = min(pause * 2, _MAX_PAUSE_SECONDS)
                continue
            except (NetworkError, TelegramError) as error:
                logger.warning("getUpdates failed (%s); retrying in %.0f s", error, pause)
                await self._sleep(pause)
                pause = min(pause * 2, _MAX_PAUSE_SECONDS)
                continue
            pause = 1.0
            if not updates:
                continue
            fresh = await self._db.run_async(
                inbox.store_new, bot_id=self._app.bot.id, updates=[u.to_dict() for u in updates]
            )
            fresh_ids = {int(u["update_id"]) for u in fresh}
            for update in updates:
                if update.update_id in fresh_ids:
                    await self._app.update_queue.put(update)
            offset = updates[-1].update_id + 1  # acknowledged with the next call, now that they are stored

    async def _fetch(self, offset: int | None) -> tuple[Update, ...]:
        """One long poll, cut short when the bot is asked to stop."""
        fetch = asyncio.ensure_future(
            self._app.bot.get_updates(
                offset=offset, timeout=POLL_TIMEOUT_SECONDS, allowed_updates=Update.ALL_TYPES
            )
        )
        stopping = asyncio.ensure_future(self._stopping.wait())
        await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not fetch.done():
            fetch.cancel()
            raise asyncio.CancelledError
        return fetch.result()

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)


async def serve(application: Application, database: Database) -> None:
    """Run the application with the inbox poller until SIGINT or SIGTERM."""
    poller = InboxPoller(application, database)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, poller.stop)
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        await poller.replay_unprocessed()
        await poller.run()
    finally:
        if application.running:
            await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)

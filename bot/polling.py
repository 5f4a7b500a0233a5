"""Long polling that acknowledges an update only after it is stored, and processes each exactly once.

python-telegram-bot's own polling acknowledges a batch as soon as it asks for the next one, before the
batch has been handled, so a crash in between loses those updates. Here every update is written to the
inbox (karyar/inbox.py) first; Telegram learns it may forget it with the next getUpdates call, and
the inbox is marked when the handlers are done. On start, what was stored but not processed is handled
first, and a redelivered update finds its key taken and is skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, SimpleUpdateProcessor

from bot.lifecycle import replay_unprocessed, running, stop_on_signals
from bot.update_identity import key_of
from karyar import inbox
from karyar.clock import now
from karyar.db.engine import Database

logger = logging.getLogger(__name__)

POLL_TIMEOUT_SECONDS = 10
# An update still unprocessed this long after it was stored is taken up again (unless being handled).
RETRY_AFTER = timedelta(seconds=20)
_MAX_PAUSE_SECONDS = 30.0


class InboxUpdateProcessor(SimpleUpdateProcessor):
    """Runs the handlers of an update side by side with others, then marks it processed in the inbox.

    An update whose handling failed because the database was unreachable stays unprocessed, and
    `retry_unhandled` takes it up again; any other failure is final (the error handler has answered, and
    the same update would fail the same way).

    Updates are stored under the bot's id as the Bot API server reports it (getMe), never the number in the
    token; the processor reads it from the bot the update came with."""

    def __init__(self, max_concurrent_updates: int, database: Database) -> None:
        super().__init__(max_concurrent_updates)
        self._db = database
        self.in_flight: set[str] = set()  # update keys
        self._failed_on_database: set[str] = set()

    def handle_again(self, update: Update) -> None:
        """Leave the update unprocessed: the database interrupted its handling (said by the error handler)."""
        self._failed_on_database.add(key_of(update))

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update):
            await coroutine
            return
        key = key_of(update)
        if key in self.in_flight:  # taken up again while still being handled
            if inspect.iscoroutine(coroutine):
                coroutine.close()
            return
        self.in_flight.add(key)
        try:
            await coroutine
        finally:
            self.in_flight.discard(key)
            if key in self._failed_on_database:
                self._failed_on_database.discard(key)
            else:
                await self._mark(update, key)

    async def _mark(self, update: Update, key: str) -> None:
        bot_id = update.get_bot().id
        try:
            marked = await self._db.run_async(inbox.mark_processed, bot_id=bot_id, key=key)
        except SQLAlchemyError as error:
            # Handled, but not marked: a retry finds its stored message and does not answer it twice.
            logger.warning(
                "update %s handled but not marked in the inbox: %s", update.update_id, type(error).__name__
            )
            return
        if not marked:
            logger.error(
                "update %s handled but not found in the inbox under bot %s (key %s…); it was not stored "
                "by this bot's intake",
                update.update_id,
                bot_id,
                key[:12],
            )


async def retry_unhandled(application: Application, database: Database) -> int:
    """Queue again the updates stored a while ago and still not processed (the database was away)."""
    processor = application.update_processor
    assert isinstance(processor, InboxUpdateProcessor)
    waiting = await database.run_async(
        inbox.unprocessed, bot_id=application.bot.id, received_before=now() - RETRY_AFTER
    )
    queued = 0
    for payload in waiting:
        update = Update.de_json(payload, application.bot)
        if key_of(update) not in processor.in_flight:
            await application.update_queue.put(update)
            queued += 1
    if queued:
        logger.info("handling again %d update(s) whose handling the database interrupted", queued)
    return queued


class InboxPoller:
    def __init__(self, application: Application, database: Database) -> None:
        self._app = application
        self._db = database
        self._stopping = asyncio.Event()

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
                # The server may come back numbering afresh, and an offset from the old numbering would
                # confirm (and so drop) its new updates. Asking without one may bring back the last batch,
                # which the inbox knows.
                offset = None
                await self._sleep(pause)
                pause = min(pause * 2, _MAX_PAUSE_SECONDS)
                continue
            pause = 1.0
            if not updates:
                # That call acknowledged everything before the offset, so asking without one is the same
                # request to this server, and the right one to a server that restarted numbering afresh.
                offset = None
                continue
            payloads = [u.to_dict() for u in updates]
            try:
                fresh = await self._db.run_async(inbox.store_new, bot_id=self._app.bot.id, updates=payloads)
            except SQLAlchemyError as error:
                # Not stored, so not acknowledged: Telegram sends the same updates again.
                logger.error("updates could not be stored (%s); asking for them again", type(error).__name__)
                await self._sleep(pause)
                pause = min(pause * 2, _MAX_PAUSE_SECONDS)
                continue
            fresh_payloads = {id(payload) for payload in fresh}  # store_new returns the dicts it was given
            for update, payload in zip(updates, payloads, strict=True):
                if id(payload) in fresh_payloads:
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
    stop_on_signals(poller.stop)
    async with running(application):
        await replay_unprocessed(application, database)
        await poller.run()

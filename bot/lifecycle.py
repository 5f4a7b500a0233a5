"""Starting and stopping the application around our own update intake (polling or webhook)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Callable

from telegram import Update
from telegram.ext import Application

from karyar import inbox
from karyar.db.engine import Database

logger = logging.getLogger(__name__)


def stop_on_signals(stop: Callable[[], None]) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop)


@contextlib.asynccontextmanager
async def running(application: Application) -> AsyncIterator[None]:
    """What run_polling and run_webhook do around their intake: initialise, post_init, start, and back."""
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        yield
    finally:
        if application.running:
            await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


async def replay_unprocessed(application: Application, database: Database) -> int:
    """Queue the updates stored but not handled before the last stop, oldest first."""
    waiting = await database.run_async(inbox.unprocessed, bot_id=application.bot.id)
    for payload in waiting:
        await application.update_queue.put(Update.de_json(payload, application.bot))
    if waiting:
        logger.info("handling %d update(s) stored before the last stop", len(waiting))
    return len(waiting)

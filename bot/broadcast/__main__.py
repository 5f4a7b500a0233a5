"""`python -m bot.broadcast`: a broadcast sender on its own, beside the bot or on another machine.

Several can run against one PostgreSQL database: they never take the same delivery row. Each keeps its own
pace, so give each `BROADCAST_RATE_PER_SECOND` = the bot's share divided by the number of senders, and run
the bot with `BROADCAST_SENDER_IN_BOT=false`.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from bot.__main__ import configure_logging
from bot.broadcast.gate import SendGate
from bot.broadcast.runner import start_sender
from karyar.db.engine import Database
from karyar.settings import ConfigurationError, get_settings


async def _serve() -> None:
    settings = get_settings()
    database = Database(settings.DATABASE_URL)
    running = await start_sender(
        database=database, settings=settings, gate=SendGate(settings.BROADCAST_RATE_PER_SECOND)
    )
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, running.stop_requested.set)
    try:
        await running.task
    finally:
        await running.bot.shutdown()
        database.dispose()


def main() -> int:
    try:
        settings = get_settings()
        settings.require_bot_token()
    except ConfigurationError as error:
        print(error, file=sys.stderr)
        return 2
    configure_logging(settings.LOG_LEVEL)
    asyncio.run(_serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Starting and stopping a broadcast sender, inside the bot or as a process of its own."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.broadcast.gate import SendGate
from bot.broadcast.sender import BroadcastSender
from karyar.db.engine import Database
from karyar.settings import Settings

# A little more than the requests in flight: the progress edit and the report share the pool.
_SPARE_CONNECTIONS = 2


def sender_bot(settings: Settings) -> Bot:
    """A Bot of its own: bulk requests wait in their own connection pool, never in the conversations' one."""
    request = HTTPXRequest(
        connection_pool_size=settings.BROADCAST_CONCURRENCY + _SPARE_CONNECTIONS,
        proxy=settings.TELEGRAM_PROXY_URL,
    )
    return Bot(
        settings.require_bot_token(),
        base_url=settings.telegram_base_url,
        base_file_url=settings.telegram_base_file_url,
        request=request,
    )


@dataclass(slots=True)
class RunningSender:
    bot: Bot
    stop_requested: asyncio.Event
    task: asyncio.Task[None]

    async def stop(self) -> None:
        self.stop_requested.set()
        await self.task
        await self.bot.shutdown()


async def start_sender(*, database: Database, settings: Settings, gate: SendGate) -> RunningSender:
    bot = sender_bot(settings)
    await bot.initialize()
    stop_requested = asyncio.Event()
    sender = BroadcastSender(database=database, bot=bot, settings=settings, gate=gate)
    return RunningSender(
        bot, stop_requested, asyncio.create_task(sender.run(stop_requested), name="broadcast-sender")
    )

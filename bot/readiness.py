"""The bot's one line when a message sent now would be answered: «ready: polling Telegram as @name».

It is printed once, on standard output, when the application runs (so updates are being taken in) and Rasa
and the action server answer: Rasa answers only once its model is loaded. `make run` shows it as the last
line of its start; under a service manager it marks the start in the journal.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import Any
from urllib.parse import urlsplit

from telegram.error import TelegramError
from telegram.ext import Application

from bot.rasa_client import RasaClient
from karyar.settings import Settings

logger = logging.getLogger(__name__)

# `make run` (ops/services.py) shows the line that starts with it as the last of its start.
READY_PREFIX = "ready: "
CHECK_SECONDS = 1.0
TELEGRAM_HOST = "api.telegram.org"


def ready_line(settings: Settings, username: str) -> str:
    if settings.webhook_mode:
        return f"{READY_PREFIX}webhook at {settings.TELEGRAM_WEBHOOK_URL} as @{username}"
    base = str(settings.TELEGRAM_API_BASE_URL).rstrip("/")
    server = "Telegram" if urlsplit(base).hostname == TELEGRAM_HOST else f"the Bot API at {base}"
    return f"{READY_PREFIX}polling {server} as @{username}"


async def is_ready(application: Application, rasa: RasaClient, webhook_url: str | None) -> bool:
    if not application.running or not await rasa.healthy():
        return False
    if webhook_url is None:
        return True
    try:  # Telegram sends updates to this bot only once the webhook is registered
        return (await application.bot.get_webhook_info()).url == webhook_url
    except TelegramError:
        return False


async def announce_when_ready(application: Application, rasa: RasaClient, settings: Settings) -> None:
    webhook_url = str(settings.TELEGRAM_WEBHOOK_URL) if settings.webhook_mode else None
    # Polled: Rasa and Telegram have nothing to wait on.
    while True:
        if await is_ready(application, rasa, webhook_url):
            break
        await asyncio.sleep(CHECK_SECONDS)
    print(ready_line(settings, application.bot.username), flush=True)


async def serve_announcing_ready(
    intake: Coroutine[Any, Any, None], application: Application, rasa: RasaClient, settings: Settings
) -> None:
    """Run the intake (polling or webhook) and say the ready line once everything answers."""
    announcer = asyncio.create_task(announce_when_ready(application, rasa, settings))
    announcer.add_done_callback(_log_failure)
    try:
        await intake
    finally:
        announcer.cancel()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await announcer


def _log_failure(task: asyncio.Task[None]) -> None:
    # The line is for people; failing to say it must not stop the bot.
    if not task.cancelled() and (error := task.exception()) is not None:
        logger.warning("the ready line could not be said: %s", error)

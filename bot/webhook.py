"""Webhook mode that answers Telegram only after the update is stored, like the polling loop.

python-telegram-bot's webhook server answers 200 as soon as an update is queued, so a crash before it is
handled loses it (Telegram does not send it again). Here the update is written to the inbox first and
the answer follows; Telegram retries anything not answered with 200. Requests without the secret token
are refused with 403 before anything is read into the database.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from json import JSONDecodeError

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.lifecycle import replay_unprocessed, running, stop_on_signals
from karyar import inbox
from karyar.db.engine import Database

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's updates are small; anything bigger is not from Telegram.
MAX_BODY_BYTES = 1024 * 1024


class WebhookReceiver:
    def __init__(self, application: Application, database: Database, *, secret: str) -> None:
        self._app = application
        self._db = database
        self._secret = secret.encode()

    async def handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            logger.warning("webhook request without the right secret token refused")
            return web.Response(status=403)
        try:
            payload = await request.json()
        except (JSONDecodeError, UnicodeDecodeError):
            return web.Response(status=400, text="not JSON")
        if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
            return web.Response(status=400, text="not an update")
        update = Update.de_json(payload, self._app.bot)
        # Stored in python-telegram-bot's form, as polling stores it, so its key is the one it is marked by.
        fresh = await self._db.run_async(inbox.store_new, bot_id=self._app.bot.id, updates=[update.to_dict()])
        if fresh:
            await self._app.update_queue.put(update)
        return web.Response(status=200)  # stored: Telegram may forget it


async def serve_webhook(
    application: Application,
    database: Database,
    *,
    listen: str,
    port: int,
    url_path: str,
    webhook_url: str,
    secret: str,
) -> None:
    """Run the application behind its own webhook server until SIGINT or SIGTERM."""
    stopping = asyncio.Event()
    stop_on_signals(stopping.set)
    receiver = WebhookReceiver(application, database, secret=secret)
    server = web.Application(client_max_size=MAX_BODY_BYTES)
    server.router.add_post(f"/{url_path.lstrip('/')}", receiver.handle)
    runner = web.AppRunner(server, access_log=None)
    async with running(application):
        await replay_unprocessed(application, database)
        await runner.setup()
        try:
            await web.TCPSite(runner, listen, port).start()
            await application.bot.set_webhook(
                webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
            )
            logger.info("webhook listening on %s:%d", listen, port)
            await stopping.wait()
        finally:
            await runner.cleanup()

"""`/health` and `/metrics` on BOT_HEALTH_LISTEN:BOT_HEALTH_PORT (localhost by default).

`/health` answers 200 when the bot can use the case database (Rasa being down is reported, not fatal:
the bot keeps every message and answers later) and 503 when it cannot.
"""

from __future__ import annotations

import asyncio
import logging
import time

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.observability.metrics import REGISTRY
from bot.rasa_client import RasaClient
from karyar.db.engine import Database
from karyar.observability.queues import database_answers

logger = logging.getLogger(__name__)


class HealthServer:
    def __init__(self, *, database: Database, rasa: RasaClient, listen: str, port: int) -> None:
        self._db = database
        self._rasa = rasa
        self._listen = listen
        self._port = port
        self._started = time.monotonic()
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/health", self._health)
        app.router.add_get("/metrics", self._metrics)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, self._listen, self._port).start()
        except OSError as error:
            # Health checks are for operators; a taken port must not keep clients from being served.
            logger.error(
                "health and metrics endpoint not started: %s:%d is not available (%s); set BOT_HEALTH_PORT",
                self._listen,
                self._port,
                error.strerror,
            )
            await runner.cleanup()
            return
        self._runner = runner
        logger.info("health and metrics on http://%s:%d/health and /metrics", self._listen, self._port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _health(self, _request: web.Request) -> web.Response:
        try:
            database = await self._db.run_async(database_answers)
        except Exception as error:  # any failure of the database is what this endpoint reports
            logger.warning("health check: the case database does not answer: %s", type(error).__name__)
            database = False
        rasa = await self._rasa.healthy()
        body = {
            "status": "ok" if database and rasa else ("degraded" if database else "failing"),
            "database": database,
            "rasa": rasa,
            "uptime_seconds": round(time.monotonic() - self._started, 1),
        }
        return web.json_response(body, status=200 if database else 503)

    async def _metrics(self, _request: web.Request) -> web.Response:
        # The queue gauges query the database: off the event loop.
        payload = await asyncio.to_thread(generate_latest, REGISTRY)
        return web.Response(body=payload, headers={"Content-Type": CONTENT_TYPE_LATEST})

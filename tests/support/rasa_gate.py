"""A switchable gate in front of the real Rasa server, to show what clients see when Rasa fails.

Open: requests pass through unchanged. Closed: every request gets 503, like a Rasa that is down or
restarting. Slow: requests wait before passing, like an overloaded Rasa.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Literal

from aiohttp import ClientSession, ClientTimeout, web

Mode = Literal["open", "closed", "slow"]


class RasaGate:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.mode: Mode = "open"
        self.slow_seconds = 6.0
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="rasa-gate", daemon=True)
        self._runner: web.AppRunner | None = None
        self._http: ClientSession | None = None

    def start(self) -> str:
        self._thread.start()
        self.url = asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self.url

    async def _start(self) -> str:
        self._http = ClientSession(timeout=ClientTimeout(total=120))
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        return f"http://127.0.0.1:{port}"

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        if self.mode == "closed":
            return web.Response(status=503, text="gate closed")
        if self.mode == "slow":
            await asyncio.sleep(self.slow_seconds)
        assert self._http is not None
        async with self._http.request(
            request.method,
            f"{self.upstream}{request.rel_url}",
            data=await request.read(),
            headers={"Content-Type": request.headers.get("Content-Type", "application/json")},
        ) as upstream:
            body = await upstream.read()
            return web.Response(status=upstream.status, body=body, content_type=upstream.content_type)

    def stop(self) -> None:
        async def shutdown() -> None:
            if self._http is not None:
                await self._http.close()
            if self._runner is not None:
                await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

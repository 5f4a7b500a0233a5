"""HTTP front of the local Bot API: routing, parameter decoding, auth, lifecycle.

URL layout, as on api.telegram.org:
  ``/bot<token>/<method>``       Bot API (GET or POST; JSON, urlencoded or multipart)
  ``/file/bot<token>/<path>``    file downloads (getFile's ``file_path``)
  ``/_local/...``                the control API for the user side (see :mod:`localapi.control`)
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from karyar.texts import _
from localapi.control import add_control_routes
from localapi.driver import UserDriver
from localapi.errors import ApiError, bad_request, not_found, unauthorized
from localapi.methods import Context, find_method
from localapi.objects import BotIdentity
from localapi.params import Params, UploadedFile
from localapi.persistence import WorldStore
from localapi.ratelimit import RateLimit, RateLimiter
from localapi.state import World
from localapi.webchat import Persona, add_webchat_routes
from localapi.webhook import deliver_webhooks

log = logging.getLogger(__name__)

DEFAULT_TOKEN = "7000000001:LOCAL-karyar-test-token"
# A polling bot asks at least this often (its long-poll timeout plus slack); quieter means it is gone.
BOT_ONLINE_SECONDS = 30.0
MAX_UPLOAD = 50 * 1024 * 1024  # Telegram's limit for files bots upload
# A kept world is written this long after a change, so a burst of changes (one reply is several calls)
# is written once; a process killed at any moment loses at most this much.
SAVE_DELAY_SECONDS = 0.2
KEEP_SAVED_IDLE_SECONDS = 60.0


def _json_response(body: Any, status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def read_params(request: web.Request) -> Params:
    """Query string plus JSON, urlencoded or multipart body, as Telegram accepts them all."""
    values: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON object") from None
            if not isinstance(body, dict):
                raise bad_request("can't parse JSON object")
            values.update(body)
        else:
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    content = value.file.read()
                    files[key] = UploadedFile(key, value.filename, value.content_type, content)
                else:
                    values[key] = value
    return Params(values, files)


class LocalBotApi(UserDriver):
    """A local Telegram Bot API server for one bot, running on the caller's event loop.

    ``tokens``: the token(s) this bot accepts (all address the same bot; the bot id is the
    numeric part before ':'). ``disabled_methods`` answer 404 like a server that lacks them.
    ``per_chat_rate``/``global_rate`` turn on 429 flood control for sends and edits. ``bot_first_name``
    defaults to the product's name from the catalogue. ``personas`` are the people the chat page can act
    as. With ``state_dir`` the world (users, chats, messages, files, pending updates and every counter) is
    loaded from that directory and written back as it changes, so the server can be restarted without
    its chats or update ids starting over; without it the world lives in memory only.
    """

    def __init__(
        self,
        tokens: str | Iterable[str] = DEFAULT_TOKEN,
        *,
        bot_username: str = "karyar_local_bot",
        bot_first_name: str | None = None,
        disabled_methods: Iterable[str] = (),
        per_chat_rate: RateLimit | None = None,
        global_rate: RateLimit | None = None,
        webhook_retry_delay: float = 1.0,
        personas: Iterable[Persona] = (),
        state_dir: Path | None = None,
    ) -> None:
        self.tokens = [tokens] if isinstance(tokens, str) else list(tokens)
        if not self.tokens:
            raise ValueError("at least one token is needed")
        prefix = self.tokens[0].split(":", 1)[0]
        bot_id = int(prefix) if prefix.isdigit() else 7_000_000_001
        first_name = _("Local API: bot name") if bot_first_name is None else bot_first_name
        self.world = World(BotIdentity(bot_id, first_name, bot_username))
        self.disabled_methods = {name.lower() for name in disabled_methods}
        self.limiter = RateLimiter(per_chat_rate, global_rate)
        self.webhook_retry_delay = webhook_retry_delay
        self.personas = list(personas)
        self.store = WorldStore(state_dir) if state_dir is not None else None
        if self.store is not None:
            self.store.load(self.world)
        self.url: str | None = None
        self.open_event_streams = 0  # chat pages listening to /_local/events right now
        self._ctx = Context(self.world, self.limiter, self.wait_for_change, lambda: self._stopping)
        self._bot_seen_at: float | None = None  # monotonic time of the bot's last request
        self._requests_in_flight = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._saving_task: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def token(self) -> str:
        return self.tokens[0]

    @property
    def bot_url(self) -> str:
        """What to give python-telegram-bot as ``base_url``."""
        return f"{self._require_url()}/bot"

    @property
    def file_url(self) -> str:
        """What to give python-telegram-bot as ``base_file_url``."""
        return f"{self._require_url()}/file/bot"

    @property
    def stopping(self) -> bool:
        return self._stopping

    def bot_online(self) -> bool:
        """Whether a bot is talking to this server: a request in progress (a long poll) or one
        within the last BOT_ONLINE_SECONDS."""
        if self._requests_in_flight > 0:
            return True
        return self._bot_seen_at is not None and time.monotonic() - self._bot_seen_at < BOT_ONLINE_SECONDS

    def _require_url(self) -> str:
        if self.url is None:
            raise RuntimeError("the server is not running")
        return self.url

    # --- configuration at run time ---------------------------------------------------------

    def set_rate_limits(
        self, per_chat: RateLimit | None = None, global_rate: RateLimit | None = None
    ) -> None:
        self.limiter.configure(per_chat, global_rate)

    def disable_methods(self, *names: str) -> None:
        self.disabled_methods.update(name.lower() for name in names)

    def enable_methods(self, *names: str) -> None:
        self.disabled_methods.difference_update(name.lower() for name in names)

    # --- lifecycle -------------------------------------------------------------------------

    def build_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_UPLOAD)
        app.router.add_route("*", r"/bot{token:[^/]+}/{method:[^/]*}", self._handle_bot_api)
        app.router.add_get(r"/file/bot{token:[^/]+}/{path:.+}", self._handle_file)
        add_control_routes(app, self)
        add_webchat_routes(app, self)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on ``host:port`` (0 = any free port); returns the base URL."""
        if self._runner is not None:
            raise RuntimeError("already running")
        self._loop = asyncio.get_running_loop()
        self._changed = asyncio.Event()
        self._stopping = False
        self.world.add_listener(self._on_world_change)
        self._runner = web.AppRunner(self.build_app(), shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        try:
            await site.start()
        except OSError:  # the port is taken: nothing ran, so there is nothing to stop or save
            await self._runner.cleanup()
            self._runner = None
            self.world.remove_listener(self._on_world_change)
            self._loop = None
            raise
        actual_port = self._runner.addresses[0][1]
        self.url = f"http://{host}:{actual_port}"
        self._webhook_task = asyncio.create_task(
            deliver_webhooks(
                self.world, self.wait_for_change, lambda: self._stopping, self.webhook_retry_delay
            )
        )
        if self.store is not None:
            self._saving_task = asyncio.create_task(self._keep_saved(self.store))
        log.info("local Bot API listening on %s", self.url)
        return self.url

    async def stop(self) -> None:
        if self._runner is None:
            return
        self._stopping = True
        self._pulse()  # long polls return [] at once instead of holding shutdown up
        for task in (self._webhook_task, self._saving_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._webhook_task = self._saving_task = None
        await self._runner.cleanup()
        self._runner = None
        if self.store is not None:  # the last changes, made while the server was shutting down
            await asyncio.to_thread(self._save, self.store)
        self.world.remove_listener(self._on_world_change)
        self._loop = None
        self.url = None

    async def __aenter__(self) -> LocalBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _assert_may_block(self) -> None:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            return
        if running is self._loop:
            raise RuntimeError("blocking wait on the server's own loop; use the *_async variant")

    # --- keeping the world on disk ---------------------------------------------------------

    async def _keep_saved(self, store: WorldStore) -> None:
        """Write the world a moment after every burst of changes, for as long as the server runs."""
        saved: int | None = None  # at once: changes made before the server started are not on disk yet
        while not self._stopping:
            if self.world.version == saved:
                await self.wait_for_change(KEEP_SAVED_IDLE_SECONDS)
                continue
            await asyncio.sleep(SAVE_DELAY_SECONDS)
            saved = self.world.version  # read before the snapshot, so a change made meanwhile is saved next
            await asyncio.to_thread(self._save, store)

    def _save(self, store: WorldStore) -> None:
        try:
            store.save(self.world)
        except OSError:  # a full disk must not stop the chat: the next change tries again
            log.exception("could not save the local Bot API's chats in %s", store.directory)

    # --- change notification --------------------------------------------------------------

    def _on_world_change(self) -> None:
        """World listener; runs on any thread, hands the wake-up to the server loop."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._pulse)

    def _pulse(self) -> None:
        # A fresh event per change: everyone waiting on the old one wakes, later waiters wait anew.
        old, self._changed = self._changed, asyncio.Event()
        if old is not None:
            old.set()

    async def wait_for_change(self, seconds: float) -> None:
        """Sleep until the world changes or ``timeout``; callers check their condition first
        and call this without awaiting in between, so no change can slip past."""
        event = self._changed
        if event is None or self._stopping:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)

    async def wait_until_async(
        self,
        predicate: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109 - same signature as the blocking wait_until
    ) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            if loop is self._loop:
                await self.wait_for_change(remaining)
            else:
                await asyncio.sleep(min(remaining, 0.01))
        return True

    # --- handlers --------------------------------------------------------------------------

    async def _handle_bot_api(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        # ok is None while the call is in progress: a waiting long poll is already visible.
        record: dict[str, Any] = {"method": name, "params": {}, "ok": None}
        logged = False
        self._requests_in_flight += 1
        try:
            if request.match_info["token"] not in self.tokens:
                raise unauthorized()
            found = find_method(name)
            if found is None or name.lower() in self.disabled_methods:
                raise not_found()
            record["method"], handler = found
            params = await read_params(request)
            record["params"] = params.as_dict()
            with self.world.mutate() as world:
                world.calls.append(record)
                logged = True
            result = handler(self._ctx, params)
            if inspect.isawaitable(result):
                result = await result
            outcome: dict[str, Any] = {"ok": True}
            response = _json_response({"ok": True, "result": result})
        except ApiError as exc:
            outcome = {"ok": False, "error_code": exc.error_code, "description": exc.description}
            response = _json_response(exc.to_json(), exc.error_code)
        except Exception:
            log.exception("local Bot API failed on %s", name)
            outcome = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
            response = _json_response(outcome, 500)
        finally:
            self._requests_in_flight -= 1
            self._bot_seen_at = time.monotonic()
        with self.world.mutate() as world:
            record.update(outcome)
            if not logged:
                world.calls.append(record)
        return response

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] not in self.tokens:
            return _json_response(unauthorized().to_json(), 401)
        record = self.world.file_by_path(request.match_info["path"])
        if record is None:
            return _json_response(not_found().to_json(), 404)
        return web.Response(body=record.content, content_type=record.mime_type or "application/octet-stream")


class ThreadedLocalBotApi(UserDriver):
    """:class:`LocalBotApi` on its own event loop in a daemon thread, for synchronous code.

    Use as ``with ThreadedLocalBotApi() as api: ...`` (or ``start()``/``stop()``); ``api.url``
    is the server's base URL and every :class:`UserDriver` method is available, blocking waiters
    included.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.server = LocalBotApi(*args, **kwargs)
        self.world = self.server.world
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.server._require_url()

    @property
    def token(self) -> str:
        return self.server.token

    @property
    def bot_url(self) -> str:
        return self.server.bot_url

    @property
    def file_url(self) -> str:
        return self.server.file_url

    def set_rate_limits(
        self, per_chat: RateLimit | None = None, global_rate: RateLimit | None = None
    ) -> None:
        self.server.set_rate_limits(per_chat, global_rate)

    def add_flood_waits(self, chat_ids: list[int], *, retry_after: int = 1, times: int = 1) -> None:
        """The next `times` sends to each chat answer 429 with `retry_after`."""
        self.server.limiter.add_flood_waits(chat_ids, retry_after=retry_after, times=times)

    def disable_methods(self, *names: str) -> None:
        self.server.disable_methods(*names)

    def enable_methods(self, *names: str) -> None:
        self.server.enable_methods(*names)

    def start(self, host: str = "127.0.0.1", port: int = 0, timeout: float = 10.0) -> str:
        if self._thread is not None:
            raise RuntimeError("already running")
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="localapi-server", daemon=True)
        thread.start()
        self._loop, self._thread = loop, thread
        try:
            return asyncio.run_coroutine_threadsafe(self.server.start(host, port), loop).result(timeout)
        except BaseException:
            self.stop()
            raise

    def stop(self, timeout: float = 10.0) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(self.server.stop(), loop).result(timeout)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout)
            loop.close()
            self._loop = self._thread = None

    def restart(self, *, renumber_updates: bool = False, timeout: float = 10.0) -> str:
        """Stop and start again on the same address, keeping the world, as a Bot API server restarts:
        the bot's connections break off and it has to connect again. With ``renumber_updates`` updates
        are numbered from 1 again (pending ones included), as by a server that lost its update counter."""
        address = urlsplit(self.url)
        host, port = address.hostname or "127.0.0.1", address.port or 0
        self.stop(timeout)
        if renumber_updates:
            with self.world.mutate() as world:
                world.renumber_updates()
        return self.start(host, port, timeout)

    def _assert_may_block(self) -> None:
        if self._thread is not None and threading.current_thread() is self._thread:
            raise RuntimeError("blocking wait on the server thread")

    def __enter__(self) -> ThreadedLocalBotApi:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def run_in_thread(
    *args: Any, host: str = "127.0.0.1", port: int = 0, **kwargs: Any
) -> Iterator[ThreadedLocalBotApi]:
    """``with run_in_thread(disabled_methods={"setMyCommands"}) as api: ...`` — started server."""
    api = ThreadedLocalBotApi(*args, **kwargs)
    api.start(host, port)
    try:
        yield api
    finally:
        api.stop()

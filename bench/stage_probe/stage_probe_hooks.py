"""The wrappers behind bench/stage_probe/sitecustomize.py (see there)."""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

_lock = threading.Lock()
_out: Any = None


def record(stage: str, started: float, seconds: float) -> None:
    line = json.dumps({"s": stage, "t": round(started, 6), "ms": round(seconds * 1000, 3)})
    with _lock:
        _out.write(line + "\n")
        _out.flush()


def _timed_async(stage: str | Callable[..., str], function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        wall, started = time.time(), time.perf_counter()
        try:
            return await function(*args, **kwargs)
        finally:
            name = stage(*args, **kwargs) if callable(stage) else stage
            record(name, wall, time.perf_counter() - started)

    return wrapper


def _timed_sync(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        wall, started = time.time(), time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            record(stage, wall, time.perf_counter() - started)

    return wrapper


def _wrap(owner: Any, attribute: str, stage: Any, *, sync: bool = False) -> None:
    original = getattr(owner, attribute, None)
    if original is None or getattr(original, "_probed", False):
        return
    wrapped = (_timed_sync if sync else _timed_async)(stage, original)
    wrapped._probed = True  # type: ignore[attr-defined]
    setattr(owner, attribute, wrapped)


def _sqlalchemy(module: ModuleType) -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        conn.info.setdefault("probe_started", []).append((time.time(), time.perf_counter()))

    def after(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        wall, started = conn.info["probe_started"].pop()
        record("sql", wall, time.perf_counter() - started)

    event.listen(Engine, "before_cursor_execute", before)
    event.listen(Engine, "after_cursor_execute", after)


def _database(module: ModuleType) -> None:
    def stage(self: Any, work: Any, *args: Any, **kwargs: Any) -> str:
        return f"db:{getattr(work, '__name__', 'work')}"

    _wrap(module.Database, "run_async", stage)


def _relay(module: ModuleType) -> None:
    _wrap(module.Relay, "receive", "bot:receive")
    _wrap(module.Relay, "render", "bot:render_and_send")


def _listening(module: ModuleType) -> None:
    _wrap(module.Listener, "before_the_answer", "bot:listener")


def _rasa_client(module: ModuleType) -> None:
    _wrap(module.RasaClient, "send", "bot:rasa_webhook_call")
    _wrap(module.RasaClient, "understanding", "bot:understanding")


def _processor(module: ModuleType) -> None:
    cls = module.MessageProcessor
    _wrap(cls, "handle_message", "rasa:handle_message")
    _wrap(cls, "parse_message", "rasa:nlu_parse")
    _wrap(cls, "fetch_tracker_and_update_session", "rasa:tracker_retrieve")
    _wrap(cls, "save_tracker", "rasa:tracker_save")
    _wrap(cls, "fetch_full_tracker_with_initial_session", "rasa:tracker_endpoint_retrieve")
    _wrap(cls, "predict_next_with_tracker_if_should", "rasa:policies", sync=True)


def _rasa_action(module: ModuleType) -> None:
    def stage(self: Any, *args: Any, **kwargs: Any) -> str:
        return f"rasa:action_call:{self.name()}"

    _wrap(module.RemoteAction, "run", stage)


def _executor(module: ModuleType) -> None:
    def stage(self: Any, action_call: Any, *args: Any, **kwargs: Any) -> str:
        name = action_call.get("next_action") if isinstance(action_call, dict) else None
        return f"actions:run:{name or getattr(action_call, 'action_name', '?')}"

    _wrap(module.ActionExecutor, "run", stage)


def _endpoints(module: ModuleType) -> None:
    _wrap(module.EndpointConfig, "request", "rasa:action_http")


def _action_endpoint(module: ModuleType) -> None:
    """The action server's whole handling of a request, JSON decoding and encoding included."""
    create_app = module.create_app

    def timed_create_app(*args: Any, **kwargs: Any) -> Any:
        app = create_app(*args, **kwargs)

        async def started(request: Any) -> None:
            request.ctx.probe_started = (time.time(), time.perf_counter())

        async def finished(request: Any, response: Any) -> None:
            if request.path == "/webhook" and hasattr(request.ctx, "probe_started"):
                wall, began = request.ctx.probe_started
                record("actions:http_handler", wall, time.perf_counter() - began)

        app.register_middleware(started, "request")
        app.register_middleware(finished, "response")
        return app

    setattr(module, "create_app", timed_create_app)  # noqa: B010 - a module has no typed attribute to assign


HOOKS: dict[str, Callable[[ModuleType], None]] = {
    "rasa.utils.endpoints": _endpoints,
    "rasa_sdk.endpoint": _action_endpoint,
    "sqlalchemy.engine": _sqlalchemy,
    "karyar.db.engine": _database,
    "bot.relay": _relay,
    "bot.listening": _listening,
    "bot.rasa_client": _rasa_client,
    "rasa.core.processor": _processor,
    "rasa.core.actions.action": _rasa_action,
    "rasa_sdk.executor": _executor,
}


class _AfterImport(importlib.abc.MetaPathFinder):
    """Runs a hook once a watched module has been executed."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name not in HOOKS:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        loader = spec.loader
        original = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            original(module)
            HOOKS[name](module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install(directory: str) -> None:
    global _out
    Path(directory).mkdir(parents=True, exist_ok=True)
    _out = (Path(directory) / f"{os.getpid()}.jsonl").open("a", encoding="utf-8")
    sys.meta_path.insert(0, _AfterImport())

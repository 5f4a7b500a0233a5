"""Rasa's calls to the action server reuse their connections.

Rasa 3.6 opens a new HTTP client session, and with it a new TCP connection, for every request to an endpoint:
two or three per message to the action server, each paying for the connection on both sides. Here each
endpoint keeps one session for the life of the process, so connections are kept alive and reused; the
session is configured as Rasa configures its own (headers, authentication, timeout). Idle connections are
dropped after KEEP_IDLE_SECONDS, before the action server (Sanic, five seconds) would close them under a
request. Request bodies (the whole conversation, and the domain) are written with ujson, which Rasa's
environment has, about three times as fast as the standard library. Installed in the Rasa process by the REST channel it loads (ops/rasa_rest_channel.py).
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

import aiohttp
import ujson
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.utils.endpoints import EndpointConfig

KEEP_IDLE_SECONDS = 2.0

_kept: dict[int, aiohttp.ClientSession] = {}


class _Borrowed:
    """`async with endpoint.session() as session` borrows the kept session without closing it."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        return None


def _kept_session(endpoint: EndpointConfig) -> Any:
    session = _kept.get(id(endpoint))
    if session is None or session.closed:
        login = endpoint.basic_auth
        session = aiohttp.ClientSession(  # as EndpointConfig.session makes it
            headers=endpoint.headers,
            auth=aiohttp.BasicAuth(login["username"], login["password"]) if login else None,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            json_serialize=ujson.dumps,
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_IDLE_SECONDS),
        )
        _kept[id(endpoint)] = session
    return _Borrowed(session)


def install() -> None:
    EndpointConfig.session = _kept_session

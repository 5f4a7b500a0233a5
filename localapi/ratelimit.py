"""Flood control like Telegram's: sliding windows per chat and for the whole bot.

Off unless configured. Only accepted sends count, so a bot that backs off on 429 and retries
gets through, as on the real service.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from localapi.errors import too_many_requests


@dataclass(frozen=True)
class RateLimit:
    """At most ``calls`` sends in any ``period`` seconds."""

    calls: int
    period: float


class RateLimiter:
    def __init__(
        self,
        per_chat: RateLimit | None = None,
        global_rate: RateLimit | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_chat = per_chat
        self.global_rate = global_rate
        self._clock = clock
        self._lock = threading.Lock()
        self._chat_calls: dict[int, deque[float]] = {}
        self._global_calls: deque[float] = deque()

    def configure(self, per_chat: RateLimit | None, global_rate: RateLimit | None) -> None:
        with self._lock:
            self.per_chat, self.global_rate = per_chat, global_rate
            self._chat_calls.clear()
            self._global_calls.clear()

    def check(self, chat_id: int) -> None:
        """Record one send to ``chat_id`` or raise 429 with Telegram's retry_after."""
        with self._lock:
            moment = self._clock()
            windows: list[tuple[deque[float], RateLimit]] = []
            if self.global_rate:
                windows.append((self._global_calls, self.global_rate))
            if self.per_chat:
                windows.append((self._chat_calls.setdefault(chat_id, deque()), self.per_chat))
            wait = 0.0
            for calls, limit in windows:
                while calls and calls[0] <= moment - limit.period:
                    calls.popleft()
                if len(calls) >= limit.calls:
                    wait = max(wait, calls[0] + limit.period - moment)
            if wait > 0:
                raise too_many_requests(max(1, math.ceil(wait)))
            for calls, _ in windows:
                calls.append(moment)

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
        # chat id -> [flood waits still to answer, retry_after]: 429s a test asks for, whatever the rate.
        self._flood_waits: dict[int, list[int]] = {}

    def add_flood_waits(self, chat_ids: list[int], *, retry_after: int = 1, times: int = 1) -> None:
        """The next `times` sends to each chat answer 429 with `retry_after`, as Telegram does under load."""
        with self._lock:
            for chat_id in chat_ids:
                self._flood_waits[chat_id] = [times, retry_after]

    def configure(self, per_chat: RateLimit | None, global_rate: RateLimit | None) -> None:
        with self._lock:
            self.per_chat, self.global_rate = per_chat, global_rate
            self._chat_calls.clear()
            self._global_calls.clear()
            self._flood_waits.clear()

    def check(self, chat_id: int) -> None:
        """Record one send to ``chat_id`` or raise 429 with Telegram's retry_after."""
        with self._lock:
            scripted = self._flood_waits.get(chat_id)
            if scripted is not None:
                scripted[0] -= 1
                if scripted[0] <= 0:
                    del self._flood_waits[chat_id]
                raise too_many_requests(scripted[1])
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

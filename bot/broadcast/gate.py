"""The pace of bulk sending: Telegram's limits kept, and conversations served first.

Bulk sends are spaced evenly at `rate` a second, and counted with everything else the bot sent in the
last second, so when clients are talking the broadcast slows down instead of them. No chat gets two
messages within `per_chat_interval`, and after a flood-wait answer (429 retry_after) nothing bulk goes
out until it has passed. Conversations are never held here: their sends are only noted.
"""

from __future__ import annotations

import asyncio
import time
import warnings
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram.error import RetryAfter
from telegram.warnings import PTBDeprecationWarning

WINDOW_SECONDS = 1.0


def flood_wait(error: RetryAfter) -> float:
    """Telegram's retry_after in seconds: an int in python-telegram-bot 22 (with a warning that it becomes a
    timedelta), a timedelta later; both are read."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class SendGate:
    def __init__(
        self,
        rate_per_second: float,
        *,
        per_chat_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.rate = rate_per_second
        self.per_chat_interval = per_chat_interval
        self._clock = clock
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._recent: deque[float] = deque()  # every send in the last WINDOW_SECONDS
        self._last_to_chat: OrderedDict[int, float] = OrderedDict()  # oldest first
        self._next_bulk = 0.0
        self._held_until = 0.0

    @property
    def held_for(self) -> float:
        """Seconds left of the current flood wait (0 when none)."""
        return max(0.0, self._held_until - self._clock())

    def note(self, chat_id: int | None) -> None:
        """A send that did not ask the gate (a reply in a conversation): it counts, it does not wait."""
        moment = self._clock()
        self._recent.append(moment)
        if chat_id is not None:
            self._touch(chat_id, moment)

    def hold(self, retry_after: float) -> None:
        """Telegram asked to wait: no bulk send until then."""
        self._held_until = max(self._held_until, self._clock() + retry_after)

    async def acquire(self, chat_id: int) -> None:
        """Wait until a bulk message may go to `chat_id`, and count it as sent."""
        while True:
            async with self._lock:
                moment = self._clock()
                self._forget(moment)
                wait = self._wait(chat_id, moment)
                if wait <= 0:
                    self._next_bulk = moment + 1.0 / self.rate
                    self._recent.append(moment)
                    self._touch(chat_id, moment)
                    return
            await self._sleep(wait)

    def _wait(self, chat_id: int, moment: float) -> float:
        waits = [self._next_bulk - moment, self._held_until - moment]
        if len(self._recent) >= self.rate:
            waits.append(self._recent[int(len(self._recent) - self.rate)] + WINDOW_SECONDS - moment)
        last = self._last_to_chat.get(chat_id)
        if last is not None:
            waits.append(last + self.per_chat_interval - moment)
        return max(waits)

    def _touch(self, chat_id: int, moment: float) -> None:
        self._last_to_chat[chat_id] = moment
        self._last_to_chat.move_to_end(chat_id)

    def _forget(self, moment: float) -> None:
        while self._recent and self._recent[0] <= moment - WINDOW_SECONDS:
            self._recent.popleft()
        while self._last_to_chat:
            chat_id, last = next(iter(self._last_to_chat.items()))
            if last > moment - self.per_chat_interval:
                break
            del self._last_to_chat[chat_id]

"""The broadcast sender: delivers confirmed announcements from their delivery rows at Telegram's pace.

It keeps nothing in memory that the database does not also hold: it claims a few due rows, sends them
through the gate, and records each outcome at once. Killed at any moment, it (or another sender) goes
on from the rows; at most `BROADCAST_CONCURRENCY` messages were in flight, and only those can reach a
client twice.

What Telegram answers decides what happens to a row:
- sent → SENT with the message id;
- 429 retry_after → the row waits that long without using up an attempt, and all bulk sending holds;
- 403 (blocked, deactivated) → BLOCKED, and the client is marked as having blocked the bot;
- 400 chat not found → CHAT_MISSING, and the client is marked;
- another 400 is about the content, which every recipient would refuse: FAILED, and the broadcast is
  paused with the reason for staff to see;
- network errors, timeouts and server errors → retried with exponential backoff, FAILED after
  `BROADCAST_MAX_ATTEMPTS` with the last reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.broadcast import render
from bot.broadcast.gate import SendGate, flood_wait
from bot.broadcast.progress import progress_keyboard, progress_text, report_text
from karyar.alerts.hours import hold_outside_office_hours
from karyar.broadcast import delivery, report, store
from karyar.broadcast.content import Content
from karyar.broadcast.delivery import Claimed
from karyar.clock import now
from karyar.db.engine import Database
from karyar.settings import Settings
from karyar.texts import _

logger = logging.getLogger(__name__)

# Telegram's answers that mean the chat itself is gone rather than the message being wrong.
_CHAT_MISSING = ("chat not found", "peer_id_invalid", "user not found")
BACKOFF_FIRST_SECONDS = 2.0
BACKOFF_MAX_SECONDS = 300.0
IDLE_SECONDS = 1.0
HOUSEKEEPING_SECONDS = 1.0


def backoff(attempts: int) -> float:
    """2 s, 4 s, 8 s … up to 5 minutes, with jitter so retries of many rows do not arrive together."""
    base = min(BACKOFF_MAX_SECONDS, BACKOFF_FIRST_SECONDS * 2 ** max(0, attempts - 1))
    return base * random.uniform(0.8, 1.2)


@dataclass(slots=True)
class _Announcement:
    content: Content
    buttons: list[dict[str, Any]]


class BroadcastSender:
    def __init__(self, *, database: Database, bot: Bot, settings: Settings, gate: SendGate) -> None:
        self._db = database
        self._bot = bot
        self._gate = gate
        self._concurrency = settings.BROADCAST_CONCURRENCY
        self._max_attempts = settings.BROADCAST_MAX_ATTEMPTS
        self._lease = settings.BROADCAST_LEASE_SECONDS
        self._progress_every = settings.BROADCAST_PROGRESS_SECONDS
        self._announcements: dict[int, _Announcement] = {}
        self._uploads: dict[int, asyncio.Lock] = {}
        self._slots = asyncio.Semaphore(self._concurrency)
        self._in_flight: set[asyncio.Task[None]] = set()
        self._last_housekeeping = 0.0

    async def run(self, stop: asyncio.Event) -> None:
        """Send until `stop` is set, then let the messages in flight finish."""
        logger.info(
            "broadcast sender started: %.1f messages/s, %d in flight at most",
            self._gate.rate,
            self._concurrency,
        )
        while not stop.is_set():
            try:
                await self._housekeeping()
                if self._gate.held_for > 0:
                    claimed = []  # no claims during a flood wait: claimed rows would only sit out their lease
                else:
                    claimed = await self._claim_free_slots()
            except Exception:
                # The database may be restarting; nothing is lost, the rows wait.
                logger.exception(
                    "broadcast sender could not read the delivery rows; retrying in %ss", IDLE_SECONDS
                )
                claimed = []
            if not claimed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), max(IDLE_SECONDS, self._gate.held_for))
                continue
            claimed_at = asyncio.get_running_loop().time()
            for row in claimed:
                task = asyncio.create_task(self._deliver(row, claimed_at))
                self._in_flight.add(task)
                task.add_done_callback(self._in_flight.discard)
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)
        logger.info("broadcast sender stopped")

    async def _claim_free_slots(self) -> list[Claimed]:
        """As many rows as there are free slots, each slot then held by its row until it is recorded.

        Claiming no more than can be sent at once keeps every claimed row in flight: the rows a crash
        leaves claimed are the only ones that may have reached the client unrecorded.
        """
        await self._slots.acquire()
        taken = 1
        while taken < self._concurrency and not self._slots.locked():
            await self._slots.acquire()
            taken += 1
        claimed: list[Claimed] = []
        try:
            claimed = await self._claim(taken)
        finally:
            for _unused in range(taken - len(claimed)):
                self._slots.release()
        return claimed

    async def _claim(self, limit: int) -> list[Claimed]:
        for broadcast_id in await self._db.run_async(store.sending):
            rows = await self._db.run_async(
                delivery.claim, broadcast_id=broadcast_id, limit=limit, lease_seconds=self._lease
            )
            if rows:
                return rows
        return []

    async def _deliver(self, row: Claimed, claimed_at: float) -> None:
        try:
            await self._gate.acquire(row.chat_id)
            if asyncio.get_running_loop().time() - claimed_at > self._lease / 2:
                # A long flood wait used up much of the lease: another sender may soon take the row, so
                # give it back rather than risk both sending it.
                await self._db.run_async(delivery.release, delivery_ids=[row.id])
                return
            announcement = await self._announcement(row.broadcast_id)
            if announcement.content.photo is None and announcement.content.photo_path:
                async with self._uploads.setdefault(row.broadcast_id, asyncio.Lock()):
                    announcement = await self._announcement(row.broadcast_id, fresh=True)
                    await self._send(row, announcement)
            else:
                await self._send(row, announcement)
        except Exception as error:
            logger.exception("broadcast %s: delivery %s failed unexpectedly", row.broadcast_id, row.id)
            await self._retry_or_give_up(row, f"{type(error).__name__}: {error}")
        finally:
            self._slots.release()

    async def _send(self, row: Claimed, announcement: _Announcement) -> None:
        try:
            message = await render.send(
                self._bot,
                chat_id=row.chat_id,
                broadcast_id=row.broadcast_id,
                content=announcement.content,
                buttons=announcement.buttons,
            )
        except RetryAfter as error:
            wait = flood_wait(error)
            self._gate.hold(wait)
            logger.warning("Telegram asked to wait %.0fs (flood control); bulk sending holds", wait)
            await self._db.run_async(
                delivery.record_retry,
                delivery_id=row.id,
                at=now() + timedelta(seconds=wait),
                error=f"flood wait {wait:.0f}s",
                counts=False,
            )
        except Forbidden as error:
            await self._db.run_async(
                delivery.record_blocked, delivery_id=row.id, client_id=row.client_id, error=error.message
            )
        except BadRequest as error:
            await self._refused(row, error)
        except (NetworkError, TelegramError) as error:
            await self._retry_or_give_up(row, error.message)
        else:
            file_id = render.uploaded_photo(message) if announcement.content.photo is None else None
            if file_id and announcement.content.photo_path:
                await self._db.run_async(store.remember_photo, broadcast_id=row.broadcast_id, file_id=file_id)
            await self._db.run_async(
                delivery.record_sent, delivery_id=row.id, telegram_message_id=message.message_id
            )

    async def _refused(self, row: Claimed, error: BadRequest) -> None:
        reason = error.message
        if any(marker in reason.lower() for marker in _CHAT_MISSING):
            await self._db.run_async(
                delivery.record_chat_missing, delivery_id=row.id, client_id=row.client_id, error=reason
            )
            return
        await self._db.run_async(delivery.record_failed, delivery_id=row.id, error=reason)
        paused = await self._db.run_async(
            store.pause,
            broadcast_id=row.broadcast_id,
            reason=_("Broadcast paused: Telegram refused").format(reason=reason),
        )
        if paused:
            logger.error(
                "broadcast %s paused: Telegram refused its content (%s); fix it and resume, or cancel it",
                row.broadcast_id,
                reason,
            )

    async def _retry_or_give_up(self, row: Claimed, reason: str) -> None:
        if row.attempts >= self._max_attempts:
            logger.warning(
                "broadcast %s: delivery %s given up after %d attempts: %s",
                row.broadcast_id,
                row.id,
                row.attempts,
                reason,
            )
            await self._db.run_async(delivery.record_failed, delivery_id=row.id, error=reason)
            return
        wait = backoff(row.attempts)
        await self._db.run_async(
            delivery.record_retry, delivery_id=row.id, at=now() + timedelta(seconds=wait), error=reason
        )

    async def _announcement(self, broadcast_id: int, *, fresh: bool = False) -> _Announcement:
        cached = self._announcements.get(broadcast_id)
        if cached is None or fresh:
            broadcast = await self._db.run_async(store.get, broadcast_id=broadcast_id)
            assert broadcast is not None, f"broadcast {broadcast_id} has delivery rows but no record"
            cached = _Announcement(Content.from_dict(broadcast.content), list(broadcast.buttons))
            self._announcements[broadcast_id] = cached
        return cached

    # Staff-facing upkeep: scheduled broadcasts start, finished ones get their report, progress is shown.

    async def _housekeeping(self) -> None:
        loop_time = asyncio.get_running_loop().time()
        if loop_time - self._last_housekeeping < HOUSEKEEPING_SECONDS:
            return
        self._last_housekeeping = loop_time
        await self._db.run_async(hold_outside_office_hours)
        for broadcast_id in await self._db.run_async(store.start_due):
            logger.info("broadcast %s: its time has come, sending", broadcast_id)
        await self._db.run_async(delivery.close_abandoned)
        for broadcast_id in await self._db.run_async(store.sending):
            if await self._db.run_async(store.finish_if_done, broadcast_id=broadcast_id):
                logger.info("broadcast %s: every delivery is done", broadcast_id)
                self._announcements.pop(broadcast_id, None)
            await self._show_progress(broadcast_id)
        for broadcast_id in await self._db.run_async(store.unreported):
            await self._show_progress(broadcast_id, final=True)
            await self._send_report(broadcast_id)

    async def _show_progress(self, broadcast_id: int, *, final: bool = False) -> None:
        if not final and not await self._db.run_async(
            store.take_progress_turn, broadcast_id=broadcast_id, every_seconds=self._progress_every
        ):
            return
        broadcast = await self._db.run_async(store.get, broadcast_id=broadcast_id)
        if broadcast is None or broadcast.progress_chat_id is None or broadcast.progress_message_id is None:
            return
        counts = await self._db.run_async(report.progress, broadcast_id=broadcast_id)
        try:
            await self._gate.acquire(broadcast.progress_chat_id)
            await self._bot.edit_message_text(
                progress_text(broadcast, counts, rate_per_second=self._gate.rate),
                chat_id=broadcast.progress_chat_id,
                message_id=broadcast.progress_message_id,
                reply_markup=progress_keyboard(broadcast),
            )
        except BadRequest as error:
            if "not modified" not in error.message.lower():
                logger.warning(
                    "broadcast %s: the progress message could not be updated: %s", broadcast_id, error
                )
        except TelegramError as error:
            logger.warning("broadcast %s: the progress message could not be updated: %s", broadcast_id, error)

    async def _send_report(self, broadcast_id: int) -> None:
        if not await self._db.run_async(store.take_report_turn, broadcast_id=broadcast_id):
            return
        summary = await self._db.run_async(report.report, broadcast_id=broadcast_id)
        chat_id = summary.broadcast.progress_chat_id
        if chat_id is None:
            return
        try:
            await self._gate.acquire(chat_id)
            await self._bot.send_message(chat_id, report_text(summary))
        except TelegramError as error:
            logger.warning(
                "broadcast %s: the report could not be sent to its author: %s", broadcast_id, error
            )

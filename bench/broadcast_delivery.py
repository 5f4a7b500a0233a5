"""Delivering one announcement to 20,000 clients at Telegram's pace, and surviving a kill -9 half way.

The Bot API stand-in enforces Telegram's limits (30 messages a second for the bot, one a second per chat);
3 % of the recipients have blocked the bot (403), 0.5 % have no chat any more (400 chat not found), and
0.2 % answer one flood wait (429, retry_after 1 s). A real sender process (`python -m bot.broadcast`)
delivers from a fresh database at the configured 25 messages a second (PostgreSQL results go to
broadcast_delivery_postgresql.json).

Run 1 goes undisturbed. Run 2 kills the sender with SIGKILL once half the messages are out and starts it
again. For each: requests a second as a fraction of the configured rate, duplicates (clients who got the
announcement twice), skipped (reachable clients who never got it), blocked and missing chats recorded,
and the sender's peak memory. Prints the numbers and writes bench/results/broadcast_delivery.json.

    .venv/bin/python -m bench.broadcast_delivery [--recipients N] [--backend sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from karyar.broadcast import store
from karyar.broadcast.content import Content
from karyar.clock import now
from karyar.db.engine import Database
from karyar.db.models import BroadcastDelivery, Client, DeliveryStatus
from karyar.settings import get_settings
from localapi.ratelimit import RateLimit
from localapi.server import ThreadedLocalBotApi
from tests.support.databases import migrated_database
from tests.support.processes import APP_PYTHON, ManagedProcess
from tests.support.stack import base_environment

RESULTS = Path(__file__).resolve().parent / "results" / "broadcast_delivery.json"
TOKEN = "7000000009:AAbench-broadcast-token-karyar"
FIRST_CHAT = 9_100_000_000
RATE = 25.0
TELEGRAM_GLOBAL = RateLimit(30, 1.0)
TELEGRAM_PER_CHAT = RateLimit(1, 1.0)
BLOCKED_EVERY, MISSING_EVERY, FLOOD_EVERY = 33, 200, 500
TEXT = "📣 دوره‌ی رایگان خیاطی در مرکز فنی‌وحرفه‌ای تهران — ثبت‌نام تا پایان آذر"


@dataclass(frozen=True)
class Population:
    chats: list[int]
    blocked: set[int]
    missing: set[int]
    flooded: set[int]

    @property
    def reachable(self) -> set[int]:
        return set(self.chats) - self.blocked - self.missing


def _population(count: int) -> Population:
    chats = [FIRST_CHAT + n for n in range(count)]
    return Population(
        chats=chats,
        blocked={c for n, c in enumerate(chats) if n % BLOCKED_EVERY == 1},
        missing={c for n, c in enumerate(chats) if n % MISSING_EVERY == 2},
        flooded={c for n, c in enumerate(chats) if n % FLOOD_EVERY == 3},
    )


def _prepare(database: Database, api: ThreadedLocalBotApi, people: Population) -> int:
    """Subscribed clients in the database, users in the stand-in, one confirmed broadcast; its id."""
    moment = now()
    with database.unit_of_work() as session:
        session.execute(
            insert(Client),
            [
                {"telegram_user_id": c, "subscribed": True, "first_seen_at": moment, "last_seen_at": moment}
                for c in people.chats
            ],
        )
    for chat in people.chats:
        if chat not in people.missing:
            api.add_user(chat, "مددجو")
    for chat in people.blocked:
        api.block_bot(chat)
    api.add_flood_waits(sorted(people.flooded), retry_after=1, times=1)
    api.set_rate_limits(TELEGRAM_PER_CHAT, TELEGRAM_GLOBAL)
    with database.unit_of_work() as session:
        broadcast = store.create(session, created_by=None, content=Content(text=TEXT))
        store.confirm(session, broadcast_id=broadcast.id, approval_required=False)
        return broadcast.id


def _counts(database: Database, broadcast_id: int) -> dict[str, int]:
    with database.unit_of_work() as session:
        rows = session.execute(
            select(BroadcastDelivery.status, func.count())
            .where(BroadcastDelivery.broadcast_id == broadcast_id)
            .group_by(BroadcastDelivery.status)
        ).all()
    return {status: number for status, number in rows}


def _memory_kib(pid: int) -> int:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith("VmHWM:")), 0)


class Sender:
    """The sender process, with its peak memory sampled while it runs."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self._env, self._log_dir, self.starts, self.peak_kib = env, log_dir, 0, 0
        self.process = self._start()

    def _start(self) -> ManagedProcess:
        self.starts += 1
        return ManagedProcess(
            f"sender-{self.starts}", [APP_PYTHON, "-m", "bot.broadcast"], env=self._env, log_dir=self._log_dir
        )

    def sample(self) -> None:
        self.peak_kib = max(self.peak_kib, _memory_kib(self.process.process.pid))
        if not self.process.alive():
            raise RuntimeError(f"the sender exited:\n{self.process.tail()}")

    def kill_and_restart(self) -> None:
        self.sample()
        self.process.kill()
        self.process = self._start()


def _wait(
    database: Database, broadcast_id: int, sender: Sender, until: Callable[[dict[str, int]], bool]
) -> None:
    while True:
        sender.sample()
        if until(_counts(database, broadcast_id)):
            return
        time.sleep(0.5)


def _open(counts: dict[str, int]) -> int:
    return counts.get(DeliveryStatus.PENDING, 0) + counts.get(DeliveryStatus.SENDING, 0)


def _run(backend: str, recipients: int, *, crash: bool, workdir: Path) -> dict[str, Any]:
    people = _population(recipients)
    api = ThreadedLocalBotApi(TOKEN)
    api.start()
    try:
        with migrated_database(backend, workdir) as url:
            database = Database(url)
            broadcast_id = _prepare(database, api, people)
            env = base_environment(
                DATABASE_URL=url,
                TELEGRAM_BOT_TOKEN=TOKEN,
                TELEGRAM_API_BASE_URL=api.url,
                BROADCAST_RATE_PER_SECOND=str(RATE),
                LOG_LEVEL="WARNING",
            )
            started = time.monotonic()
            sender = Sender(env, workdir)
            crash_facts: dict[str, Any] = {}
            try:
                if crash:
                    _wait(
                        database,
                        broadcast_id,
                        sender,
                        lambda c: c.get(DeliveryStatus.SENT, 0) >= recipients // 2,
                    )
                    sender.kill_and_restart()
                    counts = _counts(database, broadcast_id)
                    crash_facts = {
                        "killed_after_sent": counts.get(DeliveryStatus.SENT, 0),
                        "claimed_at_kill": counts.get(DeliveryStatus.SENDING, 0),
                    }
                _wait(database, broadcast_id, sender, lambda c: _open(c) == 0)
            finally:
                sender.process.stop()
            elapsed = time.monotonic() - started
            return _measure(database, broadcast_id, api, people, elapsed, sender, crash_facts)
    finally:
        api.stop()


def _measure(
    database: Database,
    broadcast_id: int,
    api: ThreadedLocalBotApi,
    people: Population,
    elapsed: float,
    sender: Sender,
    crash_facts: dict[str, Any],
) -> dict[str, Any]:
    received = api.bot_message_counts()
    with database.unit_of_work() as session:
        attempts, first, last = session.execute(
            select(
                func.sum(BroadcastDelivery.attempts),
                func.min(BroadcastDelivery.sent_at),
                func.max(BroadcastDelivery.sent_at),
            ).where(BroadcastDelivery.broadcast_id == broadcast_id)
        ).one()
    counts = _counts(database, broadcast_id)
    # Flood waits are given back as attempts, so they are added: each was a request too.
    requests = int(attempts) + len(people.flooded)
    window = (last - first).total_seconds()
    settings = get_settings()
    return {
        "recipients": len(people.chats),
        "elapsed_s": round(elapsed, 1),
        "requests": requests,
        "sending_window_s": round(window, 1),
        "requests_per_s": round(requests / window, 2),
        "rate_fraction_of_limit": round(requests / window / RATE, 3),
        "delivered_per_s": round(counts.get(DeliveryStatus.SENT, 0) / window, 2),
        "sent": counts.get(DeliveryStatus.SENT, 0),
        "blocked": counts.get(DeliveryStatus.BLOCKED, 0),
        "chat_missing": counts.get(DeliveryStatus.CHAT_MISSING, 0),
        "failed": counts.get(DeliveryStatus.FAILED, 0),
        "flood_waits_answered": len(people.flooded),
        "duplicates": sum(max(0, received.get(chat, 0) - 1) for chat in people.reachable),
        "skipped": sum(1 for chat in people.reachable if received.get(chat, 0) == 0),
        "max_in_flight": settings.BROADCAST_CONCURRENCY,
        "sender_peak_rss_mib": round(sender.peak_kib / 1024, 1),
        **crash_facts,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--recipients", type=int, default=20_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {
        "backend": args.backend,
        "configured_rate_per_s": RATE,
        "stand_in_limits": {"global_per_s": TELEGRAM_GLOBAL.calls, "per_chat_per_s": TELEGRAM_PER_CHAT.calls},
    }
    with tempfile.TemporaryDirectory(prefix="karyar-bench-broadcast-") as workdir:
        for name, crash in (("undisturbed", False), ("kill_9_half_way", True)):
            results[name] = _run(args.backend, args.recipients, crash=crash, workdir=Path(workdir))
            print(name, json.dumps(results[name], ensure_ascii=False))
    written = (
        RESULTS if args.backend == "sqlite" else RESULTS.with_name(f"{RESULTS.stem}_{args.backend}.json")
    )
    written.parent.mkdir(parents=True, exist_ok=True)
    written.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written to {written}")


if __name__ == "__main__":
    main()

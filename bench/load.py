"""Load: simulated clients holding real conversations through the Bot API stand-in, on PostgreSQL.

Each client says the next line of a conversation only after the bot has answered the previous one; a
scheduler starts turns at a fixed rate, picking idle clients. For each rate it reports the latency from
sending a message to the bot's first reply (p50/p95/p99), the rate achieved, errors (no reply within 30 s)
and the peak resident memory of each process. The highest sustained rate is the highest step whose p95 stays
under one second with no errors.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

from bench.results_file import write_results
from bench.stack_baseline import resident_mib
from bench.stats import percentile
from tests.support.databases import migrated_database
from tests.support.stack import Stack, running_stack

RESULTS = Path(__file__).resolve().parent / "results" / "load.json"
CONVERSATION = [
    "سلام",
    "دوره خیاطی تو مشهد دارین؟",
    "کار میخوام",
    "وام میخوام",
    "مدارک لازم چیه؟",
    "ممنون",
]
PLEASE_WAIT = "⏳"  # the bot's "a moment please" while Rasa thinks
RATES = (2, 4, 6, 8, 10, 15, 20)
STEP_SECONDS = 30.0
REPLY_TIMEOUT = 30.0
CLIENTS = 400


class MemoryWatch:
    """Samples each process's resident memory once a second and keeps the peak."""

    def __init__(self, stack: Stack) -> None:
        self._stack = stack
        self.peak: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            for name, process in self._stack.processes.items():
                self.peak[name] = max(self.peak.get(name, 0.0), resident_mib(process.process.pid))


def _is_please_wait(stack: Stack, user: int) -> bool:
    last = stack.api.last_bot_message(user)
    return last is not None and str(last.get("text", "")).startswith(PLEASE_WAIT)


def _turn(stack: Stack, user: int, text: str) -> None:
    sent = stack.api.send_text(user, text)
    stack.api.wait_for_bot_messages(user, 1, since=sent, timeout=REPLY_TIMEOUT)


def run_step(stack: Stack, rate: float, *, first_user: int, seconds: float) -> dict[str, float | int]:
    """Open-loop turns at `rate`, each by a client whose previous turn was answered. One loop watches the
    stand-in's per-chat counts (not a waiting thread per client, whose wake-ups would load the machine)."""
    idle = list(range(first_user, first_user + CLIENTS))
    position = dict.fromkeys(idle, 0)
    waiting: dict[int, tuple[float, int]] = {}  # user → (sent at, bot messages in the chat before)
    latencies: list[float] = []
    errors = sent = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds or (
        waiting and elapsed < seconds + REPLY_TIMEOUT
    ):
        counts = stack.api.bot_message_counts()
        now = time.perf_counter()
        for user, (at, before) in list(waiting.items()):
            if counts.get(user, 0) > before and _is_please_wait(stack, user):
                waiting[user] = (at, counts[user])  # "a moment please" is not the answer: wait on
                continue
            if counts.get(user, 0) > before:
                latencies.append((now - at) * 1000)
            elif now - at > REPLY_TIMEOUT:
                errors += 1
            else:
                continue
            del waiting[user]
            idle.append(user)
        due = int(elapsed * rate) + 1 if elapsed < seconds else sent
        while sent < due and idle:
            user = idle.pop(0)
            stack.api.send_text(user, CONVERSATION[position[user] % len(CONVERSATION)])
            waiting[user] = (time.perf_counter(), counts.get(user, 0))
            position[user] += 1
            sent += 1
        time.sleep(0.01)
    return {
        "target_per_second": rate,
        "sent": sent,
        "achieved_per_second": round(sent / seconds, 1),
        "errors": errors,
        "p50_ms": round(percentile(latencies, 0.5), 1) if latencies else -1,
        "p95_ms": round(percentile(latencies, 0.95), 1) if latencies else -1,
        "p99_ms": round(percentile(latencies, 0.99), 1) if latencies else -1,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=STEP_SECONDS, help="length of each rate step")
    parser.add_argument("--rates", default=",".join(map(str, RATES)), help="messages per second to try")
    parser.add_argument("--rasa-servers", type=int, default=1, help="Rasa servers sharing the conversations")
    args = parser.parse_args(argv)
    rates = [float(r) for r in args.rates.split(",")]
    steps = []
    with tempfile.TemporaryDirectory() as workdir:
        work = Path(workdir)
        with (
            migrated_database("postgresql", work) as url,
            running_stack(database_url=url, log_dir=work, rasa_servers=args.rasa_servers) as stack,
        ):
            _turn(stack, 8_800_000_000, "سلام")  # warm-up: the first parse loads lazily
            with MemoryWatch(stack) as memory:
                for number, rate in enumerate(rates):
                    step = run_step(
                        stack, rate, first_user=8_800_000_001 + number * CLIENTS, seconds=args.seconds
                    )
                    print(step, flush=True)
                    steps.append(step)
    sustained = [
        s
        for s in steps
        if s["errors"] == 0
        and 0 < s["p95_ms"] < 1000
        and s["achieved_per_second"] >= 0.9 * s["target_per_second"]
    ]
    at_20 = next((s for s in steps if s["target_per_second"] == 20), None)
    write_results(
        RESULTS if args.rasa_servers == 1 else RESULTS.with_name(f"load_{args.rasa_servers}_rasa.json"),
        {
            "database": "postgresql",
            "rasa_servers": args.rasa_servers,
            "conversation": CONVERSATION,
            "step_seconds": args.seconds,
            "steps": steps,
            "highest_sustained_per_second_with_p95_under_1s": max(
                (s["target_per_second"] for s in sustained), default=0
            ),
            "at_20_per_second": at_20,
            "peak_resident_memory_mib": memory.peak,
        },
    )


if __name__ == "__main__":
    main()

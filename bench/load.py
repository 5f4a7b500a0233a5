"""Load: simulated clients holding real conversations through the Bot API stand-in, on PostgreSQL holding
the sample catalogue (so a request for courses or jobs searches it).

Each client says the next line of a conversation only after the bot has answered the previous one; a
scheduler starts turns at a fixed rate, picking idle clients. For each rate it reports the latency from
sending a message to the bot's first reply (p50/p95/p99), the rate achieved, errors (no reply within 30 s)
the CPU each part of the machine spent per message (our processes, PostgreSQL, Redis, and this process,
which runs the clients and the Bot API stand-in), and the peak resident memory of each process. Each rate is
run `--repeat` times, rates interleaved, and the spread is reported; a rate meets the target when every run
kept p95 within 300 ms with no errors. The bot calls Rasa directly, not through the tests' outage gate, and
runs its periodic checks as often as in production (tests make them run every second).
`--profile-rate` adds one step under py-spy, its summaries in bench/results/profiles/.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import tempfile
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any

from bench import profiles
from bench.cpu import CpuMeter
from bench.results_file import write_results
from bench.stack_baseline import process_tree, resident_mib
from bench.stats import percentile
from localapi.state import World
from tests.support.catalogue import catalogued_database
from tests.support.stack import Stack, running_stack

RESULTS = Path(__file__).resolve().parent / "results" / "load.json"
PROFILES = RESULTS.parent / "profiles"
CONVERSATION = [
    "سلام",
    "دوره خیاطی تو مشهد دارین؟",
    "کار میخوام",
    "وام میخوام",
    "مدارک لازم چیه؟",
    "ممنون",
]
PLEASE_WAIT = "⏳"  # the bot's "a moment please" while Rasa thinks
RATES = (4, 8, 12, 16, 20)
REPEAT = 3
TARGET_P95_MS = 300.0
STEP_SECONDS = 30.0
REPLY_TIMEOUT = 30.0
CLIENTS = 60  # each says about five lines of the conversation per step at 12–20 a second
READING_SECONDS = 1.0  # a client reads the whole answer before writing again


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


def _newest_replies(world: World, users: list[int]) -> dict[int, int]:
    """Each client's newest message from the bot that is a reply (not "a moment please"): its id, or 0.

    Only these clients' newest messages are read: the generator's own CPU stays small next to the stack it
    measures."""
    newest = {}
    for user in users:
        chat = world.chats.get(user)
        messages = chat.messages if chat else {}
        newest[user] = next(
            (
                message_id
                for message_id in reversed(messages)
                if messages[message_id].outgoing
                and not messages[message_id].deleted
                and not str(messages[message_id].data.get("text", "")).startswith(PLEASE_WAIT)
            ),
            0,
        )
    return newest


def _changed(world: World, *, since: int) -> bool:
    return world.version != since


def first_reply(stack: Stack, user: int, text: str) -> tuple[float, float]:
    """Sends `text`; returns the wall-clock time it was sent and the ms until the bot's first real reply
    ("a moment please" is not one)."""
    wall, started = time.time(), time.perf_counter()
    sent = stack.api.send_text(user, text)
    while True:
        replies = stack.api.wait_for_bot_messages(user, 1, since=sent, timeout=REPLY_TIMEOUT)
        if not str(replies[-1].get("text", "")).startswith(PLEASE_WAIT):
            return wall, (time.perf_counter() - started) * 1000
        sent = replies[-1]


def sequential_turn(stack: Stack, user: int, text: str) -> float:
    """One message, the time in ms until the bot's first reply to it, then the whole answer read: the chat
    quiet for READING_SECONDS, so the next message's reply is not a late part of this answer."""
    _wall, latency = first_reply(stack, user, text)
    while stack.api.wait_until(
        partial(_more_since, stack, user, stack.api.mark(user)), timeout=READING_SECONDS
    ):
        pass
    return latency


def _more_since(stack: Stack, user: int, seen: int) -> bool:
    return stack.api.mark(user) != seen


def run_step(stack: Stack, rate: float, *, first_user: int, seconds: float) -> dict[str, Any]:
    """Open-loop turns at `rate`, each by one of CLIENTS clients who has read the whole answer to their
    previous message (no message from the bot for READING_SECONDS since the last), so a reply is never a
    late part of an earlier answer and every client goes through the conversation. The loop wakes on each
    change in the stand-in (or when the next turn is due) instead of polling."""
    world = stack.api.world
    idle = list(range(first_user, first_user + CLIENTS))
    position = dict.fromkeys(idle, 0)
    waiting: dict[int, tuple[float, int]] = {}  # user → (sent at, the id of the message sent)
    reading: dict[int, tuple[int, float]] = {}  # user → (newest reply seen, idle again from)
    latencies: list[float] = []
    errors = sent = 0
    version = -1
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds or (
        waiting and elapsed < seconds + REPLY_TIMEOUT
    ):
        next_due = started + (sent + 1) / rate if elapsed < seconds else time.perf_counter() + 0.1
        wake = min([next_due, *(until for _seen, until in reading.values())])
        world.wait_until(partial(_changed, since=version), max(0.0, wake - time.perf_counter()))
        version, newest = world.read(lambda w: (w.version, _newest_replies(w, [*waiting, *reading])))
        now = time.perf_counter()
        for user, (at, after) in list(waiting.items()):
            if newest[user] > after:
                latencies.append((now - at) * 1000)
            elif now - at > REPLY_TIMEOUT:
                errors += 1
            else:
                continue
            del waiting[user]
            reading[user] = (newest[user], now + READING_SECONDS)
        for user, (seen, until) in list(reading.items()):
            if newest.get(user, seen) > seen:
                reading[user] = (newest[user], now + READING_SECONDS)
            elif now >= until:
                del reading[user]
                idle.append(user)
        due = int((now - started) * rate) + 1 if now - started < seconds else sent
        while sent < due and idle:
            user = idle.pop(0)
            message = stack.api.send_text(user, CONVERSATION[position[user] % len(CONVERSATION)])
            waiting[user] = (time.perf_counter(), int(message["message_id"]))
            position[user] += 1
            sent += 1
    return {
        "target_per_second": rate,
        "sent": sent,
        "achieved_per_second": round(sent / seconds, 1),
        "errors": errors,
        "p50_ms": round(percentile(latencies, 0.5), 1) if latencies else -1,
        "p95_ms": round(percentile(latencies, 0.95), 1) if latencies else -1,
        "p99_ms": round(percentile(latencies, 0.99), 1) if latencies else -1,
    }


def stack_cpu_meter(stack: Stack) -> CpuMeter:
    """CPU of each of the stack's processes (the one running now, after any restart), PostgreSQL and Redis."""

    def of(name: str) -> list[int]:
        return process_tree(stack.processes[name].process.pid)

    return CpuMeter({name: partial(of, name) for name in stack.processes})


def cpu_per_message(used: dict[str, dict[str, float]], messages: int) -> dict[str, dict[str, float]]:
    return {
        name: {**part, "cpu_ms_per_message": round(1000 * part["cpu_seconds"] / max(messages, 1), 1)}
        for name, part in used.items()
    }


def summarise_rate(rate: float, repetitions: list[dict[str, Any]]) -> dict[str, Any]:
    """A rate's repetitions side by side: the spread of their percentiles and whether every one met the target."""
    p50s = [r["p50_ms"] for r in repetitions]
    p95s = [r["p95_ms"] for r in repetitions]
    return {
        "target_per_second": rate,
        "repetitions": len(repetitions),
        "p50_ms": {"median": statistics.median(p50s), "min": min(p50s), "max": max(p50s)},
        "p95_ms": {"median": statistics.median(p95s), "min": min(p95s), "max": max(p95s)},
        "errors": sum(r["errors"] for r in repetitions),
        "meets_target": all(
            r["errors"] == 0 and 0 < r["p95_ms"] <= TARGET_P95_MS and r["achieved_per_second"] >= 0.95 * rate
            for r in repetitions
        ),
    }


def profile_step(
    stack: Stack, rate: float, *, first_user: int, seconds: float, directory: Path
) -> dict[str, Any]:
    """One more step at `rate` with py-spy sampling Rasa, the action server and the bot (kept apart from the
    measured steps, since sampling costs CPU too)."""
    pids = {name: managed.process.pid for name, managed in stack.processes.items()}
    recorders = profiles.start(pids, seconds, directory)
    step = run_step(stack, rate, first_user=first_user, seconds=seconds)
    return {"step": step, "summaries": profiles.finish(recorders, directory)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=STEP_SECONDS, help="length of each rate step")
    parser.add_argument("--rates", default=",".join(map(str, RATES)), help="messages per second to try")
    parser.add_argument("--repeat", type=int, default=REPEAT, help="runs of each rate, for the spread")
    parser.add_argument("--rasa-servers", type=int, default=1, help="Rasa servers sharing the conversations")
    parser.add_argument(
        "--profile-rate", type=float, help="after the measured steps, one step at this rate under py-spy"
    )
    parser.add_argument("--label", default="", help="results go to load_<label>.json")
    args = parser.parse_args(argv)
    rates = [float(r) for r in args.rates.split(",")]
    name = "load" + (f"_{args.rasa_servers}_rasa" if args.rasa_servers > 1 else "")
    results = RESULTS.with_name(f"{name}_{args.label}.json" if args.label else f"{name}.json")
    by_rate: dict[float, list[dict[str, Any]]] = {rate: [] for rate in rates}
    profiled = None
    with tempfile.TemporaryDirectory() as workdir:
        work = Path(workdir)
        with (
            catalogued_database("postgresql", work) as url,
            running_stack(
                database_url=url,
                log_dir=work,
                rasa_servers=args.rasa_servers,
                through_gate=False,
                production_timings=True,
            ) as stack,
        ):
            sequential_turn(stack, 8_800_000_000, "سلام")  # warm-up: the first parse loads lazily
            meter = stack_cpu_meter(stack)
            users = itertools.count(8_800_000_001, CLIENTS)
            with MemoryWatch(stack) as memory:
                for _round in range(args.repeat):  # rates interleaved, so a slow minute hits every rate
                    for rate in rates:
                        meter.start()
                        step = run_step(stack, rate, first_user=next(users), seconds=args.seconds)
                        step["cpu"] = cpu_per_message(meter.stop(), int(step["sent"]))
                        print({k: v for k, v in step.items() if k != "cpu"}, flush=True)
                        by_rate[rate].append(step)
                if args.profile_rate:
                    profiled = profile_step(
                        stack,
                        args.profile_rate,
                        first_user=next(users),
                        seconds=args.seconds,
                        directory=PROFILES / (args.label or name),
                    )
    write_results(
        results,
        {
            "database": "postgresql",
            "rasa_servers": args.rasa_servers,
            "conversation": CONVERSATION,
            "step_seconds": args.seconds,
            "target": {"p95_ms": TARGET_P95_MS, "errors": 0},
            "rates": [summarise_rate(rate, steps) for rate, steps in by_rate.items()],
            "steps": [step for steps in by_rate.values() for step in steps],
            "peak_resident_memory_mib": memory.peak,
            "profiled_step": profiled,
        },
    )


if __name__ == "__main__":
    main()

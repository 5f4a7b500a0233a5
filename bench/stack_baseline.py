"""Baseline of the running product: resident memory of each process at idle, and reply latency.

Starts the real stack (Rasa with the trained model, action server, bot, Bot API stand-in) on a fresh
SQLite database, waits until it is idle, reads each process's resident memory from /proc, then sends
«سلام» from distinct clients one after another and measures the time until the bot's reply arrives.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.results_file import write_results
from bench.stats import latency_summary
from tests.support.databases import migrated_database
from tests.support.stack import running_stack

RESULTS = Path(__file__).resolve().parent / "results" / "stack_baseline.json"
ROUNDS = 40


def resident_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MiB."""
    total_kib = 0
    for proc in process_tree(pid):
        try:
            for line in Path(f"/proc/{proc}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kib += int(line.split()[1])
        except FileNotFoundError:
            continue
    return round(total_kib / 1024, 1)


def process_tree(pid: int) -> list[int]:
    """The process and all its descendants (a command may run its server in a child)."""
    return [pid, *_descendants(pid)]


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def main() -> None:
    with tempfile.TemporaryDirectory() as workdir:
        work = Path(workdir)
        with migrated_database("sqlite", work) as url, running_stack(database_url=url, log_dir=work) as stack:
            stack.api.send_text(8_900_000_000, "سلام")  # warm-up: first parse loads lazily
            stack.api.wait_for_bot_messages(8_900_000_000, 1, timeout=60)
            time.sleep(5)
            memory = {name: resident_mib(p.process.pid) for name, p in stack.processes.items()}
            latencies = []
            for n in range(ROUNDS):
                user = 8_900_000_001 + n
                started = time.perf_counter()
                sent = stack.api.send_text(user, "سلام")
                stack.api.wait_for_bot_messages(user, 1, since=sent, timeout=60)
                latencies.append((time.perf_counter() - started) * 1000)
    results = {
        "resident_memory_mib_at_idle": memory,
        "reply_latency_ms": {
            "rounds": ROUNDS,
            **latency_summary(latencies),
        },
    }
    write_results(RESULTS, results)


if __name__ == "__main__":
    main()

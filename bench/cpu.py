"""CPU time of each part of a running stack, read from /proc, to tell where a step's processor time went.

Each part is a set of processes: one of the stack's (with its descendants), the benchmark's own process (the
load generator, and the Bot API stand-in when it runs in a thread of it), and the machine's PostgreSQL and
Redis servers (every process of that name, since their backends are not our children).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
SERVERS = {"postgresql": ("postgres",), "redis": ("redis-server",)}
STEAL = "stolen by the host"


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, IndexError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND  # utime + stime


def _steal_seconds() -> float:
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    return int(fields[8]) / TICKS_PER_SECOND if len(fields) > 8 else 0.0  # cpu user nice system idle … steal


def _named(names: Iterable[str]) -> list[int]:
    found = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() in names:
                found.append(int(comm.parent.name))
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


class CpuMeter:
    """CPU seconds per part between `start()` and `stop()`, and each part's share of the machine's cores.

    `parts` maps a name to a function giving the part's process ids now (processes are re-read at both ends:
    a restarted process or a new database backend counts from when it is first seen).
    """

    def __init__(self, parts: dict[str, Callable[[], list[int]]]) -> None:
        self._parts: dict[str, Callable[[], list[int]]] = {
            **parts,
            "load generator and stand-in": lambda: [os.getpid()],
            **{name: partial(_named, names) for name, names in SERVERS.items()},
        }
        self._before: dict[str, dict[int, float]] = {}
        self._steal_before = 0.0
        self._started = 0.0

    def _read(self) -> dict[str, dict[int, float]]:
        return {name: {pid: _cpu_seconds(pid) for pid in pids()} for name, pids in self._parts.items()}

    def start(self) -> None:
        self._before = self._read()
        self._steal_before = _steal_seconds()
        self._started = time.perf_counter()

    def stop(self) -> dict[str, dict[str, float]]:
        after = self._read()
        stolen = _steal_seconds() - self._steal_before
        wall = time.perf_counter() - self._started
        cores = os.cpu_count() or 1
        used = {
            name: sum(seconds - self._before[name].get(pid, 0.0) for pid, seconds in pids.items())
            for name, pids in after.items()
        }
        total = sum(used.values()) or 1.0
        used[STEAL] = stolen  # not ours: reported beside the parts, not shared among them
        return {
            name: {
                "cpu_seconds": round(seconds, 2),
                "share_of_cpu_used": round(seconds / total, 3),
                "share_of_machine": round(seconds / (wall * cores), 3),
            }
            for name, seconds in used.items()
        }

"""Where the benchmarks' numbers go: bench/results/<name>.json, stamped with the time of measuring and the
speed of the machine that measured."""

from __future__ import annotations

import json
import time
import timeit
from pathlib import Path
from typing import Any

# A fixed piece of pure Python, timed on one core: runs on machines (or hours) whose speed differs compare
# only once scaled by it, as a neighbour on the same host can slow every process by half.
_SPEED_WORKLOAD = "sum(range(1_000_000))"


def machine_speed_ms() -> float:
    """The best of five timings of the fixed workload, in milliseconds (lower is faster)."""
    return round(min(timeit.repeat(_SPEED_WORKLOAD, number=5, repeat=5)) / 5 * 1000, 2)


def write_results(path: Path, results: dict[str, Any]) -> None:
    stamped = {
        **results,
        "machine_speed_ms": machine_speed_ms(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(stamped, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(stamped, indent=2, ensure_ascii=False))
    print(f"written to {path}")

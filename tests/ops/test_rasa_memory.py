"""The Rasa server returns the memory freed while loading the model (ops/rasa_memory.py)."""

from __future__ import annotations

import json
import subprocess
import sys

# A heap left as model loading leaves it: much freed, but pinned by a few survivors, so glibc cannot
# shrink it from the top on its own. Run in a fresh process, away from the test session's own heap.
FRAGMENTED_HEAP = """
import json
from ops.rasa_memory import release_freed_memory

def resident_mib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS"))

blocks = [bytes(4096) for _ in range(50_000)]  # 200 MiB, each block from malloc (over 512 bytes)
survivors = blocks[::64]
del blocks
before = resident_mib()
released = release_freed_memory()
print(json.dumps({"released": released, "before": before, "after": resident_mib(), "kept": len(survivors)}))
"""


def test_freed_heap_is_returned_to_the_system() -> None:
    run = subprocess.run(
        [sys.executable, "-c", FRAGMENTED_HEAP], capture_output=True, text=True, timeout=120, check=True
    )
    result = json.loads(run.stdout)
    assert result["released"] is True
    assert result["before"] - result["after"] > 100, result

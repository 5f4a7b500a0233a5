"""Where the benchmarks' numbers go: bench/results/<name>.json, stamped with the time of measuring."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any


def write_results(path: Path, results: dict[str, Any]) -> None:
    stamped = {**results, "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(stamped, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(stamped, indent=2, ensure_ascii=False))
    print(f"written to {path}")

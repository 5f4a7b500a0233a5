"""Sampling profiles of the stack's processes under load, with py-spy, summarised as text.

py-spy attaches to a running process from outside (no change to the process, `--nonblocking` so it never
pauses it) and samples its Python stacks. Each process's collapsed stacks are kept, and a summary lists the
functions that were on the CPU most often (own time) and those with the most time under them (inclusive).
"""

from __future__ import annotations

import collections
import re
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
_LIBRARY_PREFIX = re.compile(r"^.*/(site-packages|lib/python3\.\d+)/")
SAMPLES_PER_SECOND = 100
TOP = 30


def py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(found).exists():
        raise RuntimeError("py-spy is not installed: `make setup` installs it into .venv")
    return found


def start(pids: dict[str, int], seconds: float, directory: Path) -> list[tuple[str, subprocess.Popen[bytes]]]:
    """Starts one recorder per process; each writes <name>.collapsed in `directory` after `seconds`."""
    directory.mkdir(parents=True, exist_ok=True)
    recorders = []
    for name, pid in pids.items():
        command = [
            py_spy(), "record", "--pid", str(pid), "--duration", str(max(1, round(seconds))),
            "--rate", str(SAMPLES_PER_SECOND), "--format", "raw", "--nonblocking", "--subprocesses",
            "--output", str(directory / f"{name}.collapsed"),
        ]  # fmt: skip
        recorders.append((name, subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)))
    return recorders


def finish(recorders: list[tuple[str, subprocess.Popen[bytes]]], directory: Path) -> dict[str, str]:
    """Waits for the recorders and writes <name>.txt summaries; returns each summary's path."""
    summaries = {}
    for name, recorder in recorders:
        _out, error = recorder.communicate(timeout=120)
        collapsed = directory / f"{name}.collapsed"
        if recorder.returncode != 0 or not collapsed.exists():
            raise RuntimeError(f"py-spy could not profile {name}: {error.decode(errors='replace').strip()}")
        summary = directory / f"{name}.txt"
        summary.write_text(summarise(collapsed.read_text(encoding="utf-8")), encoding="utf-8")
        summaries[name] = str(summary)
    return summaries


def summarise(collapsed: str) -> str:
    """Own and inclusive samples per function from py-spy's collapsed stacks ("frame;frame;… count")."""
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_short(frame) for frame in stack.split(";")]
        frames = [frame for frame in frames if not frame.startswith("process ")]
        total += count
        if frames:
            own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count

    def table(title: str, counts: collections.Counter[str]) -> list[str]:
        rows = [f"{100 * n / max(total, 1):5.1f}%  {frame}" for frame, n in counts.most_common(TOP)]
        return [title, *rows, ""]

    header = (
        f"{total} samples, {SAMPLES_PER_SECOND} a second. Sampled without pausing the process, a thread that"
        " waits (the event loop in select or Sanic's serve, a database driver's wait, an idle pool worker)"
        " is counted too: read those lines as idle time."
    )
    return "\n".join([header, "", *table("own time", own), *table("inclusive time", inclusive)])


def _short(frame: str) -> str:
    """'handle (rasa/core/processor.py:123)' → 'handle (rasa/core/processor.py)': lines split one function."""
    name, _, where = frame.partition(" (")
    path = _LIBRARY_PREFIX.sub("", where.rstrip(")").rsplit(":", 1)[0]).removeprefix(f"{PROJECT}/")
    return f"{name} ({path})" if path else name

"""Where the processes `make run` starts write their output, and how a person is shown it."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

from karyar.settings import PROJECT_ROOT

LOG_DIR = PROJECT_ROOT / "var" / "log"
TAIL_LINES = 20
# `make run`'s own process: the chat page's server in local mode, the migrations.
LAUNCHER_LOG = "launcher.log"


def shown_path(path: Path) -> str:
    """A path as a person in the project directory would type it."""
    with contextlib.suppress(ValueError):
        return str(path.relative_to(PROJECT_ROOT))
    return str(path)


def tail(path: Path, lines: int = TAIL_LINES) -> list[str]:
    """The last lines of a log file (none if it cannot be read)."""
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    except OSError:
        return []


def rotate(path: Path) -> None:
    """Keep the previous run's log as `<name>.1`, so a crash can still be read after a restart."""
    if path.exists():
        path.replace(path.with_name(path.name + ".1"))


@contextlib.contextmanager
def logging_to(log_file: Path, *, terminal_level: int) -> Iterator[None]:
    """This process's own records all go to `log_file`, and only those at `terminal_level` or above to
    the handlers it had (the terminal)."""
    root = logging.getLogger()
    levels = {handler: handler.level for handler in root.handlers}
    for handler in levels:
        handler.setLevel(max(handler.level, terminal_level))
    log_file.parent.mkdir(parents=True, exist_ok=True)
    rotate(log_file)
    to_file = logging.FileHandler(log_file, encoding="utf-8")
    to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(to_file)
    try:
        yield
    finally:
        root.removeHandler(to_file)
        to_file.close()
        for handler, level in levels.items():
            handler.setLevel(level)

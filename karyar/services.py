"""Run the product's three processes together (Rasa, the action server, the bot); Ctrl-C stops all three.

Output is multiplexed with each line prefixed by its process (honcho). When one process ends, the others
are stopped too, so a half-running product never looks like a working one.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Mapping

from honcho.manager import Manager

from karyar.settings import PROJECT_ROOT

SERVICES: dict[str, list[str]] = {
    "rasa": [sys.executable, "-m", "karyar.cli", "serve-rasa"],
    "actions": [sys.executable, "-m", "karyar.cli", "serve-actions"],
    "bot": [sys.executable, "-m", "bot"],
}


def run_services(env: Mapping[str, str]) -> int:
    """Start the services with `env` and block until they stop; the first non-zero exit code is returned."""
    manager = Manager()
    for name, command in SERVICES.items():
        manager.add_process(name, shlex.join(command), env=dict(env), cwd=str(PROJECT_ROOT))
    manager.loop()
    return manager.returncode or 0

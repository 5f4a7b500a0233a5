"""Running code of the NLU pipeline in Rasa's own environment (the app environment has no Rasa or hazm):
JSON in on stdin, JSON out on stdout."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"

needs_rasa = pytest.mark.skipif(
    not RASA_PYTHON.exists(), reason="the Rasa environment (.venv-rasa) is not built"
)


def run_in_rasa(arguments: list[str], given: Any, *, timeout: float = 120) -> Any:
    """Runs `python ARGUMENTS` in Rasa's environment with `given` as JSON on stdin; returns its JSON output."""
    completed = subprocess.run(
        [str(RASA_PYTHON), *arguments],
        input=json.dumps(given),
        capture_output=True,
        text=True,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout)

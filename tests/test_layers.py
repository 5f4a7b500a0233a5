"""The layers hold: the contract in pyproject.toml (import-linter) is kept by the code as it is."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support.processes import APP_PYTHON, PROJECT_ROOT


def test_the_layer_contract_is_kept() -> None:
    result = subprocess.run(
        [str(Path(APP_PYTHON).parent / "lint-imports"), "--no-cache"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout

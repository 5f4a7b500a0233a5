"""Rasa's own checks on our assistant: the data validates, and the conversation tests pass on the model."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ops import rasa_model

STORIES = Path(__file__).resolve().parent / "test_stories.yml"


def _rasa(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(rasa_model.RASA_BIN), *args],
        cwd=cwd,
        env=rasa_model.rasa_environment(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_rasa_data_validates_without_warnings(tmp_path: Path) -> None:
    result = _rasa(
        "data", "validate",
        "--config", str(rasa_model.CONFIG_FILE),
        "--domain", str(rasa_model.DOMAIN_DIR),
        "--data", str(rasa_model.DATA_DIR),
        "--fail-on-warnings",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_conversation_stories_pass_with_nlu_checked(trained_model: Path, tmp_path: Path) -> None:
    # --e2e makes Rasa parse each user line, so intents and entities are checked, not only actions.
    result = _rasa(
        "test", "core",
        "--model", str(trained_model),
        "--stories", str(STORIES),
        "--e2e",
        "--fail-on-prediction-errors",
        "--out", str(tmp_path / "results"),
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    failed = tmp_path / "results" / "failed_test_stories.yml"
    assert (
        not failed.exists() or "none of the test stories failed" in failed.read_text(encoding="utf-8").lower()
    )

"""The operator's command line: clear refusals, and migrations applied to the configured database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy

from karyar import cli
from karyar.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL", "RASA_"))}
    return subprocess.run(
        [sys.executable, "-m", "karyar.cli", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_check_for_the_bot_refuses_without_a_token_in_one_line(tmp_path: Path) -> None:
    result = _cli("check", "--bot", DATABASE_URL=f"sqlite:///{tmp_path / 'k.sqlite3'}")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Configuration error: TELEGRAM_BOT_TOKEN is not set; get a token from @BotFather "
        "and put it in the environment or in .env"
    ]


def test_a_malformed_setting_names_itself(tmp_path: Path) -> None:
    result = _cli("check", RASA_URL="not a url")
    assert result.returncode == 2 and result.stderr.startswith("Configuration error: RASA_URL:")


def test_migrate_creates_the_case_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    result = _cli("migrate", DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    tables = set(sqlalchemy.inspect(sqlalchemy.create_engine(url)).get_table_names())
    assert {"clients", "cases", "messages", "profile_facts", "audit_log", "alembic_version"} <= tables


def test_check_refuses_a_broken_policy_file_naming_the_file_and_line(tmp_path: Path) -> None:
    shipped = ROOT / "karyar" / "reference" / "policies"
    for policy in shipped.glob("*.yml"):
        (tmp_path / policy.name).write_text(policy.read_text(encoding="utf-8"), encoding="utf-8")
    emdad = tmp_path / "emdad.yml"
    lines = emdad.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("min_age:"))
    lines[number] = "min_age: fifteen"
    emdad.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = _cli("check", POLICIES_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'k.sqlite3'}")
    assert result.returncode == 2
    assert f"emdad.yml:{number + 1}: min_age:" in result.stderr


def test_a_command_on_an_unmigrated_database_says_to_migrate(tmp_path: Path) -> None:
    result = _cli("catalogue", "sample", DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert result.returncode == 1
    assert "no such table: courses" in result.stderr and "make migrate" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_without_a_token_starts_local_mode_and_explains_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _cli("run", "--port", str(port), "--state-dir", str(tmp_path / "local"))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: the chat page cannot listen on 127.0.0.1:{port} (Address already in use); "
        "another program may be using the port: choose another with --port"
    ]
    assert not (tmp_path / "local").exists()  # nothing was prepared for a start that could not happen


def test_run_with_a_token_starts_the_services_on_the_configured_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'production.sqlite3'}"
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:AAproduction-token-of-twenty")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("RASA_AUTH_TOKEN", "production-rasa-secret")
    get_settings.cache_clear()
    started: list[dict[str, str]] = []
    monkeypatch.setattr(cli.rasa_model, "ensure_trained", lambda: tmp_path / "model.tar.gz")
    monkeypatch.setattr(cli, "run_services", lambda env: started.append(dict(env)) or 0)
    try:
        assert cli.main(["run"]) == 0
    finally:
        get_settings.cache_clear()
    (env,) = started
    assert env["DATABASE_URL"] == url and env["TELEGRAM_BOT_TOKEN"].startswith("123456:")
    assert "alembic_version" in sqlalchemy.inspect(sqlalchemy.create_engine(url)).get_table_names()


def test_production_refuses_to_start_rasa_without_its_token() -> None:
    result = _cli(
        "check", "--bot", TELEGRAM_BOT_TOKEN="123456:AAproduction-token-of-twenty", RASA_AUTH_TOKEN=""
    )
    assert result.returncode == 2 and "RASA_AUTH_TOKEN is not set" in result.stderr

"""The operator's command line: clear refusals, and migrations applied to the configured database."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy

from karyar.identity.cipher import DataCipher
from karyar.settings import Settings, get_settings, load_settings
from ops import cli

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL", "RASA_"))}
    return subprocess.run(
        [sys.executable, "-m", "ops.cli", *args],
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


def test_recount_makes_lists_count_items_changed_by_hand(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    for command in (("migrate",), ("catalogue", "sample")):
        assert _cli(*command, DATABASE_URL=url).returncode == 0
    engine = sqlalchemy.create_engine(url)
    counted = "SELECT coalesce(sum(items), 0) FROM course_counts"
    with engine.begin() as connection:
        assert connection.execute(sqlalchemy.text(counted)).scalar_one() > 0
        connection.execute(sqlalchemy.text("UPDATE courses SET active = 0"))  # by hand, outside Karyar

    result = _cli("catalogue", "recount", DATABASE_URL=url)

    assert result.returncode == 0, result.stderr
    with engine.connect() as connection:
        assert connection.execute(sqlalchemy.text(counted)).scalar_one() == 0
    engine.dispose()


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
    started = _without_rasa(monkeypatch, tmp_path)
    try:
        assert cli.main(["run", "--log-dir", str(tmp_path / "log")]) == 0
    finally:
        get_settings.cache_clear()
    (env,) = started
    assert env["DATABASE_URL"] == url and env["TELEGRAM_BOT_TOKEN"].startswith("123456:")
    assert "alembic_version" in sqlalchemy.inspect(sqlalchemy.create_engine(url)).get_table_names()


def _without_rasa(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[dict[str, str]]:
    """`run` up to starting the services: the environments it would start them with."""
    started: list[dict[str, str]] = []
    monkeypatch.setattr(cli.rasa_model, "ensure_trained", lambda **_: tmp_path / "model.tar.gz")
    monkeypatch.setattr(cli, "run_services", lambda env, **_: started.append(dict(env)) or 0)
    return started


@pytest.fixture
def first_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A developer's machine with a Telegram token and a `.env` of its own (absent at first), without
    the two secrets anywhere; the `.env` path is yielded."""
    env_file = tmp_path / ".env"
    monkeypatch.setattr(Settings, "model_config", {**Settings.model_config, "env_file": env_file})
    for name in ("DATA_ENCRYPTION_KEYS", "RASA_AUTH_TOKEN", "KARYAR_ENV"):
        monkeypatch.setenv(name, "")  # so that what `run` sets in the environment is undone afterwards
        monkeypatch.delenv(name)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:AAdeveloper-token-of-twenty")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'k.sqlite3'}")
    get_settings.cache_clear()
    yield env_file
    get_settings.cache_clear()


def _run_again_in_a_new_shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> int:
    for name in ("DATA_ENCRYPTION_KEYS", "RASA_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    return cli.main(["run", "--log-dir", str(tmp_path / "log")])


def test_a_first_run_with_a_token_makes_the_missing_secrets_in_env_and_says_so_once(
    first_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    started = _without_rasa(monkeypatch, tmp_path)
    assert _run_again_in_a_new_shell(monkeypatch, tmp_path) == 0
    said = capsys.readouterr().out
    assert said.count("Made DATA_ENCRYPTION_KEYS and RASA_AUTH_TOKEN in") == 1
    assert "Back up DATA_ENCRYPTION_KEYS" in said and "phone numbers" in said

    assert stat.S_IMODE(first_run.stat().st_mode) == 0o600
    written = load_settings(_env_file=first_run)
    cipher = DataCipher.from_settings(written)  # a valid Fernet key
    assert cipher.decrypt(cipher.encrypt("0012345678")) == "0012345678"
    assert written.RASA_AUTH_TOKEN is not None and len(written.RASA_AUTH_TOKEN) >= 32
    assert started[0]["DATA_ENCRYPTION_KEYS"] == written.DATA_ENCRYPTION_KEYS  # and the services got them
    assert started[0]["RASA_AUTH_TOKEN"] == written.RASA_AUTH_TOKEN

    contents = first_run.read_text()
    assert _run_again_in_a_new_shell(monkeypatch, tmp_path) == 0
    assert "Made" not in capsys.readouterr().out and first_run.read_text() == contents
    assert len(started) == 2


def test_values_already_in_env_or_the_environment_are_kept(
    first_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = DataCipher.new_key()
    first_run.write_text(f"# my settings\nDATA_ENCRYPTION_KEYS={key}\nRASA_AUTH_TOKEN=\nLOG_LEVEL=INFO")
    first_run.chmod(0o644)
    _without_rasa(monkeypatch, tmp_path)
    assert _run_again_in_a_new_shell(monkeypatch, tmp_path) == 0
    said = capsys.readouterr().out
    assert "Made RASA_AUTH_TOKEN in" in said and "Back up" not in said
    lines = first_run.read_text().splitlines()
    assert lines[:2] == ["# my settings", f"DATA_ENCRYPTION_KEYS={key}"] and lines[3] == "LOG_LEVEL=INFO"
    assert lines[2].startswith("RASA_AUTH_TOKEN=") and len(lines[2]) > 40 and len(lines) == 4  # filled in
    assert stat.S_IMODE(first_run.stat().st_mode) == 0o600  # it holds a key now

    first_run.write_text(f"DATA_ENCRYPTION_KEYS={key}\n")
    monkeypatch.setenv("RASA_AUTH_TOKEN", "from-the-environment")
    get_settings.cache_clear()
    assert cli.main(["run", "--log-dir", str(tmp_path / "log")]) == 0
    assert first_run.read_text() == f"DATA_ENCRYPTION_KEYS={key}\n" and "Made" not in capsys.readouterr().out


def test_production_makes_nothing_and_refuses_to_start_without_the_secrets(
    first_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KARYAR_ENV", "production")
    started = _without_rasa(monkeypatch, tmp_path)
    assert _run_again_in_a_new_shell(monkeypatch, tmp_path) == 2
    assert "DATA_ENCRYPTION_KEYS is not set" in capsys.readouterr().err
    assert not first_run.exists() and started == []


def test_the_bot_and_rasa_on_their_own_still_refuse_without_the_secrets() -> None:
    env_file = ROOT / ".env"
    before = env_file.read_bytes() if env_file.exists() else None
    token = {"TELEGRAM_BOT_TOKEN": "123456:AAproduction-token-of-twenty"}
    bot = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=ROOT,
        env={**os.environ, **token, "DATA_ENCRYPTION_KEYS": ""},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bot.returncode == 2 and "DATA_ENCRYPTION_KEYS is not set" in bot.stderr
    rasa = _cli("serve-rasa", RASA_AUTH_TOKEN="")
    assert rasa.returncode == 2 and "RASA_AUTH_TOKEN is not set" in rasa.stderr
    assert (env_file.read_bytes() if env_file.exists() else None) == before


def test_production_refuses_to_start_rasa_without_its_token() -> None:
    result = _cli(
        "check", "--bot", TELEGRAM_BOT_TOKEN="123456:AAproduction-token-of-twenty", RASA_AUTH_TOKEN=""
    )
    assert result.returncode == 2 and "RASA_AUTH_TOKEN is not set" in result.stderr

"""Settings: defaults that work, and one clear line for every bad value."""

from __future__ import annotations

import pytest

from karyar.settings import ConfigurationError, Settings, load_settings, normalise_database_url

VALID_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(Settings, "model_config", {**Settings.model_config, "env_file": None})


def test_defaults_need_no_configuration() -> None:
    settings = load_settings()
    assert settings.DATABASE_URL.startswith("sqlite:///") and settings.DATABASE_URL.endswith(
        "var/karyar.sqlite3"
    )
    assert settings.telegram_base_url == "https://api.telegram.org/bot"
    assert settings.telegram_base_file_url == "https://api.telegram.org/file/bot"
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.action_server_url == "http://127.0.0.1:5055"
    assert not settings.webhook_mode


def test_compatible_bot_api_servers_are_addressed_by_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "https://tapi.bale.ai/")
    assert load_settings().telegram_base_url == "https://tapi.bale.ai/bot"


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("TELEGRAM_BOT_TOKEN", "not-a-token", "TELEGRAM_BOT_TOKEN"),
        ("RASA_URL", "localhost:5005", "RASA_URL"),
        ("ACTION_SERVER_URL", "ftp://x", "ACTION_SERVER_URL"),
        ("DATABASE_URL", "mysql://root@localhost/karyar", "DATABASE_URL"),
        ("TELEGRAM_PROXY_URL", "proxy.local:8080", "TELEGRAM_PROXY_URL"),
        ("TELEGRAM_WEBHOOK_SECRET", "has spaces!", "TELEGRAM_WEBHOOK_SECRET"),
        ("RASA_TIMEOUT_SECONDS", "-1", "RASA_TIMEOUT_SECONDS"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL"),
        ("KARYAR_ENV", "prod", "KARYAR_ENV"),
    ],
)
def test_a_malformed_value_stops_start_up_with_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, fragment: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith("Configuration error: ") and fragment in message
    assert "\n" not in message


def test_a_blank_value_means_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "  ")
    settings = load_settings()
    assert settings.DATABASE_URL.startswith("sqlite:///") and settings.TELEGRAM_BOT_TOKEN is None


def test_the_bot_refuses_to_start_without_a_token_and_says_where_to_get_one() -> None:
    with pytest.raises(ConfigurationError, match=r"TELEGRAM_BOT_TOKEN is not set.*BotFather"):
        load_settings().require_bot_token()


def test_webhook_mode_requires_its_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", VALID_TOKEN)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://karyar.example.org/telegram/hook")
    settings = load_settings()
    assert settings.webhook_mode
    with pytest.raises(ConfigurationError, match="TELEGRAM_WEBHOOK_SECRET"):
        settings.require_bot_token()
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "s3cret-token_1")
    assert load_settings().require_bot_token() == VALID_TOKEN


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://karyar:pw@db:5432/karyar", "postgresql+psycopg://karyar:pw@db:5432/karyar"),
        ("postgres://karyar@db/karyar", "postgresql+psycopg://karyar@db/karyar"),
        ("sqlite:////srv/karyar.sqlite3", "sqlite:////srv/karyar.sqlite3"),
    ],
)
def test_database_urls_get_the_installed_driver(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


def test_env_file_is_read(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    env_file = tmp_path / ".env"
    env_file.write_text(f"TELEGRAM_BOT_TOKEN={VALID_TOKEN}\nRASA_AUTH_TOKEN=abc\n", encoding="utf-8")
    monkeypatch.setattr(Settings, "model_config", {**Settings.model_config, "env_file": env_file})
    settings = load_settings()
    assert settings.TELEGRAM_BOT_TOKEN == VALID_TOKEN and settings.RASA_AUTH_TOKEN == "abc"


def test_a_machine_is_a_developer_s_unless_it_says_production(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().production is False
    monkeypatch.setenv("KARYAR_ENV", "production")
    assert load_settings().production is True

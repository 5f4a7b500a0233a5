"""The bot's ready line: said once, and only when updates are taken in and Rasa and the actions answer."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest

from bot import readiness
from karyar.settings import Settings, load_settings

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
WEBHOOK = "https://karyar.example.org/telegram/hook"


class FakeRasa:
    def __init__(self) -> None:
        self.up = False
        self.checks = 0
        self.asked_thrice = asyncio.Event()

    async def healthy(self) -> bool:
        self.checks += 1
        if self.checks >= 3:
            self.asked_thrice.set()
        return self.up


def _settings(**values: str) -> Settings:
    return load_settings(_env_file=None, TELEGRAM_BOT_TOKEN=TOKEN, **values)


def _application(webhook_url: str = "") -> Any:
    async def get_webhook_info() -> SimpleNamespace:
        return SimpleNamespace(url=application.registered)

    application = SimpleNamespace(
        running=False, registered=webhook_url, bot=SimpleNamespace(username="karyar_bot")
    )
    application.bot.get_webhook_info = get_webhook_info
    return application


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readiness, "CHECK_SECONDS", 0.01)


async def test_ready_is_said_once_after_the_bot_runs_and_rasa_answers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    application, rasa = _application(), FakeRasa()
    announcer = asyncio.create_task(readiness.announce_when_ready(application, rasa, _settings()))
    application.running = True
    await asyncio.wait_for(rasa.asked_thrice.wait(), 5)
    assert capsys.readouterr().out == ""  # Rasa is still loading its model
    rasa.up = True
    await asyncio.wait_for(announcer, 5)
    assert capsys.readouterr().out == "ready: polling Telegram as @karyar_bot\n"


async def test_in_webhook_mode_ready_waits_for_the_webhook_to_be_registered(
    capsys: pytest.CaptureFixture[str],
) -> None:
    application, rasa = _application(webhook_url="https://old.example.org/hook"), FakeRasa()
    application.running, rasa.up = True, True
    settings = _settings(TELEGRAM_WEBHOOK_URL=WEBHOOK, TELEGRAM_WEBHOOK_SECRET="s3cret")
    announcer = asyncio.create_task(readiness.announce_when_ready(application, rasa, settings))
    await asyncio.wait_for(rasa.asked_thrice.wait(), 5)
    assert not announcer.done() and capsys.readouterr().out == ""
    application.registered = WEBHOOK
    await asyncio.wait_for(announcer, 5)
    assert capsys.readouterr().out == f"ready: webhook at {WEBHOOK} as @karyar_bot\n"


def test_another_bot_api_server_is_named_in_the_ready_line() -> None:
    settings = _settings(TELEGRAM_API_BASE_URL="http://127.0.0.1:8081")
    assert readiness.ready_line(settings, "karyar_local_bot") == (
        "ready: polling the Bot API at http://127.0.0.1:8081 as @karyar_local_bot"
    )


async def test_the_bot_stops_normally_before_it_was_ever_ready() -> None:
    application = _application()

    async def intake() -> None:
        await asyncio.sleep(0.05)

    await asyncio.wait_for(
        readiness.serve_announcing_ready(intake(), application, FakeRasa(), _settings()), 5
    )

"""Webhook mode: updates arrive by HTTPS POST, and only with Telegram's secret-token header."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from localapi.server import ThreadedLocalBotApi, run_in_thread
from tests.support.processes import free_port
from tests.support.stack import Stack, extra_bot

pytestmark = pytest.mark.e2e
TOKEN = "7000000002:AAwebhook-test-token-for-karyar-e2e"
SECRET = "webhook-secret_42"


@pytest.fixture(scope="module")
def webhook_bot(stack: Stack) -> Iterator[tuple[ThreadedLocalBotApi, str]]:
    port = free_port()
    webhook_url = f"http://127.0.0.1:{port}/telegram/hook-7f3a"
    with (
        run_in_thread(TOKEN) as api,
        extra_bot(
            stack,
            api,
            "webhook-bot",
            TELEGRAM_WEBHOOK_URL=webhook_url,
            TELEGRAM_WEBHOOK_SECRET=SECRET,
            TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
            TELEGRAM_WEBHOOK_PORT=str(port),
        ) as bot,
    ):
        if not api.wait_until(lambda: bool(api.api_calls("setWebhook")), timeout=60):
            raise RuntimeError(f"the bot never set its webhook:\n{bot.tail()}")
        yield api, webhook_url


def test_the_bot_registers_its_webhook_with_the_secret(webhook_bot: tuple[ThreadedLocalBotApi, str]) -> None:
    api, url = webhook_bot
    params = api.api_calls("setWebhook")[-1]["params"]
    assert params["url"] == url and params["secret_token"] == SECRET
    assert not api.api_calls("getUpdates")


def test_a_client_is_answered_through_the_webhook(webhook_bot: tuple[ThreadedLocalBotApi, str]) -> None:
    api, _url = webhook_bot
    sent = api.send_text(8_200_000_001, "سلام")
    [reply, *_] = api.wait_for_bot_messages(8_200_000_001, 1, since=sent, timeout=30)
    assert re.search(r"[\u0600-\u06FF]", reply["text"])


@pytest.mark.parametrize(
    "headers", [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}], ids=["missing", "wrong"]
)
def test_a_post_without_the_right_secret_is_refused(
    webhook_bot: tuple[ThreadedLocalBotApi, str], headers: dict[str, str]
) -> None:
    api, url = webhook_bot
    forged = {
        "update_id": 990001,
        "message": {
            "message_id": 1,
            "date": 1,
            "chat": {"id": 8_200_000_002, "type": "private", "first_name": "x"},
            "from": {"id": 8_200_000_002, "is_bot": False, "first_name": "x"},
            "text": "سلام",
        },
    }
    response = httpx.post(url, json=forged, headers=headers, timeout=10)
    assert response.status_code == 403
    assert api.bot_messages(8_200_000_002) == []

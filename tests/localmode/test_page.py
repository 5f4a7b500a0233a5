"""The chat page in headless Chromium against the local Bot API server alone, the test playing the bot:
what the page does on its own, quickly, without Rasa."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from localapi.server import ThreadedLocalBotApi
from ops.localmode.personas import (
    CLIENTS,
    COUNSELLOR,
    COUNSELLOR_GROUP_ID,
    COUNSELLOR_GROUP_TITLE,
    PERSONAS,
)
from tests.localapi.test_bot_methods import tiny_png
from tests.support.browser import BOT_MESSAGE

CLIENT = CLIENTS[0].user_id
COUNSELLOR_ID = COUNSELLOR.persona.user_id


@pytest.fixture
def api(chromium: str) -> Iterator[ThreadedLocalBotApi]:
    with ThreadedLocalBotApi(personas=PERSONAS) as api:
        for persona in PERSONAS:
            api.add_user(persona.user_id, persona.name)
        api.create_group(COUNSELLOR_GROUP_ID, COUNSELLOR_GROUP_TITLE, members=[COUNSELLOR_ID])
        yield api


def bot_call(
    api: ThreadedLocalBotApi, method: str, files: dict[str, Any] | None = None, **params: Any
) -> Any:
    """The bot calls a Bot API method."""
    url = f"{api.bot_url}{api.token}/{method}"
    response = httpx.post(url, data=params, files=files) if files else httpx.post(url, json=params)
    body = response.json()
    assert body["ok"], body
    return body["result"]


def test_the_reply_after_a_photo_stays_in_view_once_the_photo_has_loaded(
    api: ThreadedLocalBotApi, page: Page
) -> None:
    for number in range(1, 13):
        bot_call(api, "sendMessage", chat_id=CLIENT, text=f"پیام شماره {number}")
    page.goto(f"{api.url}/chat/#persona={CLIENT}")
    expect(page.locator(BOT_MESSAGE, has_text="پیام شماره 12")).to_be_in_viewport()

    bot_call(api, "sendPhoto", chat_id=CLIENT, files={"photo": ("tall.png", tiny_png(300, 600), "image/png")})
    page.wait_for_function(
        "[...document.querySelectorAll('img.photo')].some((img) => img.complete && img.naturalHeight)"
    )
    bot_call(api, "sendMessage", chat_id=CLIENT, text="پاسخ پس از عکس")
    expect(page.locator(BOT_MESSAGE, has_text="پاسخ پس از عکس")).to_be_in_viewport()


def test_a_counsellor_opens_on_the_case_waiting_for_her_else_where_she_was(
    api: ThreadedLocalBotApi, page: Page
) -> None:
    topic = bot_call(api, "createForumTopic", chat_id=COUNSELLOR_GROUP_ID, name=f"پرونده — {CLIENTS[0].name}")
    thread = topic["message_thread_id"]
    bot_call(api, "sendMessage", chat_id=COUNSELLOR_GROUP_ID, message_thread_id=thread, text="کارت پرونده")

    page.goto(f"{api.url}/chat/#persona={CLIENT}")
    expect(page.locator(f'[data-persona="{CLIENT}"]')).to_have_attribute("aria-selected", "true")
    expect(page.locator(f'[data-persona="{COUNSELLOR_ID}"] .unread')).to_be_visible()
    page.click(f'[data-persona="{COUNSELLOR_ID}"]')
    expect(page.locator(f'.thread-item[data-thread="{thread}"]')).to_have_attribute("aria-selected", "true")
    expect(page.locator(BOT_MESSAGE, has_text="کارت پرونده")).to_be_visible()

    # Nothing waiting any more: she comes back to where she was.
    page.click('.thread-item[data-thread="0"]')
    expect(page.locator('.thread-item[data-thread="0"]')).to_have_attribute("aria-selected", "true")
    page.click(f'[data-persona="{CLIENT}"]')
    expect(page.locator(f'[data-persona="{CLIENT}"]')).to_have_attribute("aria-selected", "true")
    page.click(f'[data-persona="{COUNSELLOR_ID}"]')
    expect(page.locator('.thread-item[data-thread="0"]')).to_have_attribute("aria-selected", "true")

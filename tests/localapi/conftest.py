"""Fixtures: a LocalBotApi on the test's event loop and a python-telegram-bot Bot talking to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from localapi import LocalBotApi

USER = 1001  # a Persian-speaking test user
OTHER = 1002


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    server = LocalBotApi()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def bot(api: LocalBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.bot_url, base_file_url=api.file_url) as client:
        yield client


@pytest.fixture
def user(api: LocalBotApi) -> int:
    """A user who has already written to the bot, so their chat exists."""
    api.add_user(USER, "علی", username="ali_test")
    return USER

"""What a client hears when handling her message fails: if the database was away, her message is handled
again once it is back, so she is told it will be answered and need not be sent again; after any other
failure she is asked to try again. Through python-telegram-bot and the local Bot API."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from telegram import Bot, Update

from bot.handlers.errors import on_error
from bot.polling import InboxUpdateProcessor
from karyar.texts import _
from localapi import LocalBotApi

USER = 7_400_000_002


@pytest.mark.parametrize(
    ("error", "told"),
    [
        (
            OperationalError("UPDATE messages", {}, Exception("server closed the connection")),
            "لازم نیست دوباره",
        ),
        (RuntimeError("a handler failed"), "دوباره امتحان کنید"),
    ],
)
async def test_a_failed_message_is_met_with_the_truth_about_what_happens_next(
    error: Exception, told: str
) -> None:
    async with LocalBotApi() as api, Bot(api.token, base_url=api.bot_url) as bot:
        sent = api.send_text(USER, "کار میخوام")
        [payload] = await bot.get_updates()
        update = Update.de_json(payload.to_dict(), bot)
        processor = InboxUpdateProcessor(1, database=None)  # type: ignore[arg-type]
        context: Any = SimpleNamespace(
            error=error, bot=bot, application=SimpleNamespace(update_processor=processor)
        )
        await on_error(update, context)
        [reply] = api.bot_messages(USER, since=sent)
    assert told in reply["text"]
    retried = isinstance(error, OperationalError)
    assert reply["text"] == _(
        "Something went wrong: the answer will follow" if retried else "Something went wrong"
    )

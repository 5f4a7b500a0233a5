"""Every Bot API method the bot calls is one the local server implements, so local mode never meets a 404.

The methods are read from the bot's code: python-telegram-bot's own Bot methods by name, plus the
shortcuts on messages and callback queries that stand for them, plus what the Application calls itself.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from telegram import Bot

from localapi.methods import METHODS

BOT_CODE = Path(__file__).resolve().parents[2] / "bot"
# Shortcuts the bot uses on Message and CallbackQuery objects, and the method each one calls.
SHORTCUTS = {
    "reply_text": "sendMessage",
    "reply_photo": "sendPhoto",
    "reply_document": "sendDocument",
    "edit_text": "editMessageText",
    "edit_reply_markup": "editMessageReplyMarkup",
    "answer": "answerCallbackQuery",
}
# What python-telegram-bot's Application calls on its own when it starts, polls or serves a webhook.
APPLICATION = {"getMe", "getUpdates", "deleteWebhook", "setWebhook"}


def _api_name(snake: str) -> str | None:
    """python-telegram-bot keeps the Bot API's camelCase names as aliases of its methods."""
    function = getattr(Bot, snake, None)
    if function is None or not inspect.iscoroutinefunction(function):
        return None
    return next(
        (name for name in dir(Bot) if name != snake and "_" not in name and getattr(Bot, name) is function),
        None,
    )


def methods_the_bot_calls() -> set[str]:
    called = re.compile(r"\.([a-z][a-z_]*)\(")
    names = {m.group(1) for path in BOT_CODE.rglob("*.py") for m in called.finditer(path.read_text("utf-8"))}
    found = {api for api in map(_api_name, names) if api}
    found |= {SHORTCUTS[name] for name in names if name in SHORTCUTS}
    return found | APPLICATION


def test_every_method_the_bot_calls_is_implemented() -> None:
    used = methods_the_bot_calls()
    # The scan finds what the handoffs, broadcasts and conversations need (it cannot come back empty).
    assert {"sendMessage", "sendPhoto", "copyMessage", "editMessageText", "answerCallbackQuery",
            "createForumTopic", "editForumTopic", "closeForumTopic", "sendChatAction",
            "setMyCommands"} <= used  # fmt: skip
    missing = sorted(name for name in used if name.lower() not in METHODS)
    assert missing == [], f"the bot calls Bot API methods the local server lacks: {missing}"

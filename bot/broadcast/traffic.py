"""Conversations' sends, noted for the broadcast's pace: python-telegram-bot calls this around every request
the interactive bot makes. Nothing is held back here; a flood-wait answer also holds the broadcast. Being
around every request, it is also where a replayed press's too-late answer is let go."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, RetryAfter
from telegram.ext import BaseRateLimiter

from bot.broadcast.gate import SendGate, flood_wait

logger = logging.getLogger(__name__)

# Methods that put a message in a chat (edits and chat actions count with Telegram too).
_SENDS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVoice",
        "sendVideo",
        "sendAudio",
        "sendAnimation",
        "sendSticker",
        "sendLocation",
        "sendContact",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
    }
)


class ConversationTraffic(BaseRateLimiter[None]):
    def __init__(self, gate: SendGate) -> None:
        self._gate = gate

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if endpoint in _SENDS:
            chat_id = data.get("chat_id")
            self._gate.note(chat_id if isinstance(chat_id, int) else None)
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as error:
            self._gate.hold(flood_wait(error))
            raise
        except BadRequest as error:
            if endpoint == "answerCallbackQuery" and "query is too old" in error.message.lower():
                # A press handled again after a restart: Telegram no longer takes an answer, and the
                # handler must still do its work (which is written to be safe to repeat).
                logger.info(
                    "a button press was answered too late to show its notice (a replay after a restart)"
                )
                return True
            raise

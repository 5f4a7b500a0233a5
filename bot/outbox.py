"""Sending to a client, with every outbound message written to the case database."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyParameters
from telegram.error import BadRequest, Forbidden

from bot.keyboards import rasa_buttons
from bot.observability import metrics
from karyar import clients, messages
from karyar.db.engine import Database

logger = logging.getLogger(__name__)

TELEGRAM_TEXT_LIMIT = 4096
ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup


def split_text(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Split a long text at line breaks or spaces so no part exceeds Telegram's limit."""
    parts: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
        cut = cut if cut > limit // 2 else limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    parts.append(text)
    return [part for part in parts if part]


class Outbox:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def send_text(
        self,
        bot: Bot,
        *,
        client_id: int,
        chat_id: int,
        text: str,
        reply_markup: ReplyMarkup | None = None,
        reply_to: int | None = None,
        handoff_id: int | None = None,
    ) -> int | None:
        """Send a text (split if too long; the markup goes on the last part). Returns the last Telegram id."""
        sent_id = None
        parts = split_text(text)
        for number, part in enumerate(parts, start=1):
            markup = reply_markup if number == len(parts) else None
            logged = await self._db.run_async(
                messages.log_outbound, client_id=client_id, kind="text", text=part, handoff_id=handoff_id
            )
            sent_id = await self._deliver(
                bot,
                chat_id=chat_id,
                logged_id=logged.id,
                text=part,
                reply_markup=markup,
                reply_to=reply_to if number == 1 else None,
            )
        return sent_id

    async def send_with_buttons(
        self,
        bot: Bot,
        *,
        client_id: int,
        chat_id: int,
        text: str,
        buttons: list[dict[str, Any]],
        reply_to: int | None = None,
        batch: int | None = None,
    ) -> int | None:
        """Send Rasa buttons; the payloads are logged first so the button data can point at them.

        `batch` groups the buttons of one answer (several course cards, say): they stay current together.
        """
        logged = await self._db.run_async(
            messages.log_outbound,
            client_id=client_id,
            kind="buttons",
            text=text,
            extra={"buttons": buttons, "batch": batch},
        )
        markup = rasa_buttons(logged.id, [str(button.get("title", "")) for button in buttons])
        return await self._deliver(
            bot, chat_id=chat_id, logged_id=logged.id, text=text, reply_markup=markup, reply_to=reply_to
        )

    async def _deliver(
        self,
        bot: Bot,
        *,
        chat_id: int,
        logged_id: int,
        text: str,
        reply_markup: ReplyMarkup | None,
        reply_to: int | None,
    ) -> int | None:
        reply = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
        try:
            sent = await bot.send_message(chat_id, text, reply_markup=reply_markup, reply_parameters=reply)
        except Forbidden:
            logger.info("chat %s has blocked the bot; marking the client", chat_id)
            await self._db.run_async(clients.mark_blocked, telegram_user_id=chat_id)
            return None
        except BadRequest as error:
            metrics.ERRORS.labels("telegram_refused").inc()
            logger.error("Telegram refused outbound message %s: %s", logged_id, error.message)
            return None
        metrics.MESSAGES.labels("out").inc()
        await self._db.run_async(
            messages.set_telegram_message_id, message_id=logged_id, telegram_message_id=sent.message_id
        )
        return sent.message_id

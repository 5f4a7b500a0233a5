"""Sending to a client, with every outbound message written to the case database."""

from __future__ import annotations

import logging
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to a client: a text (split when too long), or a text with Rasa's buttons."""

    text: str
    buttons: list[dict[str, Any]] | None = None
    reply_to: int | None = None  # the client's message it quotes
    batch: int | None = None  # buttons of one answer stay current together (see send_with_buttons)
    reply_markup: ReplyMarkup | None = None  # a keyboard of our own, on a text's last part
    handoff_id: int | None = None  # written during this handoff

    def parts(self) -> list[tuple[str, bool, bool]]:
        """Its texts as sent, each with whether it is the first and whether it is the last."""
        texts = [self.text] if self.buttons else split_text(self.text)
        return [(text, number == 1, number == len(texts)) for number, text in enumerate(texts, start=1)]

    def logged(self, text: str) -> tuple[str, str, dict[str, Any] | None, int | None]:
        """How one of its texts is written to the case database: kind, text, extra, handoff."""
        extra = {"buttons": self.buttons, "batch": self.batch} if self.buttons else None
        return ("buttons" if self.buttons else "text", text, extra, self.handoff_id)


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
        outgoing = Outgoing(text, reply_to=reply_to, reply_markup=reply_markup, handoff_id=handoff_id)
        return await self.send_answer(bot, client_id=client_id, chat_id=chat_id, answer=[outgoing])

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
        outgoing = Outgoing(text, buttons, reply_to=reply_to, batch=batch)
        return await self.send_answer(bot, client_id=client_id, chat_id=chat_id, answer=[outgoing])

    async def send_answer(
        self, bot: Bot, *, client_id: int, chat_id: int, answer: list[Outgoing]
    ) -> int | None:
        """Send messages in order: all logged in one unit of work before the first is sent, their Telegram
        ids recorded together after the last (two database round trips, not two per message). Returns the
        last Telegram id; nothing to send, nothing done."""
        parts = [(outgoing, *part) for outgoing in answer for part in outgoing.parts()]
        if not parts:
            return None
        logged_ids = await self._db.run_async(
            messages.log_outbound_many,
            client_id=client_id,
            rows=[outgoing.logged(text) for outgoing, text, _first, _last in parts],
        )
        sent: dict[int, int] = {}
        sent_id = None
        for (outgoing, text, first, last), logged_id in zip(parts, logged_ids, strict=True):
            if outgoing.buttons:
                titles = [str(button.get("title", "")) for button in outgoing.buttons]
                markup: ReplyMarkup | None = rasa_buttons(logged_id, titles)
            else:
                markup = outgoing.reply_markup if last else None
            sent_id = await self._post(
                bot,
                chat_id=chat_id,
                logged_id=logged_id,
                text=text,
                reply_markup=markup,
                reply_to=outgoing.reply_to if first else None,  # only a text's first part quotes
            )
            if sent_id is not None:
                sent[logged_id] = sent_id
        if sent:
            await self._db.run_async(messages.set_telegram_message_ids, sent=sent)
        return sent_id

    async def _post(
        self,
        bot: Bot,
        *,
        chat_id: int,
        logged_id: int,
        text: str,
        reply_markup: ReplyMarkup | None,
        reply_to: int | None,
    ) -> int | None:
        """Send one logged message to Telegram; its Telegram id, or None if Telegram would not take it."""
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
        return sent.message_id

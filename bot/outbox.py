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
    """One of the messages of an answer: a text, or a text with Rasa's buttons."""

    text: str
    buttons: list[dict[str, Any]] | None = None
    reply_to: int | None = None  # the client's message it quotes
    batch: int | None = None  # buttons of one answer stay current together (see send_with_buttons)


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

    async def send_answer(self, bot: Bot, *, client_id: int, chat_id: int, answer: list[Outgoing]) -> None:
        """Send the messages of one answer in order: all logged in one unit of work before the first is sent,
        their Telegram ids recorded together after the last (two database round trips, not two per message)."""
        parts: list[tuple[Outgoing, str]] = []
        for outgoing in answer:
            texts = [outgoing.text] if outgoing.buttons else split_text(outgoing.text)
            parts += [(outgoing, text) for text in texts]
        logged_ids = await self._db.run_async(
            messages.log_outbound_many,
            client_id=client_id,
            rows=[
                ("buttons", text, {"buttons": outgoing.buttons, "batch": outgoing.batch})
                if outgoing.buttons
                else ("text", text, None)
                for outgoing, text in parts
            ],
        )
        sent: dict[int, int] = {}
        quoted: set[int] = set()
        for (outgoing, text), logged_id in zip(parts, logged_ids, strict=True):
            titles = [str(button.get("title", "")) for button in outgoing.buttons or []]
            telegram_id = await self._post(
                bot,
                chat_id=chat_id,
                logged_id=logged_id,
                text=text,
                reply_markup=rasa_buttons(logged_id, titles) if outgoing.buttons else None,
                reply_to=outgoing.reply_to if id(outgoing) not in quoted else None,
            )
            quoted.add(id(outgoing))
            if telegram_id is not None:
                sent[logged_id] = telegram_id
        if sent:
            await self._db.run_async(messages.set_telegram_message_ids, sent=sent)

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
        sent_id = await self._post(
            bot, chat_id=chat_id, logged_id=logged_id, text=text, reply_markup=reply_markup, reply_to=reply_to
        )
        if sent_id is not None:
            await self._db.run_async(messages.set_telegram_message_ids, sent={logged_id: sent_id})
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

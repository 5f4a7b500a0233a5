"""What a client's message says beyond what its answer covers, told before the answer (so a question the
answer ends with stays the last thing she reads): distress gets empathy and a person, a topic outside
Karyar's work gets who answers it, and questions asked in passing are each given a way on.

The NLU reads one intent per message; these are read from the client's own words, whatever it made of them.
"""

from __future__ import annotations

from telegram import Bot

from bot import also_asked, care
from bot.outbox import Outbox
from bot.rasa_client import RasaReply
from karyar.asked import left_unanswered
from karyar.db.engine import Database
from karyar.messages import PendingMessage
from karyar.policies.elsewhere import pointer_for_client
from karyar.wellbeing import distress
from karyar.wellbeing.distress import signs_of_distress

# The answer to these intents already says who answers an outside topic (action_fallback).
_POINTING_INTENTS = frozenset({"out_of_scope", "nlu_fallback"})


class Listener:
    def __init__(self, *, database: Database, outbox: Outbox) -> None:
        self._db = database
        self._outbox = outbox

    async def before_the_answer(
        self,
        bot: Bot,
        message: PendingMessage,
        *,
        chat_id: int,
        replies: list[RasaReply],
        intent: str | None,
        reply_to: int | None,
    ) -> bool:
        """Say what the answer will not; True if something was sent (it quoted `reply_to`)."""
        if (
            message.kind != "text"
        ):  # buttons, commands and resumed requests say nothing more than their answer
            return False
        sent = await self._offer_care(bot, message, chat_id=chat_id, replies=replies, reply_to=reply_to)
        if care.hands_over(replies):
            return sent
        if intent not in _POINTING_INTENTS:
            sent = (
                await self._point_elsewhere(
                    bot, message, chat_id=chat_id, reply_to=None if sent else reply_to
                )
                or sent
            )
        return await self._name_the_rest(bot, message, chat_id=chat_id, intent=intent) or sent

    async def _offer_care(
        self,
        bot: Bot,
        message: PendingMessage,
        *,
        chat_id: int,
        replies: list[RasaReply],
        reply_to: int | None,
    ) -> bool:
        """Mark distress on the case and, unless she was comforted lately, comfort her first: with a person
        offered, or, when the answer hands her to one (a complaint, say), before it says who will answer."""
        kinds = signs_of_distress(message.rasa_text)
        if not kinds:
            return False
        offer = await self._db.run_async(
            distress.mark, client_id=message.client_id, message_id=message.id, kinds=kinds
        )
        if not offer:
            return False
        if care.hands_over(replies):
            await self._outbox.send_text(
                bot,
                client_id=message.client_id,
                chat_id=chat_id,
                text=care.care_text(kinds, person_coming=True),
                reply_to=reply_to,
            )
            return True
        await self._outbox.send_with_buttons(
            bot,
            client_id=message.client_id,
            chat_id=chat_id,
            text=care.care_text(kinds),
            buttons=care.care_buttons(),
            reply_to=reply_to,
            batch=message.id,
        )
        return True

    async def _point_elsewhere(
        self, bot: Bot, message: PendingMessage, *, chat_id: int, reply_to: int | None
    ) -> bool:
        """A topic outside Karyar's work, mentioned in a message read as something else: who answers it."""
        told = await self._db.run_async(
            pointer_for_client, client_id=message.client_id, text=message.rasa_text
        )
        if told is None:
            return False
        await self._outbox.send_text(
            bot, client_id=message.client_id, chat_id=chat_id, text=told, reply_to=reply_to
        )
        return True

    async def _name_the_rest(
        self, bot: Bot, message: PendingMessage, *, chat_id: int, intent: str | None
    ) -> bool:
        """The questions asked in passing that the answer does not cover, each with a way on."""
        rest = left_unanswered(message.rasa_text, answered_intent=intent)
        if not rest:
            return False
        text, buttons = also_asked.message(rest)
        await self._outbox.send_with_buttons(
            bot, client_id=message.client_id, chat_id=chat_id, text=text, buttons=buttons, batch=message.id
        )
        return True

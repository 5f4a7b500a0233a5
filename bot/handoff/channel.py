"""Where counsellors see a handoff: its topic in the counsellors' forum group, or their private chats.

Every message posted about a handoff is recorded, so a counsellor can answer a client by replying to it
and a claim can update every copy of the card. A topic someone deleted is created again on the next post.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot, InlineKeyboardMarkup, Message, MessageId, ReplyParameters
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.handoff.screens import card_text, claim_keyboard, conversation_keyboard
from karyar.db.engine import Database
from karyar.handoff import desk, posts
from karyar.handoff.posts import PostKind
from karyar.handoff.snapshot import CaseSnapshot
from karyar.handoff.views import Colleague, Recipient
from karyar.texts import _
from persian.format import persian_text

logger = logging.getLogger(__name__)

TOPIC_NAME_LIMIT = 128
# Kinds of client message relayed as text, and the media that can carry the client's name as a caption.
TEXT_KINDS = frozenset({"text", "menu", "command", "button"})
CAPTIONED_KINDS = frozenset({"photo", "video", "animation", "document", "audio", "voice"})
Sent = Message | MessageId


# What Telegram answers when a topic was deleted; a closed or unchanged topic is not gone.
_TOPIC_GONE = ("message thread not found", "topic_deleted", "topic_id_invalid")


def topic_missing(error: BadRequest) -> bool:
    message = error.message.lower()
    return any(reason in message for reason in _TOPIC_GONE)


class CounsellorChannel:
    def __init__(self, database: Database, *, forum_chat_id: int | None) -> None:
        self._db = database
        self.forum_chat_id = forum_chat_id

    @property
    def forum(self) -> bool:
        return self.forum_chat_id is not None

    async def snapshot(self, handoff_id: int) -> CaseSnapshot:
        return await self._db.run_async(desk.card, handoff_id=handoff_id)

    # --- the card -------------------------------------------------------------------------

    async def post_card(
        self,
        bot: Bot,
        handoff_id: int,
        *,
        recipients: Sequence[Recipient],
        markup: InlineKeyboardMarkup | None,
        prefix: str = "",
        in_private: bool = False,
    ) -> int:
        """Post the case card in the topic, or to each recipient in private; returns how many got it.

        Off-duty colleagues get it silently, so they see it when they start without being woken.
        """
        text = prefix + card_text(await self.snapshot(handoff_id))
        if self.forum and not in_private:
            if await self._db.run_async(posts.topic_of, handoff_id=handoff_id) is None:
                # a new topic opens with the card
                return 1 if await self._topic(bot, handoff_id) is not None else 0
            sent = await self.to_topic(
                bot,
                handoff_id,
                lambda thread: self._send(bot, self._chat, text, markup, thread),
                kind=PostKind.CARD,
            )
            return 1 if sent is not None else 0
        delivered = 0
        for recipient in recipients:
            member = recipient.colleague
            try:
                message = await bot.send_message(
                    member.telegram_user_id,
                    text,
                    reply_markup=markup,
                    disable_notification=not recipient.on_duty,
                )
            except TelegramError as error:
                logger.warning(
                    "case card of handoff %s not delivered to staff %s: %s", handoff_id, member.id, error
                )
                continue
            await self._record(handoff_id, message.chat_id, message.message_id, PostKind.CARD)
            delivered += 1
        return delivered

    async def update_cards(
        self, bot: Bot, handoff_id: int, *, markup_for: Callable[[int], InlineKeyboardMarkup | None]
    ) -> None:
        """Show every copy of the card as it is now; `markup_for(chat_id)` gives each copy its buttons."""
        text = card_text(await self.snapshot(handoff_id))
        for post in await self._db.run_async(posts.posts_of, handoff_id=handoff_id, kind=PostKind.CARD):
            try:
                await bot.edit_message_text(
                    text,
                    chat_id=post.chat_id,
                    message_id=post.message_id,
                    reply_markup=markup_for(post.chat_id),
                )
            except TelegramError as error:
                # Deleted by hand or unchanged: the next post carries the news anyway.
                logger.info("card %s of handoff %s not updated: %s", post.message_id, handoff_id, error)

    # --- posting ----------------------------------------------------------------------------

    async def notice(
        self,
        bot: Bot,
        handoff_id: int,
        text: str,
        *,
        member: Colleague | None = None,
        markup: InlineKeyboardMarkup | None = None,
    ) -> Sent | None:
        """A line about the case: in its topic, or in private to one colleague or, if none is named, to
        everyone who was shown the card."""
        if self.forum:
            return await self.to_topic(
                bot, handoff_id, lambda thread: self._send(bot, self._chat, text, markup, thread)
            )
        if member is None:
            return await self._under_cards(bot, handoff_id, text)
        chat = member.telegram_user_id
        return await self._deliver(
            bot, handoff_id, PostKind.NOTICE, chat, self._send(bot, chat, text, markup, None)
        )

    async def _under_cards(self, bot: Bot, handoff_id: int, text: str) -> Sent | None:
        sent: Sent | None = None
        for card in await self._db.run_async(posts.posts_of, handoff_id=handoff_id, kind=PostKind.CARD):
            reply = ReplyParameters(card.message_id, allow_sending_without_reply=True)
            sending = bot.send_message(card.chat_id, text, reply_parameters=reply)
            sent = await self._deliver(bot, handoff_id, PostKind.NOTICE, card.chat_id, sending) or sent
        return sent

    async def relay_up(
        self,
        bot: Bot,
        handoff_id: int,
        *,
        client_chat_id: int,
        message_id: int,
        header: str,
        kind: str,
        text: str | None,
        claimant: Colleague | None,
    ) -> bool:
        """Show a client's message to the counsellor under the client's name (a bare copy would read as the
        bot's own words): in the case's topic, or in private to the counsellor who has the case."""

        def relayed(chat: int, thread: int | None) -> Awaitable[Sent]:
            return _relayed(
                bot, chat, thread, client_chat_id, message_id, header=header, kind=kind, text=text
            )

        if self.forum:
            sent = await self.to_topic(
                bot, handoff_id, lambda thread: relayed(self._chat, thread), kind=PostKind.RELAY
            )
            return sent is not None
        if claimant is None:
            return False
        chat = claimant.telegram_user_id
        return await self._deliver(bot, handoff_id, PostKind.RELAY, chat, relayed(chat, None)) is not None

    async def to_topic(
        self,
        bot: Bot,
        handoff_id: int,
        send: Callable[[int], Awaitable[Sent]],
        *,
        kind: PostKind = PostKind.NOTICE,
    ) -> Sent | None:
        thread = await self._topic(bot, handoff_id)
        if thread is None:
            return None
        try:
            return await self._deliver(
                bot, handoff_id, kind, self._chat, send(thread), raise_missing_topic=True
            )
        except BadRequest as error:
            if not topic_missing(error):
                raise
        logger.warning("the topic of handoff %s is gone; creating it again", handoff_id)
        await self._db.run_async(posts.set_topic, handoff_id=handoff_id, chat_id=None, thread_id=None)
        thread = await self._topic(bot, handoff_id, recreated=True)
        if thread is None:
            return None
        return await self._deliver(bot, handoff_id, kind, self._chat, send(thread))

    async def close_topic(self, bot: Bot, handoff_id: int, *, name_prefix: str) -> None:
        topic = await self._db.run_async(posts.topic_of, handoff_id=handoff_id) if self.forum else None
        if topic is None:
            return
        snapshot = await self.snapshot(handoff_id)
        try:
            await bot.edit_forum_topic(self._chat, topic.thread_id, name=_topic_name(snapshot, name_prefix))
            await bot.close_forum_topic(self._chat, topic.thread_id)
        except TelegramError as error:
            logger.info("topic of handoff %s not closed: %s", handoff_id, error)

    # --- internals ----------------------------------------------------------------------------

    @property
    def _chat(self) -> int:
        assert self.forum_chat_id is not None
        return self.forum_chat_id

    async def _topic(self, bot: Bot, handoff_id: int, *, recreated: bool = False) -> int | None:
        """The case's topic, created (with the card first) if it has none yet."""
        topic = await self._db.run_async(posts.topic_of, handoff_id=handoff_id)
        if topic is not None and topic.chat_id == self.forum_chat_id:
            return topic.thread_id
        snapshot = await self.snapshot(handoff_id)
        try:
            created = await bot.create_forum_topic(self._chat, _topic_name(snapshot, ""))
        except TelegramError as error:
            logger.error(
                "could not create a topic for handoff %s in the counsellors' group %s: %s; check that the bot "
                "is an admin there with the right to manage topics",
                handoff_id,
                self._chat,
                error,
            )
            return None
        thread = created.message_thread_id
        await self._db.run_async(posts.set_topic, handoff_id=handoff_id, chat_id=self._chat, thread_id=thread)
        prefix = _("Card: topic recreated") + "\n\n" if recreated else ""
        markup = (
            claim_keyboard(handoff_id) if snapshot.claimed_by is None else conversation_keyboard(handoff_id)
        )
        card = self._send(bot, self._chat, prefix + card_text(snapshot), markup, thread)
        await self._deliver(bot, handoff_id, PostKind.CARD, self._chat, card)
        return thread

    def _send(
        self, bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None, thread: int | None
    ) -> Awaitable[Message]:
        return bot.send_message(chat_id, text, reply_markup=markup, message_thread_id=thread)

    async def _deliver(
        self,
        bot: Bot,
        handoff_id: int,
        kind: PostKind,
        chat_id: int,
        sending: Awaitable[Sent],
        *,
        raise_missing_topic: bool = False,
    ) -> Sent | None:
        try:
            sent = await sending
        except BadRequest as error:
            if raise_missing_topic and topic_missing(error):
                raise
            logger.error("Telegram refused a post about handoff %s: %s", handoff_id, error.message)
            return None
        except Forbidden as error:
            logger.error("a post about handoff %s could not be delivered: %s", handoff_id, error.message)
            return None
        await self._record(handoff_id, chat_id, sent.message_id, kind)
        return sent

    async def _record(self, handoff_id: int, chat_id: int, message_id: int, kind: PostKind) -> None:
        await self._db.run_async(
            posts.record_post, handoff_id=handoff_id, chat_id=chat_id, message_id=message_id, kind=kind
        )


async def _relayed(
    bot: Bot,
    chat: int,
    thread: int | None,
    client_chat_id: int,
    message_id: int,
    *,
    header: str,
    kind: str,
    text: str | None,
) -> Sent:
    """A client's message with their name first: a text as a new message, media copied with the name in
    the caption, and what can carry no caption (a sticker, a round video) copied after a line with it."""
    if kind in TEXT_KINDS:
        return await bot.send_message(chat, f"{header}\n{text or ''}", message_thread_id=thread)
    if kind in CAPTIONED_KINDS:
        caption = f"{header}\n{text}" if text else header
        return await bot.copy_message(
            chat, client_chat_id, message_id, caption=caption, message_thread_id=thread
        )
    await bot.send_message(chat, header, message_thread_id=thread)
    return await bot.copy_message(chat, client_chat_id, message_id, message_thread_id=thread)


def _topic_name(snapshot: CaseSnapshot, prefix: str) -> str:
    title = _("Topic: name").format(case=persian_text(str(snapshot.case_id)), name=snapshot.client_name)
    name = prefix + title
    return name[:TOPIC_NAME_LIMIT]

"""The conversation relay: client messages to Rasa and Rasa's replies back, without losing any.

Every inbound message is stored before anything else happens and stays PENDING until Rasa has answered
it. Messages of one client are answered one at a time, in the order they were sent; when Rasa is down the
client is told once, and a repeating job answers everything that waited as soon as Rasa is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session
from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import TelegramError

from bot.handoff.desk import HandoffDesk
from bot.keyboards import consent_keyboard, main_menu
from bot.listening import Listener
from bot.observability import metrics
from bot.outbox import Outbox, Outgoing
from bot.privacy.desk import PrivacyDesk
from bot.rasa_client import RasaClient, RasaReply, RasaUnavailableError
from karyar import messages
from karyar.clock import now
from karyar.db.engine import Database
from karyar.handoff import queue as handoff_queue
from karyar.identity.cipher import DataCipher
from karyar.inbound import Inbound, Receipt
from karyar.inbound import store as inbound_store
from karyar.messages import PendingMessage
from karyar.texts import _

logger = logging.getLogger(__name__)

# NLU needs no more than this; the whole text is still stored.
RASA_TEXT_LIMIT = 1000
_TYPING_REFRESH_SECONDS = 4.0
# An answer that comes sooner arrives before "typing…" would have been seen: not worth a request to Telegram.
_TYPING_AFTER_SECONDS = 0.3
# A client with this many messages waiting behind the one being answered is asked, once, to slow down;
# beyond FLOOD_CAP waiting, messages are recorded but not answered one by one.
FLOOD_NOTICE_AT = 4
FLOOD_CAP = 20

# Renders the value of a custom payload key another feature owns: (bot, client_id, chat_id, value).
CustomRenderer = Callable[[Bot, int, int, Any], Awaitable[None]]


class Relay:
    def __init__(
        self,
        *,
        database: Database,
        rasa: RasaClient,
        outbox: Outbox,
        desk: HandoffDesk,
        privacy: PrivacyDesk,
        cipher: DataCipher,
        patience_seconds: float,
    ) -> None:
        self._db = database
        self._cipher = cipher
        self._rasa = rasa
        self._outbox = outbox
        self._desk = desk
        self._privacy = privacy
        self._listener = Listener(database=database, outbox=outbox)
        self._patience = patience_seconds
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._store_locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        # Messages stored while the client's answering loop was running, not yet picked up by it.
        self._waiting: defaultdict[int, int] = defaultdict(int)
        self._told_flood: set[int] = set()  # asked to slow down during the flood being answered now
        self._told_unavailable: set[int] = set()
        # Messages this process stored and has not yet sent to Rasa: one of them that waited (behind the
        # client's previous answer) cannot have reached Rasa, so there is no need to ask Rasa whether it did.
        self._never_sent: set[int] = set()
        self._typing_tasks: set[asyncio.Task[None]] = set()
        self._renderers: dict[str, CustomRenderer] = {}

    def add_renderer(self, key: str, renderer: CustomRenderer) -> None:
        """Custom payloads with this key are shown by `renderer` (a feature's own conversation starts so)."""
        self._renderers[key] = renderer

    async def receive(self, bot: Bot, inbound: Inbound) -> Receipt:
        """Store a client's message, then pass it on: to the counsellor during a handoff, as a comment on
        the counsellor's help if one was asked for, else to Rasa (with any earlier unanswered ones) if it is
        for Rasa. Messages that are none of these are only stored; the caller answers them.

        While one of the client's messages is being answered, later ones are stored and left to that answering
        loop, so a client who floods holds one handler, not dozens, and everybody else is served as usual."""
        user_id = inbound.identity.user_id
        lock = self._locks[user_id]
        metrics.MESSAGES.labels("in").inc()
        async with self._store_locks[user_id]:  # stored in the order sent
            if inbound.rasa_text is not None and lock.locked() and self._waiting[user_id] >= FLOOD_CAP:
                # Recorded like every message, but not answered one by one.
                inbound = replace(inbound, rasa_text=None, extra={**(inbound.extra or {}), "flood": True})
            receipt: Receipt = await self._db.run_async(
                inbound_store, inbound=inbound, cipher=self._cipher, bot_id=bot.id
            )
            for_rasa = inbound.rasa_text is not None and receipt.handoff_id is None and not receipt.comment
            if for_rasa:
                self._never_sent.add(receipt.message_id)
            if for_rasa and lock.locked():
                self._waiting[user_id] += 1  # counted here, so the next message in line sees it
        if receipt.handoff_id is not None or receipt.comment:
            async with lock:  # relayed in the order sent
                await self._pass_on(bot, receipt, inbound)
        elif inbound.rasa_text is not None:
            if lock.locked():
                await self._wait_behind(bot, receipt, user_id=user_id)
                return receipt
            async with lock:
                while await self._drain(
                    bot, client_id=receipt.client_id, user_id=user_id, fresh_id=receipt.message_id
                ):
                    # Nothing awaits between this check and the release: a message stored later finds
                    # the lock free and answers itself.
                    if not self._waiting.pop(user_id, 0):
                        break
                self._waiting.pop(user_id, None)
                self._told_flood.discard(user_id)
        return receipt

    async def _pass_on(self, bot: Bot, receipt: Receipt, inbound: Inbound) -> None:
        if receipt.handoff_id is not None:
            await self._desk.from_client(
                bot, handoff_id=receipt.handoff_id, kind=inbound.kind, text=inbound.text
            )
            return
        await self._outbox.send_text(
            bot,
            client_id=receipt.client_id,
            chat_id=inbound.identity.user_id,
            text=_("Rating: comment saved"),
            reply_markup=main_menu(),
        )

    async def _wait_behind(self, bot: Bot, receipt: Receipt, *, user_id: int) -> None:
        """The message waits for the answering loop already running for this client; a flood is told once."""
        if self._waiting[user_id] >= FLOOD_NOTICE_AT and user_id not in self._told_flood:
            self._told_flood.add(user_id)
            metrics.FLOODS.inc()
            logger.info(
                "client %s is sending faster than they can be answered; asked to slow down", receipt.client_id
            )
            await self._outbox.send_text(
                bot, client_id=receipt.client_id, chat_id=user_id, text=_("Flood: slow down")
            )

    async def answer_waiting(self, bot: Bot) -> int:
        """Answer the messages that waited while Rasa was unavailable; returns how many clients were served."""
        # Only this bot's: another bot sharing the database answers its own clients, through its own token.
        waiting = await self._db.run_async(messages.clients_with_pending, bot_id=bot.id)
        if not waiting or not await self._rasa.healthy():
            return 0
        served = 0
        for client_id, user_id in waiting:
            lock = self._locks[user_id]
            if lock.locked():
                continue  # a live message of this client is being handled and drains the rest itself
            async with lock:
                if not await self._drain(bot, client_id=client_id, user_id=user_id, fresh_id=None):
                    break
            served += 1
        return served

    async def _drain(self, bot: Bot, *, client_id: int, user_id: int, fresh_id: int | None) -> bool:
        """Answer the client's pending messages oldest first; False if Rasa became unavailable."""
        pending, paused = await self._db.run_async(_pending_and_paused, client_id=client_id, bot_id=bot.id)
        if paused is not None:  # a handoff ended while Rasa was away: give it the conversation back first
            await self._desk.resume_rasa(handoff_id=paused.handoff_id, chat_id=user_id)
        for message in pending:
            delayed = message.id != fresh_id
            try:
                replies = await self._ask_rasa(bot, message, user_id=user_id, delayed=delayed)
            except RasaUnavailableError as error:
                metrics.ERRORS.labels("rasa_unavailable").inc()
                logger.warning("message %s of client %s waits for Rasa: %s", message.id, client_id, error)
                if user_id not in self._told_unavailable:
                    self._told_unavailable.add(user_id)
                    await self._outbox.send_text(
                        bot, client_id=client_id, chat_id=user_id, text=_("Rasa unavailable")
                    )
                return False
            understanding = await self._rasa.understanding(sender_id=str(user_id), message_id=message.id)
            await self._db.run_async(
                messages.mark_answered,
                message_id=message.id,
                intent=understanding.intent,
                confidence=understanding.confidence,
            )
            self._told_unavailable.discard(user_id)
            reply_to = message.telegram_message_id if delayed else None
            if await self._listener.before_the_answer(
                bot, message, chat_id=user_id, replies=replies, intent=understanding.intent, reply_to=reply_to
            ):
                reply_to = None
            await self.render(
                bot,
                client_id=client_id,
                chat_id=user_id,
                replies=replies,
                reply_to=reply_to,
                answering=message.id,
            )
            metrics.REPLY_SECONDS.observe((now() - message.created_at).total_seconds())
        return True

    async def _ask_rasa(
        self, bot: Bot, message: PendingMessage, *, user_id: int, delayed: bool
    ) -> list[RasaReply]:
        sender_id = str(user_id)
        if delayed and message.id not in self._never_sent:
            # A call that timed out, or one made before the bot restarted, may still have reached Rasa;
            # never let it see a message twice.
            already = await self._rasa.replies_already_given(sender_id=sender_id, message_id=message.id)
            if already is not None:
                return already
        self._never_sent.discard(message.id)
        text = message.rasa_text[:RASA_TEXT_LIMIT]
        metadata = {messages.RASA_MESSAGE_ID_KEY: message.id, "kind": message.kind}
        async with self._typing(bot, user_id):
            call = asyncio.ensure_future(self._rasa.send(sender_id=sender_id, text=text, metadata=metadata))
            done, _pending = await asyncio.wait({call}, timeout=self._patience)
            if not done:
                await self._outbox.send_text(
                    bot, client_id=message.client_id, chat_id=user_id, text=_("Rasa slow")
                )
            return await call

    async def render(
        self,
        bot: Bot,
        *,
        client_id: int,
        chat_id: int,
        replies: list[RasaReply],
        reply_to: int | None = None,
        answering: int | None = None,
    ) -> None:
        """Show Rasa's replies: text, inline buttons, images, and the custom payloads the bot knows.

        `answering` is the inbound message the replies answer: the buttons of one answer stay usable together.
        """
        if not replies:
            await self._outbox.send_text(
                bot, client_id=client_id, chat_id=chat_id, text=_("Nothing to say"), reply_markup=main_menu()
            )
            return
        answer: list[Outgoing] = []  # texts and buttons go out together, up to an image or a custom payload
        for reply in replies:
            text = str(reply.get("text") or "").strip()
            buttons = [b for b in reply.get("buttons") or [] if isinstance(b, dict) and b.get("payload")]
            if buttons:
                answer.append(Outgoing(text or "👇", buttons, reply_to=reply_to, batch=answering))
            elif text:
                answer.append(Outgoing(text, reply_to=reply_to))
            if reply.get("image") or reply.get("custom") is not None:
                await self._outbox.send_answer(bot, client_id=client_id, chat_id=chat_id, answer=answer)
                answer = []
            if reply.get("image"):
                await self._send_image(bot, chat_id=chat_id, url=str(reply["image"]))
            if reply.get("custom") is not None:
                await self._render_custom(bot, client_id=client_id, chat_id=chat_id, custom=reply["custom"])
            reply_to = None  # only the first reply quotes the delayed question
        await self._outbox.send_answer(bot, client_id=client_id, chat_id=chat_id, answer=answer)

    async def _send_image(self, bot: Bot, *, chat_id: int, url: str) -> None:
        try:
            await bot.send_photo(chat_id, url)
        except TelegramError as error:
            logger.error("could not send image %s to a client: %s", url, error)

    async def _render_custom(self, bot: Bot, *, client_id: int, chat_id: int, custom: Any) -> None:
        handoff = custom.get("handoff") if isinstance(custom, dict) else None
        if isinstance(handoff, dict) and isinstance(handoff.get("id"), int):
            await self._desk.announce(bot, handoff["id"])
            return
        if isinstance(custom, dict) and custom.get("privacy") in {"show", "erase"}:
            if custom["privacy"] == "show":
                await self._privacy.show(bot, client_id=client_id, chat_id=chat_id)
            else:
                await self._privacy.ask_erasure(bot, client_id=client_id, chat_id=chat_id)
            return
        if isinstance(custom, dict) and custom.get("consent") == "ask":
            await self._outbox.send_text(
                bot,
                client_id=client_id,
                chat_id=chat_id,
                text=_("Privacy notice"),
                reply_markup=consent_keyboard(),
            )
            return
        if isinstance(custom, dict) and custom.get("menu"):
            await self._outbox.send_text(
                bot, client_id=client_id, chat_id=chat_id, text=_("Menu prompt"), reply_markup=main_menu()
            )
            return
        owner = next((key for key in self._renderers if isinstance(custom, dict) and key in custom), None)
        if owner is not None:
            await self._renderers[owner](bot, client_id, chat_id, custom[owner])
            return
        keys = sorted(custom) if isinstance(custom, dict) else type(custom).__name__
        logger.warning("custom payload with keys %s has no renderer; skipped", keys)

    @contextlib.asynccontextmanager
    async def _typing(self, bot: Bot, chat_id: int) -> AsyncIterator[None]:
        """Show "typing…" while Rasa thinks, unless it answers at once; Telegram clears it after about five
        seconds, so repeat it. A request already on its way is let finish rather than cut off."""
        answered = asyncio.Event()

        async def keep_typing() -> None:
            pause = _TYPING_AFTER_SECONDS
            while not await _set_within(answered, pause):
                with contextlib.suppress(TelegramError):
                    await bot.send_chat_action(chat_id, ChatAction.TYPING)
                pause = _TYPING_REFRESH_SECONDS

        task = asyncio.create_task(keep_typing())
        self._typing_tasks.add(task)  # held until done: the loop keeps only weak references to tasks
        task.add_done_callback(self._typing_tasks.discard)
        try:
            yield
        finally:
            answered.set()


def _pending_and_paused(
    session: Session, *, client_id: int, bot_id: int
) -> tuple[list[PendingMessage], handoff_queue.PausedConversation | None]:
    """The client's messages waiting for Rasa and, if there are any, a handoff that ended without giving the
    conversation back to Rasa: read together, in one unit of work."""
    pending = messages.pending_for_client(session, client_id=client_id, bot_id=bot_id)
    return pending, handoff_queue.not_resumed(session, client_id=client_id) if pending else None


async def _set_within(event: asyncio.Event, seconds: float) -> bool:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await event.wait()
    return event.is_set()

"""The handoff desk: everything that happens between a client and a counsellor, from the request to the rating.

State lives in the case database, never only in memory: after a restart the desk carries on from there
(cards not yet posted are posted, messages not yet relayed are relayed, paused Rasa conversations resumed).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy.orm import Session
from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import Forbidden, TelegramError

from bot.handoff.channel import CounsellorChannel
from bot.handoff.labels import outcome_label
from bot.handoff.screens import (
    cancel_keyboard,
    claim_keyboard,
    conversation_keyboard,
    follow_up_keyboard,
    rating_keyboard,
    waiting_text,
)
from bot.keyboards import ends_live_chat, live_chat_keyboard, main_menu
from bot.media import media_kind
from bot.outbox import Outbox, ReplyMarkup
from bot.rasa_client import RasaClient, RasaUnavailableError
from bot.texts import _
from karyar import clients, followup, messages
from karyar.clock import now
from karyar.db.engine import Database
from karyar.db.models import (
    FollowUpKind,
    Handoff,
    HandoffOutcome,
    HandoffReason,
    HandoffStatus,
    StaffMember,
)
from karyar.handoff import casebook, posts, queue, routing, timers
from karyar.handoff.queue import ClaimResult
from karyar.handoff.waiting import WaitingInfo, waiting_info
from karyar.office_hours import is_open
from karyar.settings import Settings
from persian.format import persian_text

logger = logging.getLogger(__name__)

# A client writing while they wait is told their words are kept, but not after every message.
_ACK_INTERVAL_SECONDS = 120.0
# The request's own answer announces a new handoff; the periodic check only picks up what it missed.
_ANNOUNCE_GRACE = timedelta(seconds=5)


class HandoffDesk:
    def __init__(self, *, database: Database, outbox: Outbox, rasa: RasaClient, settings: Settings) -> None:
        self._db = database
        self._outbox = outbox
        self._rasa = rasa
        self._settings = settings
        self.channel = CounsellorChannel(database, forum_chat_id=settings.COUNSELLOR_GROUP_ID)
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._senders: defaultdict[object, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._acknowledged: dict[int, float] = {}

    def in_order(self, sender: object) -> asyncio.Lock:
        """Take this before the first await of a handler, so one sender's messages are relayed in the order
        they were sent even though updates are handled side by side."""
        return self._senders[sender]

    # --- opening --------------------------------------------------------------------------------

    async def announce(self, bot: Bot, handoff_id: int) -> None:
        """Tell the client where they stand and show the case to counsellors; each happens once."""
        async with self._locks[handoff_id]:
            handoff, chat = await self._db.run_async(queue.client_chat, handoff_id=handoff_id)
            if handoff.status != HandoffStatus.WAITING:
                return
            if handoff.client_told_at is None:
                await self._tell_waiting(bot, handoff, chat)
                await self._db.run_async(posts.mark_client_told, handoff_id=handoff_id)
            if handoff.cards_posted_at is None:
                await self._post_cards(bot, handoff)
                await self._db.run_async(posts.mark_cards_posted, handoff_id=handoff_id)

    async def open_for_client(
        self, bot: Bot, *, client_id: int, chat_id: int, reason: HandoffReason, details: dict[str, object]
    ) -> None:
        """A handoff the bot opens itself (a follow-up answer): Rasa is paused here, not by an action."""
        handoff, created = await self._db.run_async(
            queue.open_handoff, client_id=client_id, reason=reason, details=details, actor="system"
        )
        if created:
            try:
                await self._rasa.pause(sender_id=str(chat_id))
            except RasaUnavailableError as error:
                # The relay sends nothing to Rasa during a handoff, so the conversation is safe meanwhile.
                logger.warning("could not pause the Rasa conversation of handoff %s: %s", handoff.id, error)
        await self.announce(bot, handoff.id)

    async def _tell_waiting(self, bot: Bot, handoff: Handoff, chat: int) -> None:
        info = await self._db.run_async(
            _waiting_info, handoff_id=handoff.id, default_minutes=self._settings.HANDOFF_DEFAULT_WAIT_MINUTES
        )
        await self._send_client(bot, handoff, chat, waiting_text(info), cancel_keyboard(handoff.id))

    async def _post_cards(self, bot: Bot, handoff: Handoff, *, prefix: str = "") -> None:
        recipients = await self._db.run_async(_recipients, handoff_id=handoff.id)
        delivered = await self.channel.post_card(
            bot, handoff, recipients=recipients, markup=claim_keyboard(handoff.id), prefix=prefix
        )
        if delivered == 0:
            logger.error(
                "handoff %s reached no counsellor: register counsellors for organisation %s and province %s "
                "(ops.cli staff add) or set COUNSELLOR_GROUP_ID",
                handoff.id,
                handoff.organisation or "any",
                "set" if handoff.province else "any",
            )

    # --- the client's side ------------------------------------------------------------------------

    async def from_client(self, bot: Bot, *, handoff_id: int, kind: str, text: str | None) -> None:
        """A client's message stored during a handoff: relayed if claimed, kept (and said so) if waiting.

        A command shows where they stand instead of vanishing: /cancel stops waiting; any other command
        while waiting repeats their place in line, and during a conversation reminds them who reads it.
        «پایان گفتگو با مشاور» ends the conversation, or stops waiting.
        """
        handoff, chat = await self._db.run_async(queue.client_chat, handoff_id=handoff_id)
        command = (text or "").strip().lower() if kind == "command" else ""
        ending = kind in {"text", "menu"} and ends_live_chat(text)
        if handoff.status == HandoffStatus.WAITING:
            if command.startswith("/cancel") or ending:
                await self.cancel_by_client(bot, handoff_id=handoff_id, chat_id=chat)
            elif command:
                await self._tell_waiting(bot, handoff, chat)
            elif self._may_acknowledge(handoff_id):
                await self._send_client(
                    bot, handoff, chat, _("Handoff: message kept"), cancel_keyboard(handoff_id)
                )
            return
        if handoff.status == HandoffStatus.CLAIMED:
            if ending:
                await self.end_by_client(bot, handoff_id=handoff_id, chat_id=chat)
                return
            await self.relay_pending(bot, handoff_id)
            if command:
                await self._send_client(
                    bot, handoff, chat, _("Handoff: you are talking to a person"), live_chat_keyboard()
                )

    def _may_acknowledge(self, handoff_id: int) -> bool:
        last = self._acknowledged.get(handoff_id)
        if last is not None and time.monotonic() - last < _ACK_INTERVAL_SECONDS:
            return False
        self._acknowledged[handoff_id] = time.monotonic()
        return True

    async def _send_client(
        self, bot: Bot, handoff: Handoff, chat: int, text: str, markup: ReplyMarkup | None = None
    ) -> None:
        await self._outbox.send_text(
            bot,
            client_id=handoff.client_id,
            chat_id=chat,
            text=text,
            reply_markup=markup,
            handoff_id=handoff.id,
        )

    async def relay_pending(self, bot: Bot, handoff_id: int) -> None:
        """Copy what the client wrote and the counsellor has not seen yet, in order."""
        async with self._locks[handoff_id]:
            handoff, chat, pending, claimant, name = await self._db.run_async(
                _relay_state, handoff_id=handoff_id
            )
            if handoff.status != HandoffStatus.CLAIMED:
                return
            header = _("Relay: header").format(name=name, case=persian_text(str(handoff.case_id)))
            for message_id, telegram_id, kind, text in pending:
                if telegram_id is None:
                    await self._db.run_async(messages.mark_relayed, message_id=message_id)
                    continue
                delivered = await self.channel.relay_up(
                    bot,
                    handoff,
                    client_chat_id=chat,
                    message_id=telegram_id,
                    header=header,
                    kind=kind,
                    text=text,
                    claimant=claimant,
                )
                if not delivered:
                    return  # kept FOR_COUNSELLOR; the next message or the periodic check tries again
                await self._db.run_async(messages.mark_relayed, message_id=message_id)

    async def cancel_by_client(self, bot: Bot, *, handoff_id: int, chat_id: int) -> bool:
        client = await self._db.run_async(_client_id_of_chat, chat_id=chat_id)
        cancelled = await self._db.run_async(queue.cancel, handoff_id=handoff_id, client_id=client)
        if cancelled is None:
            return False
        await self._send_client(bot, cancelled, chat_id, _("Handoff: cancelled"), main_menu())
        await self.channel.update_cards(bot, handoff_id, markup_for=lambda _chat: None)
        await self.channel.notice(bot, cancelled, _("Notice: cancelled by client"))
        await self.channel.close_topic(bot, cancelled, name_prefix="✖️ ")
        await self.resume_rasa(handoff_id=handoff_id, chat_id=chat_id)
        return True

    async def end_by_client(self, bot: Bot, *, handoff_id: int, chat_id: int) -> bool:
        """The client ends the conversation; the counsellor is told, and the client rates it like any."""
        client = await self._db.run_async(_client_id_of_chat, chat_id=chat_id)
        ended, claimant = await self._db.run_async(_end_by_client, handoff_id=handoff_id, client_id=client)
        if ended is None:
            return False
        await self.channel.update_cards(bot, handoff_id, markup_for=lambda _chat: None)
        await self.channel.notice(bot, ended, _("Notice: ended by client"), member=claimant)
        await self.channel.close_topic(bot, ended, name_prefix="✅ ")
        await self._after_conversation(bot, ended, chat_id)
        return True

    async def _after_conversation(self, bot: Bot, handoff: Handoff, chat: int) -> None:
        """The menu comes back in place of the conversation's keyboard; then the rating question."""
        await self._send_client(bot, handoff, chat, _("Handoff: closed"), main_menu())
        await self._send_client(bot, handoff, chat, _("Handoff: rate"), rating_keyboard(handoff.id))
        await self.resume_rasa(handoff_id=handoff.id, chat_id=chat)

    # --- the counsellor's side ----------------------------------------------------------------------

    async def claim(self, bot: Bot, *, member: StaffMember, handoff_id: int) -> ClaimResult:
        result, handoff = await self._db.run_async(_claim, handoff_id=handoff_id, member_id=member.id)
        if result != ClaimResult.CLAIMED or handoff is None:
            return result
        _handoff, chat = await self._db.run_async(queue.client_chat, handoff_id=handoff_id)
        claimant_chat = member.telegram_user_id

        def markup_for(chat_id: int) -> InlineKeyboardMarkup | None:
            if self.channel.forum or chat_id == claimant_chat:
                return conversation_keyboard(handoff_id)
            return None

        await self.channel.update_cards(bot, handoff_id, markup_for=markup_for)
        notice = _("Notice: you are talking").format(case=persian_text(str(handoff.case_id)))
        if self.channel.forum:
            notice = _("Notice: claimed by").format(name=member.name)
        await self.channel.notice(bot, handoff, notice, member=member)
        joined = _("Handoff: counsellor joined").format(name=member.name)
        await self._send_client(bot, handoff, chat, joined, live_chat_keyboard())
        await self.relay_pending(bot, handoff_id)
        return result

    async def from_counsellor(
        self, bot: Bot, *, member: StaffMember, handoff_id: int, message: Message
    ) -> None:
        """Copy a counsellor's message to the client and log it; a client who blocked the bot is reported."""
        handoff, chat = await self._db.run_async(queue.client_chat, handoff_id=handoff_id)
        if handoff.status != HandoffStatus.CLAIMED or handoff.claimed_by != member.id:
            await message.reply_text(_("Notice: not your conversation"))
            return
        logged = await self._db.run_async(
            messages.log_outbound,
            client_id=handoff.client_id,
            kind="counsellor",
            text=message.text or message.caption,
            handoff_id=handoff_id,
            extra={"staff_member_id": member.id, "media": "text" if message.text else media_kind(message)},
        )
        try:
            copied = await bot.copy_message(chat, message.chat_id, message.message_id)
        except Forbidden:
            await self._db.run_async(clients.mark_blocked, telegram_user_id=chat)
            await message.reply_text(_("Notice: client blocked the bot"))
            return
        except TelegramError as error:
            logger.error("counsellor message for handoff %s not delivered: %s", handoff_id, error)
            await message.reply_text(_("Notice: not delivered"))
            return
        await self._db.run_async(
            messages.set_telegram_message_id, message_id=logged.id, telegram_message_id=copied.message_id
        )

    async def note(self, *, member: StaffMember, handoff_id: int, text: str) -> None:
        await self._db.run_async(_note, handoff_id=handoff_id, member_id=member.id, text=text)

    async def close(self, bot: Bot, *, member: StaffMember, handoff_id: int, outcome: HandoffOutcome) -> bool:
        closed = await self._db.run_async(_close, handoff_id=handoff_id, member_id=member.id, outcome=outcome)
        if not closed:
            return False
        handoff, chat = await self._db.run_async(queue.client_chat, handoff_id=handoff_id)
        await self.channel.update_cards(bot, handoff_id, markup_for=lambda _chat: None)
        await self.channel.notice(
            bot,
            handoff,
            _("Notice: closed").format(outcome=outcome_label(outcome), name=member.name),
            member=member,
        )
        await self.channel.close_topic(bot, handoff, name_prefix="✅ ")
        await self._after_conversation(bot, handoff, chat)
        return True

    async def transfer(self, bot: Bot, *, member: StaffMember, handoff_id: int, target: str) -> bool:
        """To a colleague (their staff id) or back to the queue for supervisors ("supervisor")."""
        moved, new_member = await self._db.run_async(
            _transfer, handoff_id=handoff_id, member_id=member.id, target=target
        )
        if not moved:
            return False
        handoff, chat = await self._db.run_async(queue.client_chat, handoff_id=handoff_id)
        if new_member is None:
            await self.channel.update_cards(bot, handoff_id, markup_for=lambda _chat: None)
            await self.channel.notice(bot, handoff, _("Notice: transferred to supervisors"), member=member)
            await self._post_cards(bot, handoff, prefix=_("Card: from a colleague") + "\n\n")
            await self._db.run_async(posts.mark_cards_posted, handoff_id=handoff_id)
            text = _("Handoff: passed to a supervisor")
        else:
            await self.channel.notice(
                bot, handoff, _("Notice: transferred to").format(name=new_member.name), member=member
            )
            if not self.channel.forum:
                await self.channel.post_card(
                    bot,
                    handoff,
                    recipients=[(new_member, True)],
                    markup=conversation_keyboard(handoff_id),
                    prefix=_("Card: from a colleague") + "\n\n",
                )
            text = _("Handoff: counsellor joined").format(name=new_member.name)
        await self._send_client(
            bot, handoff, chat, text, None if new_member is None else live_chat_keyboard()
        )
        return True

    # --- Rasa -----------------------------------------------------------------------------------------

    async def resume_rasa(self, *, handoff_id: int, chat_id: int) -> bool:
        try:
            await self._rasa.resume(sender_id=str(chat_id))
        except RasaUnavailableError as error:
            logger.warning(
                "Rasa conversation of handoff %s stays paused until Rasa is back: %s", handoff_id, error
            )
            return False
        await self._db.run_async(queue.mark_resumed, handoff_id=handoff_id)
        return True

    # --- the periodic check -------------------------------------------------------------------------

    async def check(self, bot: Bot) -> None:
        """Announce what was missed, relay what was not relayed, remind the pool, escalate, resume Rasa
        where it stayed paused, and send the check-ins that are due."""
        moment = now()
        for handoff_id in await self._db.run_async(queue.unannounced, older_than=moment - _ANNOUNCE_GRACE):
            await self.announce(bot, handoff_id)
        for handoff_id in await self._db.run_async(queue.claimed_with_unrelayed):
            await self.relay_pending(bot, handoff_id)
        remind_after = self._settings.HANDOFF_REMIND_MINUTES * 60
        for handoff in await self._db.run_async(
            timers.due_for_reminder, at=moment, every_seconds=remind_after
        ):
            await self._remind(bot, handoff)
        escalate_after = self._settings.HANDOFF_ESCALATE_MINUTES * 60
        for handoff in await self._db.run_async(
            timers.due_for_escalation, at=moment, after_seconds=escalate_after
        ):
            await self._escalate(bot, handoff)
        for handoff_id, chat in await self._db.run_async(queue.ended_not_resumed):
            await self.resume_rasa(handoff_id=handoff_id, chat_id=chat)
        if is_open(moment):  # check-ins go out when counsellors are there to take up a problem
            await self._send_follow_ups(bot, moment)

    async def _send_follow_ups(self, bot: Bot, moment: datetime) -> None:
        for row, chat in await self._db.run_async(followup.due, at=moment):
            question = (
                _("Follow-up: question after placement")
                if row.kind == FollowUpKind.PLACEMENT
                else _("Follow-up: question after training")
            )
            text = question.format(months=persian_text(str(row.months)))
            await self._db.run_async(followup.mark_sent, follow_up_id=row.id)
            sent = await self._outbox.send_text(
                bot, client_id=row.client_id, chat_id=chat, text=text, reply_markup=follow_up_keyboard(row.id)
            )
            if sent is None:
                await self._db.run_async(followup.mark_failed, follow_up_id=row.id, reason="not delivered")

    async def _remind(self, bot: Bot, handoff: Handoff) -> None:
        waited = round((now() - handoff.requested_at).total_seconds() / 60)
        text = _("Notice: reminder").format(
            case=persian_text(str(handoff.case_id)), minutes=persian_text(str(waited))
        )
        if self.channel.forum:
            await self.channel.notice(bot, handoff, text, markup=claim_keyboard(handoff.id))
        else:
            for member, on_duty in await self._db.run_async(_recipients, handoff_id=handoff.id):
                if on_duty:
                    await self.channel.notice(
                        bot, handoff, text, member=member, markup=claim_keyboard(handoff.id)
                    )
        await self._db.run_async(posts.mark_reminded, handoff_id=handoff.id)

    async def _escalate(self, bot: Bot, handoff: Handoff) -> None:
        await self._db.run_async(_escalate, handoff_id=handoff.id)
        supervisors = await self._db.run_async(_recipients, handoff_id=handoff.id, supervisors=True)
        prefix = _("Card: escalated") + "\n\n"
        if self.channel.forum:
            await self.channel.notice(bot, handoff, _("Card: escalated"), markup=claim_keyboard(handoff.id))
        # Supervisors hear of it in private in both modes: an unanswered client must not be missed.
        await self.channel.post_card(
            bot,
            handoff,
            recipients=supervisors,
            markup=claim_keyboard(handoff.id),
            prefix=prefix,
            in_private=True,
        )
        if not supervisors:
            logger.error(
                "handoff %s was escalated but no supervisor serves its pool; register one", handoff.id
            )


# --- units of work -------------------------------------------------------------------------------------


def _waiting_info(session: Session, *, handoff_id: int, default_minutes: float) -> WaitingInfo:
    handoff = session.get_one(Handoff, handoff_id)
    return waiting_info(session, handoff=handoff, at=now(), default_minutes=default_minutes)


def _recipients(
    session: Session, *, handoff_id: int, supervisors: bool = False
) -> list[tuple[StaffMember, bool]]:
    handoff = session.get_one(Handoff, handoff_id)
    moment = now()
    members = routing.pool(session, handoff=handoff, supervisors=supervisors)
    return [(member, routing.is_on_duty(member, moment)) for member in members]


def _relay_state(
    session: Session, *, handoff_id: int
) -> tuple[Handoff, int, list[tuple[int, int | None, str, str | None]], StaffMember | None, str]:
    handoff, chat = queue.client_chat(session, handoff_id=handoff_id)
    pending = [
        (row.id, row.telegram_message_id, row.kind, row.text)
        for row in messages.for_counsellor(session, handoff_id=handoff_id)
    ]
    claimant = session.get(StaffMember, handoff.claimed_by) if handoff.claimed_by else None
    return handoff, chat, pending, claimant, casebook.client_name(session, client_id=handoff.client_id)


def _client_id_of_chat(session: Session, *, chat_id: int) -> int:
    client = clients.find_client(session, telegram_user_id=chat_id)
    if client is None:
        raise LookupError(f"no client with Telegram chat {chat_id}")
    return client.id


def _end_by_client(
    session: Session, *, handoff_id: int, client_id: int
) -> tuple[Handoff | None, StaffMember | None]:
    """The ended handoff and the counsellor who had it; (None, None) if there was no conversation to end."""
    ended = queue.end_by_client(session, handoff_id=handoff_id, client_id=client_id)
    if ended is None:
        return None, None
    return ended, session.get(StaffMember, ended.claimed_by) if ended.claimed_by else None


def _claim(session: Session, *, handoff_id: int, member_id: int) -> tuple[ClaimResult, Handoff | None]:
    return queue.claim(session, handoff_id=handoff_id, member=session.get_one(StaffMember, member_id))


def _note(session: Session, *, handoff_id: int, member_id: int, text: str) -> None:
    queue.add_note(
        session,
        handoff=session.get_one(Handoff, handoff_id),
        by=session.get_one(StaffMember, member_id),
        text=text,
    )


def _close(session: Session, *, handoff_id: int, member_id: int, outcome: HandoffOutcome) -> bool:
    handoff = session.get_one(Handoff, handoff_id)
    member = session.get_one(StaffMember, member_id)
    if handoff.status != HandoffStatus.CLAIMED or not routing.may_manage(member, handoff):
        return False
    return queue.close(session, handoff=handoff, by=member, outcome=outcome)


def _transfer(
    session: Session, *, handoff_id: int, member_id: int, target: str
) -> tuple[bool, StaffMember | None]:
    handoff = session.get_one(Handoff, handoff_id)
    member = session.get_one(StaffMember, member_id)
    if handoff.status != HandoffStatus.CLAIMED or not routing.may_manage(member, handoff):
        return False, None
    if target == "supervisor":
        queue.transfer_to_supervisors(session, handoff=handoff, by=member)
        return True, None
    colleague = session.get(StaffMember, int(target)) if target.isdigit() else None
    if colleague is None or not queue.transfer_to_member(session, handoff=handoff, by=member, to=colleague):
        return False, None
    return True, colleague


def _escalate(session: Session, *, handoff_id: int) -> None:
    queue.escalate(session, handoff=session.get_one(Handoff, handoff_id))

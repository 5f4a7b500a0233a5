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
from bot.staff_directory import StaffDirectory
from karyar import clients, followup, messages
from karyar.clock import now
from karyar.db.engine import Database
from karyar.db.models import FollowUpKind, HandoffOutcome, HandoffReason, HandoffStatus
from karyar.handoff import desk, posts, queue
from karyar.handoff.desk import DueCheckIn
from karyar.handoff.queue import ClaimResult
from karyar.handoff.views import Colleague, HandoffView, Recipient
from karyar.office_hours import is_open
from karyar.settings import Settings
from karyar.staff.roles import Permission
from karyar.texts import _
from persian.format import persian_text

logger = logging.getLogger(__name__)

# A client writing while they wait is told their words are kept, but not after every message.
_ACK_INTERVAL_SECONDS = 120.0
# The request's own answer announces a new handoff; the periodic check only picks up what it missed.
_ANNOUNCE_GRACE = timedelta(seconds=5)


class HandoffDesk:
    def __init__(
        self,
        *,
        database: Database,
        outbox: Outbox,
        rasa: RasaClient,
        settings: Settings,
        staff: StaffDirectory,
    ) -> None:
        self._db = database
        self._staff = staff
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
            handoff = await self._db.run_async(desk.view, handoff_id=handoff_id)
            if handoff.status != HandoffStatus.WAITING:
                return
            if not handoff.client_told:
                await self._tell_waiting(bot, handoff)
                await self._db.run_async(posts.mark_client_told, handoff_id=handoff_id)
            if not handoff.cards_posted:
                await self._post_cards(bot, handoff)
                await self._db.run_async(posts.mark_cards_posted, handoff_id=handoff_id)

    async def open_for_client(
        self, bot: Bot, *, client_id: int, chat_id: int, reason: HandoffReason, details: dict[str, object]
    ) -> None:
        """A handoff the bot opens itself (a follow-up answer): Rasa is paused here, not by an action."""
        opened = await self._db.run_async(
            desk.open_for_client, client_id=client_id, reason=reason, details=details
        )
        if opened.created:
            try:
                await self._rasa.pause(sender_id=str(chat_id))
            except RasaUnavailableError as error:
                # The relay sends nothing to Rasa during a handoff, so the conversation is safe meanwhile.
                logger.warning(
                    "could not pause the Rasa conversation of handoff %s: %s", opened.handoff_id, error
                )
        await self.announce(bot, opened.handoff_id)

    async def _tell_waiting(self, bot: Bot, handoff: HandoffView) -> None:
        info = await self._db.run_async(
            desk.waiting, handoff_id=handoff.id, default_minutes=self._settings.HANDOFF_DEFAULT_WAIT_MINUTES
        )
        await self._send_client(bot, handoff, waiting_text(info), cancel_keyboard(handoff.id))

    async def _post_cards(self, bot: Bot, handoff: HandoffView, *, prefix: str = "") -> None:
        recipients = await self._db.run_async(desk.recipients, handoff_id=handoff.id)
        delivered = await self.channel.post_card(
            bot, handoff.id, recipients=recipients, markup=claim_keyboard(handoff.id), prefix=prefix
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
        handoff = await self._db.run_async(desk.view, handoff_id=handoff_id)
        command = (text or "").strip().lower() if kind == "command" else ""
        ending = kind in {"text", "menu"} and ends_live_chat(text)
        if handoff.status == HandoffStatus.WAITING:
            if command.startswith("/cancel") or ending:
                await self.cancel_by_client(bot, handoff_id=handoff_id, chat_id=handoff.chat_id)
            elif command:
                await self._tell_waiting(bot, handoff)
            elif self._may_acknowledge(handoff_id):
                await self._send_client(bot, handoff, _("Handoff: message kept"), cancel_keyboard(handoff_id))
            return
        if handoff.status == HandoffStatus.CLAIMED:
            if ending:
                await self.end_by_client(bot, handoff_id=handoff_id, chat_id=handoff.chat_id)
                return
            await self.relay_pending(bot, handoff_id)
            if command:
                await self._send_client(
                    bot, handoff, _("Handoff: you are talking to a person"), live_chat_keyboard()
                )

    def _may_acknowledge(self, handoff_id: int) -> bool:
        last = self._acknowledged.get(handoff_id)
        if last is not None and time.monotonic() - last < _ACK_INTERVAL_SECONDS:
            return False
        self._acknowledged[handoff_id] = time.monotonic()
        return True

    async def _send_client(
        self, bot: Bot, handoff: HandoffView, text: str, markup: ReplyMarkup | None = None
    ) -> None:
        await self._outbox.send_text(
            bot,
            client_id=handoff.client_id,
            chat_id=handoff.chat_id,
            text=text,
            reply_markup=markup,
            handoff_id=handoff.id,
        )

    async def relay_pending(self, bot: Bot, handoff_id: int) -> None:
        """Copy what the client wrote and the counsellor has not seen yet, in order."""
        async with self._locks[handoff_id]:
            state = await self._db.run_async(desk.relay_state, handoff_id=handoff_id)
            handoff = state.handoff
            if handoff.status != HandoffStatus.CLAIMED:
                return
            header = _("Relay: header").format(
                name=state.client_name, case=persian_text(str(handoff.case_id))
            )
            for pending in state.pending:
                # The end button is the client's act, not words for the counsellor: `from_client` ends
                # the conversation for it, even when another relay reaches it first.
                ending = pending.kind == "menu" and ends_live_chat(pending.text)
                if pending.telegram_message_id is None or ending:
                    await self._db.run_async(messages.mark_relayed, message_id=pending.message_id)
                    continue
                delivered = await self.channel.relay_up(
                    bot,
                    handoff_id,
                    client_chat_id=handoff.chat_id,
                    message_id=pending.telegram_message_id,
                    header=header,
                    kind=pending.kind,
                    text=pending.text,
                    claimant=state.claimant,
                )
                if not delivered:
                    return  # kept FOR_COUNSELLOR; the next message or the periodic check tries again
                await self._db.run_async(messages.mark_relayed, message_id=pending.message_id)

    async def cancel_by_client(self, bot: Bot, *, handoff_id: int, chat_id: int) -> bool:
        cancelled = await self._db.run_async(desk.cancel_by_client, handoff_id=handoff_id, chat_id=chat_id)
        if cancelled is None:
            return False
        await self._send_client(bot, cancelled, _("Handoff: cancelled"), main_menu())
        await self.channel.update_cards(bot, handoff_id, markup_for=lambda _chat: None)
        await self.channel.notice(bot, handoff_id, _("Notice: cancelled by client"))
        await self.channel.close_topic(bot, handoff_id, name_prefix="✖️ ")
        await self.resume_rasa(handoff_id=handoff_id, chat_id=chat_id)
        return True

    async def end_by_client(self, bot: Bot, *, handoff_id: int, chat_id: int) -> bool:
        """The client ends the conversation; the counsellor is told, and the client rates it like any."""
        ended = await self._db.run_async(desk.end_by_client, handoff_id=handoff_id, chat_id=chat_id)
        if ended is None:
            return False
        await self.channel.update_cards(bot, handoff_id, markup_for=lambda _chat: None)
        await self.channel.notice(bot, handoff_id, _("Notice: ended by client"), member=ended.claimant)
        await self.channel.close_topic(bot, handoff_id, name_prefix="✅ ")
        await self._after_conversation(bot, ended.handoff)
        return True

    async def _after_conversation(self, bot: Bot, handoff: HandoffView) -> None:
        """The menu comes back in place of the conversation's keyboard; then the rating question."""
        await self._send_client(bot, handoff, _("Handoff: closed"), main_menu())
        await self._send_client(bot, handoff, _("Handoff: rate"), rating_keyboard(handoff.id))
        await self.resume_rasa(handoff_id=handoff.id, chat_id=handoff.chat_id)

    # --- the counsellor's side ----------------------------------------------------------------------

    async def claim(self, bot: Bot, *, member: Colleague, handoff_id: int) -> ClaimResult:
        claim = await self._db.run_async(desk.claim, handoff_id=handoff_id, member_id=member.id)
        handoff = claim.handoff
        if claim.result != ClaimResult.CLAIMED or handoff is None:
            return claim.result
        claimant_chat = member.telegram_user_id

        def markup_for(chat_id: int) -> InlineKeyboardMarkup | None:
            if self.channel.forum or chat_id == claimant_chat:
                return conversation_keyboard(handoff_id)
            return None

        await self.channel.update_cards(bot, handoff_id, markup_for=markup_for)
        notice = _("Notice: you are talking").format(case=persian_text(str(handoff.case_id)))
        if self.channel.forum:
            notice = _("Notice: claimed by").format(name=member.name)
        await self.channel.notice(bot, handoff_id, notice, member=member)
        joined = _("Handoff: counsellor joined").format(name=member.name)
        await self._send_client(bot, handoff, joined, live_chat_keyboard())
        await self.relay_pending(bot, handoff_id)
        return claim.result

    async def from_counsellor(
        self, bot: Bot, *, member: Colleague, handoff_id: int, message: Message
    ) -> None:
        """Copy a counsellor's message to the client and log it; a client who blocked the bot is reported."""
        logged = await self._db.run_async(
            desk.counsellor_message,
            handoff_id=handoff_id,
            member_id=member.id,
            text=message.text or message.caption,
            media="text" if message.text else media_kind(message),
        )
        if logged is None:
            await message.reply_text(_("Notice: not your conversation"))
            return
        chat = logged.chat_id
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
            messages.set_telegram_message_ids, sent={logged.message_id: copied.message_id}
        )

    async def note(self, *, member: Colleague, handoff_id: int, text: str) -> None:
        await self._db.run_async(desk.add_note, handoff_id=handoff_id, member_id=member.id, text=text)

    async def close(self, bot: Bot, *, member: Colleague, handoff_id: int, outcome: HandoffOutcome) -> bool:
        handoff = await self._db.run_async(
            desk.close, handoff_id=handoff_id, member_id=member.id, outcome=outcome
        )
        if handoff is None:
            return False
        await self.channel.update_cards(bot, handoff_id, markup_for=lambda _chat: None)
        await self.channel.notice(
            bot,
            handoff_id,
            _("Notice: closed").format(outcome=outcome_label(outcome), name=member.name),
            member=member,
        )
        await self.channel.close_topic(bot, handoff_id, name_prefix="✅ ")
        await self._after_conversation(bot, handoff)
        return True

    async def transfer(
        self, bot: Bot, *, member: Colleague, handoff_id: int, to_member_id: int | None
    ) -> bool:
        """To a colleague (their staff id) or, with None, back to the queue for supervisors."""
        moved = await self._db.run_async(
            desk.transfer, handoff_id=handoff_id, member_id=member.id, to_member_id=to_member_id
        )
        if moved is None:
            return False
        handoff, new_member = moved.handoff, moved.to
        if new_member is None:
            await self.channel.update_cards(bot, handoff_id, markup_for=lambda _chat: None)
            await self.channel.notice(bot, handoff_id, _("Notice: transferred to supervisors"), member=member)
            await self._post_cards(bot, handoff, prefix=_("Card: from a colleague") + "\n\n")
            await self._db.run_async(posts.mark_cards_posted, handoff_id=handoff_id)
            text = _("Handoff: passed to a supervisor")
        else:
            # Known as the case's counsellor before anyone is told, so her first message, however soon it
            # comes, goes to the client.
            self._staff.learn(new_member.telegram_user_id, Permission.HANDLE_CASES)
            await self.channel.notice(
                bot, handoff_id, _("Notice: transferred to").format(name=new_member.name), member=member
            )
            if not self.channel.forum:
                await self.channel.post_card(
                    bot,
                    handoff_id,
                    recipients=[Recipient(new_member, on_duty=True)],
                    markup=conversation_keyboard(handoff_id),
                    prefix=_("Card: from a colleague") + "\n\n",
                )
            text = _("Handoff: counsellor joined").format(name=new_member.name)
        await self._send_client(bot, handoff, text, None if new_member is None else live_chat_keyboard())
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
        for handoff in await self._db.run_async(desk.due_for_reminder, at=moment, every_seconds=remind_after):
            await self._remind(bot, handoff)
        escalate_after = self._settings.HANDOFF_ESCALATE_MINUTES * 60
        for handoff in await self._db.run_async(
            desk.due_for_escalation, at=moment, after_seconds=escalate_after
        ):
            await self._escalate(bot, handoff)
        for paused in await self._db.run_async(queue.ended_not_resumed):
            await self.resume_rasa(handoff_id=paused.handoff_id, chat_id=paused.chat_id)
        if is_open(moment):  # check-ins go out when counsellors are there to take up a problem
            await self._send_follow_ups(bot, moment)

    async def _send_follow_ups(self, bot: Bot, moment: datetime) -> None:
        for check_in in await self._db.run_async(desk.check_ins_due, at=moment):
            await self._send_check_in(bot, check_in)

    async def _send_check_in(self, bot: Bot, check_in: DueCheckIn) -> None:
        question = (
            _("Follow-up: question after placement")
            if check_in.kind == FollowUpKind.PLACEMENT
            else _("Follow-up: question after training")
        )
        text = question.format(months=persian_text(str(check_in.months)))
        await self._db.run_async(followup.mark_sent, follow_up_id=check_in.id)
        sent = await self._outbox.send_text(
            bot,
            client_id=check_in.client_id,
            chat_id=check_in.chat_id,
            text=text,
            reply_markup=follow_up_keyboard(check_in.id),
        )
        if sent is None:
            await self._db.run_async(followup.mark_failed, follow_up_id=check_in.id, reason="not delivered")

    async def _remind(self, bot: Bot, handoff: HandoffView) -> None:
        waited = round((now() - handoff.requested_at).total_seconds() / 60)
        text = _("Notice: reminder").format(
            case=persian_text(str(handoff.case_id)), minutes=persian_text(str(waited))
        )
        if self.channel.forum:
            await self.channel.notice(bot, handoff.id, text, markup=claim_keyboard(handoff.id))
        else:
            for recipient in await self._db.run_async(desk.recipients, handoff_id=handoff.id):
                if recipient.on_duty:
                    await self.channel.notice(
                        bot, handoff.id, text, member=recipient.colleague, markup=claim_keyboard(handoff.id)
                    )
        await self._db.run_async(posts.mark_reminded, handoff_id=handoff.id)

    async def _escalate(self, bot: Bot, handoff: HandoffView) -> None:
        await self._db.run_async(desk.escalate, handoff_id=handoff.id)
        supervisors = await self._db.run_async(desk.recipients, handoff_id=handoff.id, supervisors=True)
        prefix = _("Card: escalated") + "\n\n"
        if self.channel.forum:
            await self.channel.notice(
                bot, handoff.id, _("Card: escalated"), markup=claim_keyboard(handoff.id)
            )
        # Supervisors hear of it in private in both modes: an unanswered client must not be missed.
        await self.channel.post_card(
            bot,
            handoff.id,
            recipients=supervisors,
            markup=claim_keyboard(handoff.id),
            prefix=prefix,
            in_private=True,
        )
        if not supervisors:
            logger.error(
                "handoff %s was escalated but no supervisor serves its pool; register one", handoff.id
            )

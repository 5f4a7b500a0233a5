"""The employer's side of the chat: offers, the questions about the business and the opening, the summary
to correct and submit, and the status of what was posted.

The conversation starts when Rasa answers «من کارفرما هستم» (or the menu's «🏢 کارفرما هستم») with the
custom payload {"employer": "start"}. From then on the messages and presses of that user, and only theirs,
come here until «ثبت» or «انصراف»: the state is in the database (karyar.employers.chat), so a restart
changes nothing, and a job seeker, who has no state, never meets this handler's answers.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from telegram import Bot, CallbackQuery, Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import keyboards
from bot.employer import screens
from bot.employer.screens import ANSWER, CANCEL, EDIT, END, END_ASK, KEEP, NEW, STATUS, SUBMIT
from bot.outbox import split_text
from bot.services import from_bot_data
from karyar.db.engine import Database
from karyar.db.models import OpeningStatus
from karyar.employers import answers, chat, own, store
from karyar.employers.chat import ChatState
from karyar.employers.errors import OpeningError, Problem
from karyar.employers.offers import employer_offers
from karyar.employers.reviewers import reviewers_of
from karyar.employers.store import OpeningState
from karyar.identity.cipher import DataCipher
from karyar.texts import _
from persian.format import format_number, persian_text
from persian.text import search_key

logger = logging.getLogger(__name__)

PAYLOAD_KEY = "employer"


@dataclass(frozen=True, slots=True)
class Known:
    """A registered employer, as the start screen needs it."""

    business_name: str
    organisation: str | None
    province: str


@dataclass(frozen=True, slots=True)
class Posted:
    opening_id: int
    business_name: str
    organisation: str | None
    province: str
    reviewers: tuple[int, ...]  # staff to tell of it


def _known(session: Session, *, telegram_user_id: int) -> Known | None:
    employer = store.employer_of_user(session, telegram_user_id=telegram_user_id)
    return Known(employer.business_name, employer.organisation, employer.province) if employer else None


def _states(session: Session, *, telegram_user_id: int) -> list[OpeningState] | None:
    employer = store.employer_of_user(session, telegram_user_id=telegram_user_id)
    return store.opening_states(session, employer_id=employer.id) if employer else None


def _submit(session: Session, *, cipher: DataCipher, telegram_user_id: int) -> Posted:
    opening = chat.submit(session, cipher=cipher, telegram_user_id=telegram_user_id)
    employer = store.employer_of_user(session, telegram_user_id=telegram_user_id)
    assert employer is not None
    reviewers = tuple(reviewers_of(session, employer_id=employer.id))
    return Posted(opening.id, employer.business_name, employer.organisation, employer.province, reviewers)


def asks_status(text: str) -> bool:
    """«وضعیت آگهی من», «وضعیت آگهی‌هام چیه؟»"""
    key = search_key(text)
    return all(word in key for word in answers.words().status)


class EmployerDesk:
    def __init__(self, database: Database, cipher: DataCipher) -> None:
        self._db = database
        self._cipher = cipher
        # One message or press of a user at a time: two quick answers must not both take the same question.
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        # Who may be in the conversation (a superset), read once as the bot starts: anyone else's message
        # passes on with no await, so their next message (a photo, say) cannot overtake it.
        self._maybe_in: set[int] | None = None
        try:
            self._maybe_in = set(database.run(chat.users_in_conversation))
        except SQLAlchemyError as error:  # the bot starts anyway; each message is then looked up
            logger.warning(
                "employers' conversations not read at start (%s): each message is looked up", error
            )

    def _surely_not_in(self, user_id: int) -> bool:
        return self._maybe_in is not None and user_id not in self._maybe_in

    async def _start(self, user_id: int) -> ChatState:
        if self._maybe_in is not None:
            self._maybe_in.add(user_id)
        started: ChatState = await self._db.run_async(chat.start, telegram_user_id=user_id)
        return started

    async def render(self, bot: Bot, client_id: int, chat_id: int, value: Any) -> None:
        """Rasa's {"employer": "start"} (or "status"): the start of the employer's side."""
        async with self._locks[chat_id]:
            if value == "status":
                await self._show_status(bot, chat_id)
                return
            known = await self._db.run_async(_known, telegram_user_id=chat_id)
            await self._send(bot, chat_id, employer_offers(known.organisation if known else None))
            if known is not None:
                text = _("Employer: welcome back").format(name=known.business_name)
                await self._send(bot, chat_id, text, screens.employer_menu())
                return
            await self._send(bot, chat_id, _("Employer: intro"))
            await self._ask(bot, chat_id, await self._start(chat_id))

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        assert message is not None and user is not None
        text = message.text or ""
        if self._surely_not_in(user.id) and not asks_status(text):
            return  # not in the employer's conversation: the client handlers answer
        async with self._locks[user.id]:
            current = await self._db.run_async(chat.state, telegram_user_id=user.id)
            if current is None:
                if asks_status(text) and await self._show_status(context.bot, user.id):
                    raise ApplicationHandlerStop
                return  # not in the employer's conversation: the client handlers answer
            if search_key(text).strip() in answers.words().cancel:
                await self._cancel(context.bot, user.id)
                raise ApplicationHandlerStop
            if text.startswith("/"):
                return  # /start, /help…: the commands work as usual, the question stays open
            if keyboards.menu_payload(text) is not None:
                if keyboards.menu_payload(text) != keyboards.EMPLOYER_PAYLOAD:
                    # Another part of the menu: the employer leaves, and the press is answered as usual.
                    await self._db.run_async(chat.cancel, telegram_user_id=user.id)
                    await self._send(context.bot, user.id, _("Employer: left"))
                    return
                await self._ask(context.bot, user.id, current)
                raise ApplicationHandlerStop
            await self._take(context.bot, user.id, current, text)
        raise ApplicationHandlerStop

    async def on_contact(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Their own number shared with Telegram's button, when the contact is asked."""
        message, user = update.effective_message, update.effective_user
        assert message is not None and message.contact is not None and user is not None
        if self._surely_not_in(user.id):
            return  # not for this conversation: the client handlers answer
        async with self._locks[user.id]:
            current = await self._db.run_async(chat.state, telegram_user_id=user.id)
            if current is None or current.step != "contact" or message.contact.user_id != user.id:
                return  # not for this conversation: the client handlers answer
            await self._take(context.bot, user.id, current, message.contact.phone_number)
        raise ApplicationHandlerStop

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, user = update.callback_query, update.effective_user
        assert query is not None and user is not None
        press = screens.parse(query.data)
        action, args = (press[0], press[1:]) if press else ("", ())
        ending = _ending(args) if action in (END_ASK, END) else None
        bot = context.bot
        async with self._locks[user.id]:
            current = await self._db.run_async(chat.state, telegram_user_id=user.id)
            if action == NEW:
                await query.answer()
                await self._ask(bot, user.id, await self._start(user.id))
            elif action == STATUS:
                await query.answer()
                if not await self._show_status(bot, user.id):
                    await self._send(bot, user.id, _("Employer status: none"))
            elif ending is not None:
                await self._end(query, user.id, *ending, confirmed=action == END)
            elif action == KEEP and len(args) == 1 and args[0].isdigit():
                await query.answer()
                await self._unbutton(query.message)
                text = _("Employer end: kept").format(number=format_number(int(args[0])))
                await self._send(bot, user.id, text, screens.employer_menu())
            elif current is None or not press:
                await query.answer(_("Stale button"), show_alert=True)
            elif action == CANCEL:
                await query.answer()
                await self._cancel(bot, user.id)
            elif action == ANSWER and len(args) == 2 and args[0] == current.step:
                await query.answer()
                await self._mark_choice(query.message, query.data)
                await self._take(bot, user.id, current, args[1])
            elif action == EDIT and len(args) == 1 and current.step == "summary":
                await query.answer()
                await self._ask(bot, user.id, await self._edit(user.id, args[0]))
            elif action == SUBMIT and current.step == "summary":
                await query.answer()
                await self._post(bot, user.id, query.message)
            else:
                await query.answer(_("Stale button"), show_alert=True)
        raise ApplicationHandlerStop

    async def _take(self, bot: Bot, user_id: int, current: ChatState, typed: str) -> None:
        if current.step == "summary":
            await self._send(bot, user_id, _("Employer: use the buttons"))
            await self._ask(bot, user_id, current)
            return
        try:
            after = await self._db.run_async(
                chat.answer, cipher=self._cipher, telegram_user_id=user_id, step=current.step, typed=typed
            )
        except OpeningError as error:
            if error.problem == Problem.NOT_FOUND:
                found: ChatState | None = await self._db.run_async(chat.state, telegram_user_id=user_id)
                after = found or current
            else:
                text, markup = screens.question(current)
                await self._send(bot, user_id, f"{screens.refusal(error, current)}\n\n{text}", markup)
                return
        await self._ask(bot, user_id, after)

    async def _edit(self, user_id: int, step: str) -> ChatState:
        return await self._db.run_async(chat.edit, telegram_user_id=user_id, step=step)

    async def _post(self, bot: Bot, user_id: int, shown: Any) -> None:
        posted = await self._db.run_async(_submit, cipher=self._cipher, telegram_user_id=user_id)
        if isinstance(shown, Message):
            await shown.edit_reply_markup(reply_markup=None)
        text = screens.submitted(posted.opening_id, posted.organisation, posted.province)
        await self._send(bot, user_id, text, screens.employer_menu())
        notice = _("Employer: staff notice").format(
            number=format_number(posted.opening_id), employer=persian_text(posted.business_name)
        )
        for staff_id in posted.reviewers:
            try:
                await bot.send_message(staff_id, notice)
            except TelegramError as error:  # the opening is in /openings all the same
                logger.warning(
                    "could not tell staff %s of opening %s: %s", staff_id, posted.opening_id, error
                )

    async def _end(
        self, query: CallbackQuery, user_id: int, status: OpeningStatus, opening_id: int, *, confirmed: bool
    ) -> None:
        """«نیرو پیدا شد» or «حذف آگهی» asks to confirm; the confirmation ends the opening. A press on an
        opening that ended meanwhile (or twice) or is not theirs is answered in a small notice."""
        if confirmed:
            outcome = await self._db.run_async(
                own.end, telegram_user_id=user_id, opening_id=opening_id, status=status
            )
        else:
            outcome = await self._db.run_async(own.show, telegram_user_id=user_id, opening_id=opening_id)
        if not outcome.done or outcome.opening is None:
            shown_status = outcome.opening.status if outcome.opening else None
            await query.answer(screens.end_refusal(outcome.problem, shown_status), show_alert=True)
            return
        await query.answer()
        bot, title = query.get_bot(), outcome.opening.title
        if not confirmed:
            await self._send(bot, user_id, *screens.end_question(opening_id, title, status))
            return
        await self._unbutton(query.message)
        await self._send(bot, user_id, screens.ended(opening_id, title, status), screens.employer_menu())

    @staticmethod
    async def _unbutton(shown: Any) -> None:
        """The answered question loses its buttons, so it cannot be pressed again."""
        if isinstance(shown, Message) and shown.reply_markup is not None:
            await shown.edit_reply_markup(reply_markup=None)

    async def _cancel(self, bot: Bot, user_id: int) -> None:
        await self._db.run_async(chat.cancel, telegram_user_id=user_id)
        await self._send(bot, user_id, _("Employer: cancelled"), keyboards.main_menu())

    async def _show_status(self, bot: Bot, user_id: int) -> bool:
        """The employer's openings and how each is doing; False if the user registered no business."""
        states = await self._db.run_async(_states, telegram_user_id=user_id)
        if states is None:
            return False
        await self._send(bot, user_id, screens.statuses(states), screens.status_menu(states))
        return True

    async def _ask(self, bot: Bot, user_id: int, state: ChatState) -> None:
        text, markup = screens.screen(state)
        await self._send(bot, user_id, text, markup)

    @staticmethod
    async def _mark_choice(shown: Any, pressed: str | None) -> None:
        """The pressed button's title in place of the buttons, so an old question cannot be answered twice."""
        if not isinstance(shown, Message) or shown.reply_markup is None:
            return
        titles = [
            b.text for row in shown.reply_markup.inline_keyboard for b in row if b.callback_data == pressed
        ]
        if titles:
            choice = _("Your choice").format(title=titles[0])
            await shown.edit_text(f"{shown.text}\n\n{choice}")

    @staticmethod
    async def _send(bot: Bot, chat_id: int, text: str, markup: Any = None) -> None:
        parts = split_text(text)
        for number, part in enumerate(parts, start=1):
            await bot.send_message(chat_id, part, reply_markup=markup if number == len(parts) else None)


def _ending(args: tuple[str, ...]) -> tuple[OpeningStatus, int] | None:
    """(how, opening id) from a press's «filled:12»; None for anything else."""
    if len(args) != 2 or args[0] not in own.ENDINGS or not args[1].isdigit():
        return None
    return OpeningStatus(args[0]), int(args[1])


def register(application: Application[Any, Any, Any, Any, Any, Any], group: int) -> None:
    s = from_bot_data(application.bot_data)
    desk = EmployerDesk(s.database, s.cipher)
    s.relay.add_renderer(PAYLOAD_KEY, desk.render)
    private = filters.ChatType.PRIVATE
    application.add_handlers(
        [
            MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & private, desk.on_text),
            MessageHandler(filters.UpdateType.MESSAGE & filters.CONTACT & private, desk.on_contact),
            CallbackQueryHandler(desk.on_button, pattern=rf"^{screens.PREFIX}:"),
        ],
        group=group,
    )

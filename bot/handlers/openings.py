"""`/openings`: staff review employers' pending openings of their organisation and province in Telegram.

Each pending opening comes as its card with «تأیید و انتشار» and «رد». Approving publishes it to the
catalogue at once; «رد» asks for the reason in the staff member's next message (the employer reads it),
with «انصراف» to think again. Every press is checked against the registry again and audited
(karyar.employers.review). A client typing /openings is left to the client handlers, as with /report.

Who is writing a reason is kept in memory for a while only: after a restart, or half an hour, the next
message is an ordinary one again and «رد» has to be pressed again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.outbox import split_text
from bot.services import services
from karyar.employers import cards, review
from karyar.employers.errors import OpeningError, Problem
from karyar.employers.review import Outcome
from karyar.texts import _
from persian.format import format_number

COMMAND = "openings"
PREFIX = "op"
WAITING_KEY = "karyar.openings_waiting_reason"
REASON_PATIENCE_SECONDS = 30 * 60


@dataclass(frozen=True, slots=True)
class Waiting:
    opening_id: int
    asked_at: float


class _WritingReason(filters.MessageFilter):
    """A private message from a staff member who pressed «رد» and has not written the reason yet."""

    def __init__(self, waiting: dict[int, Waiting]) -> None:
        super().__init__(name="writing_reason")
        self.waiting = waiting

    def filter(self, message: Message) -> bool:
        user = message.from_user
        found = self.waiting.get(user.id) if user else None
        if found is None:
            return False
        if time.monotonic() - found.asked_at > REASON_PATIENCE_SECONDS:
            self.waiting.pop(user.id if user else 0, None)
            return False
        return True


def button_data(action: str, opening_id: int) -> str:
    return f"{PREFIX}:{action}:{opening_id}"


def parse_button(data: str | None) -> tuple[str, int] | None:
    parts = (data or "").split(":")
    if len(parts) != 3 or parts[0] != PREFIX or parts[1] not in ("a", "r", "c") or not parts[2].isdigit():
        return None
    return parts[1], int(parts[2])


def _decision_keyboard(opening_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("Openings: approve button"), callback_data=button_data("a", opening_id)
                ),
                InlineKeyboardButton(
                    _("Openings: reject button"), callback_data=button_data("r", opening_id)
                ),
            ]
        ]
    )


def _waiting(context: ContextTypes.DEFAULT_TYPE) -> dict[int, Waiting]:
    found: dict[int, Waiting] = context.bot_data[WAITING_KEY]
    return found


async def on_openings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    found = await services(context).database.run_async(review.listing, telegram_user_id=user.id)
    if not found.known_staff:
        return  # a client: the client handlers record it and answer as any unknown command
    if not found.allowed:
        await message.reply_text(_("Staff: not allowed"))
        raise ApplicationHandlerStop
    if not found.openings:
        await message.reply_text(_("Openings: none pending"))
        raise ApplicationHandlerStop
    await message.reply_text(_("Openings: header").format(count=format_number(len(found.openings))))
    for opening in found.openings:
        await message.reply_text(cards.card(opening), reply_markup=_decision_keyboard(opening.id))
    raise ApplicationHandlerStop  # handled: the client and counsellor groups must not answer it too


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    press = parse_button(query.data)
    if press is None:
        await query.answer(_("Unknown button"))
        raise ApplicationHandlerStop
    action, opening_id = press
    run = services(context).database.run_async
    if action == "c":
        _waiting(context).pop(user.id, None)
        await query.answer()
        await query.edit_message_text(
            _("Openings: reject cancelled").format(number=format_number(opening_id))
        )
        raise ApplicationHandlerStop
    if action == "a":
        outcome = await run(review.approve, opening_id=opening_id, telegram_user_id=user.id)
        if outcome.opening is None:
            await query.answer(_refusal(outcome), show_alert=True)
            raise ApplicationHandlerStop
        await query.answer(_("Openings: approved short"))
        confirmation = _("Openings: approved").format(number=format_number(opening_id))
        await query.edit_message_text(f"{cards.card(outcome.opening)}\n\n{confirmation}")
        raise ApplicationHandlerStop
    outcome = await run(review.show, opening_id=opening_id, telegram_user_id=user.id, action="opening.reject")
    if outcome.opening is None or outcome.opening.status not in ("pending", "approved"):
        await query.answer(
            _refusal(outcome if outcome.opening is None else Outcome(problem=Problem.NOT_PENDING)),
            show_alert=True,
        )
        raise ApplicationHandlerStop
    _waiting(context)[user.id] = Waiting(opening_id, time.monotonic())
    await query.answer()
    cancel = InlineKeyboardMarkup(
        [[InlineKeyboardButton(_("Openings: cancel button"), callback_data=button_data("c", opening_id))]]
    )
    await context.bot.send_message(
        user.id, _("Openings: ask reason").format(number=format_number(opening_id)), reply_markup=cancel
    )
    raise ApplicationHandlerStop


async def on_reason(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    waiting = _waiting(context).get(user.id)
    if waiting is None:
        return
    try:
        outcome = await services(context).database.run_async(
            review.reject, opening_id=waiting.opening_id, reason=message.text or "", telegram_user_id=user.id
        )
    except OpeningError:
        await message.reply_text(_("Openings: bad reason").format(limit=format_number(review.REASON_LIMIT)))
        raise ApplicationHandlerStop from None  # still waiting for a usable reason
    _waiting(context).pop(user.id, None)
    if outcome.opening is None:
        await message.reply_text(_refusal(outcome))
        raise ApplicationHandlerStop
    confirmation = _("Openings: rejected").format(number=format_number(waiting.opening_id))
    for part in split_text(f"{confirmation}\n\n{cards.card(outcome.opening)}"):
        await message.reply_text(part)
    raise ApplicationHandlerStop


def _refusal(outcome: Outcome) -> str:
    texts = {
        Problem.NOT_ALLOWED: _("Staff: not allowed"),
        Problem.NOT_PENDING: _("Openings: decided already"),
        Problem.NOT_FOUND: _("Openings: not found"),
    }
    return texts.get(outcome.problem or Problem.NOT_FOUND, _("Openings: not found"))


def register(application: Application[Any, Any, Any, Any, Any, Any], group: int) -> None:
    waiting: dict[int, Waiting] = application.bot_data.setdefault(WAITING_KEY, {})
    private = filters.ChatType.PRIVATE
    application.add_handlers(
        [
            CommandHandler(COMMAND, on_openings, filters=private),
            CallbackQueryHandler(on_button, pattern=rf"^{PREFIX}:"),
            MessageHandler(filters.TEXT & ~filters.COMMAND & private & _WritingReason(waiting), on_reason),
        ],
        group=group,
    )

"""A client presses a button under an announcement.

«خبر نفرست» unsubscribes them. A course button records their interest in the course and shows its details;
an interest button records interest in the announcement; both then offer a counsellor. The press is
stored like any message, so during a conversation with a counsellor it reaches them too.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.broadcast.render import PRESS_PATTERN, parse_press
from bot.handlers.client import identity_of, keep
from bot.services import services
from karyar.broadcast.presses import Press, record_press
from karyar.catalogue.listing import details
from karyar.texts import _

# The same payload the interest answer in the conversation offers.
COUNSELLOR_PAYLOAD = '/request_counsellor{"handoff_reason": "interest"}'


def _button_title(message: object, data: str | None) -> str | None:
    """The title of the pressed button as the client saw it, to store the press readably."""
    if not isinstance(message, Message) or not isinstance(message.reply_markup, InlineKeyboardMarkup):
        return None
    for row in message.reply_markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None


async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    s = services(context)
    receipt = await keep(
        update, context, kind="button", text=_button_title(query.message, query.data) or query.data
    )
    ref = parse_press(query.data)
    press = (
        await s.database.run_async(
            record_press, broadcast_id=ref.broadcast_id, client_id=receipt.client_id, button=ref.button
        )
        if ref
        else None
    )
    if press is None:
        await query.answer(_("Announcement: button not available"), show_alert=True)
        return
    await query.answer(_("Announcement: press recorded"))
    if receipt.taken:
        return  # a counsellor is talking with the client and has just seen the press
    await _answer(update, context, receipt.client_id, press)


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, client_id: int, press: Press) -> None:
    s = services(context)
    chat_id = identity_of(update).user_id
    if press.button is None:
        await s.outbox.send_text(
            context.bot, client_id=client_id, chat_id=chat_id, text=_("Announcement: unsubscribed")
        )
        return
    if not press.has_consent:
        text = _("Announcement: interest needs consent")
        await s.outbox.send_text(context.bot, client_id=client_id, chat_id=chat_id, text=text)
        return
    if press.button["kind"] == "course":
        about = await s.database.run_async(details, kind="course", item_id=press.button["course_id"])
        if about is not None:
            await s.outbox.send_text(context.bot, client_id=client_id, chat_id=chat_id, text=about)
    await s.outbox.send_with_buttons(
        context.bot,
        client_id=client_id,
        chat_id=chat_id,
        text=_("Announcement: interest recorded"),
        buttons=[{"title": _("Announcement: counsellor button"), "payload": COUNSELLOR_PAYLOAD}],
    )


def register(application: Application, group: int) -> None:
    application.add_handler(CallbackQueryHandler(on_press, pattern=PRESS_PATTERN), group=group)

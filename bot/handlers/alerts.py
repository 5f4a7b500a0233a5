"""A client's job and course alerts in the chat: asked for in her own words («وقتی دوره خیاطی در مشهد باز
شد خبرم کن»), listed with a button to remove each («هشدارهای من», «تنظیم هشدارها»), stopped («هشدار نده»);
and the buttons under an alert: «علاقه‌مندم», «خبر نفرست», «تنظیم هشدارها».

Messages and presses are stored like any other, so during a conversation with a counsellor they reach the
counsellor instead.
"""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.broadcast.render import ALERT_PRESS_PATTERN, parse_alert_press
from bot.handlers.announcement import COUNSELLOR_PAYLOAD
from bot.handlers.client import identity_of, keep, reply
from bot.services import services
from karyar.alerts import store
from karyar.alerts.announce import INTEREST, STOP
from karyar.alerts.presses import record_alert_press
from karyar.alerts.store import MAX_ALERTS, Asked, asked, read_request
from karyar.alerts.wording import added_text, describe, list_text
from karyar.settings import get_settings
from karyar.texts import _

_REMOVE = re.compile(r"^alx:(\d{1,18})$")
_STOP_ALL = "alx:all"


class _AboutAlerts(filters.MessageFilter):
    """A client's text about alerts; anything else goes on to the conversation."""

    def filter(self, message: Message) -> bool:
        return bool(message.text) and asked(message.text or "") is not None


def _list_markup(alerts: list[store.AlertView]) -> InlineKeyboardMarkup | None:
    if not alerts:
        return None
    rows = [
        [
            InlineKeyboardButton(
                _("Alert: remove button").format(alert=describe(a)), callback_data=f"alx:{a.id}"
            )
        ]
        for a in alerts
    ]
    rows.append([InlineKeyboardButton(_("Alert: stop all button"), callback_data=_STOP_ALL)])
    return InlineKeyboardMarkup(rows)


async def _show(update: Update, context: ContextTypes.DEFAULT_TYPE, client_id: int) -> None:
    alerts = await services(context).database.run_async(store.alerts_of, client_id=client_id)
    await reply(update, context, client_id, list_text(alerts), reply_markup=_list_markup(alerts))


async def _stopped(update: Update, context: ContextTypes.DEFAULT_TYPE, client_id: int) -> None:
    await reply(update, context, client_id, _("Alert: stopped"))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    receipt = await keep(update, context, kind="text", text=message.text)
    if receipt.taken:
        return
    s, client_id = services(context), receipt.client_id
    wanted = asked(message.text)
    if wanted is Asked.SHOW:
        await _show(update, context, client_id)
    elif wanted is Asked.STOP:
        await s.database.run_async(store.stop_all, client_id=client_id)
        await _stopped(update, context, client_id)
    else:
        request = read_request(message.text)
        outcome = await s.database.run_async(store.add, client_id=client_id, request=request)
        text = added_text(outcome, request, per_week=get_settings().ALERTS_PER_WEEK, most=MAX_ALERTS)
        await reply(update, context, client_id, text)


async def on_alert_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    s = services(context)
    receipt = await keep(update, context, kind="button", text=query.data)
    ref = parse_alert_press(query.data)
    press = (
        await s.database.run_async(
            record_alert_press, broadcast_id=ref.broadcast_id, client_id=receipt.client_id, button=ref.button
        )
        if ref
        else None
    )
    if press is None:
        await query.answer(_("Announcement: button not available"), show_alert=True)
        return
    await query.answer(_("Announcement: press recorded"))
    if receipt.taken:
        return
    client_id = receipt.client_id
    if press.action == STOP:
        await _stopped(update, context, client_id)
    elif press.action == INTEREST and not press.has_consent:
        await reply(update, context, client_id, _("Announcement: interest needs consent"))
    elif press.action == INTEREST:
        await s.outbox.send_with_buttons(
            context.bot,
            client_id=client_id,
            chat_id=identity_of(update).user_id,
            text=_("Announcement: interest recorded"),
            buttons=[{"title": _("Announcement: counsellor button"), "payload": COUNSELLOR_PAYLOAD}],
        )
    else:
        await _show(update, context, client_id)


async def on_remove(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    s = services(context)
    receipt = await keep(update, context, kind="button", text=query.data)
    if query.data == _STOP_ALL:
        await s.database.run_async(store.stop_all, client_id=receipt.client_id)
        await query.answer(_("Alert: stopped").splitlines()[0])
    else:
        match = _REMOVE.match(query.data or "")
        assert match is not None
        await s.database.run_async(store.remove, client_id=receipt.client_id, alert_id=int(match[1]))
        await query.answer(_("Alert: removed"))
    if receipt.taken:
        return
    alerts = await s.database.run_async(store.alerts_of, client_id=receipt.client_id)
    if isinstance(query.message, Message):
        # The list itself changes, so what she sees is what she has.
        await query.message.edit_text(list_text(alerts), reply_markup=_list_markup(alerts))


def register(application: Application, group: int) -> None:
    application.add_handlers(
        [
            MessageHandler(filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & _AboutAlerts(), on_text),
            CallbackQueryHandler(on_alert_press, pattern=ALERT_PRESS_PATTERN),
            CallbackQueryHandler(on_remove, pattern=r"^alx:(\d{1,18}|all)$"),
        ],
        group=group,
    )

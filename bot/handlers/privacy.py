"""A client's own data: /mydata shows it (and offers the file), /deletemydata erases it after a confirmation.

Rasa understands the same wishes in words («چه اطلاعاتی از من دارید؟», «اطلاعاتم را پاک کنید») and answers
with the custom payloads `{"privacy": "show"}` and `{"privacy": "erase"}`, which the relay hands here.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.handlers.client import identity_of, keep
from bot.privacy import callbacks
from bot.services import services
from karyar.privacy import workflow
from karyar.texts import _

SHOW_COMMAND = "mydata"
ERASE_COMMAND = "deletemydata"


async def on_show_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    receipt = await keep(update, context, kind="command", text=f"/{SHOW_COMMAND}")
    if not receipt.taken:  # during a handoff the counsellor sees the request and can help
        await services(context).privacy.show(
            context.bot, client_id=receipt.client_id, chat_id=identity_of(update).user_id
        )


async def on_erase_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    receipt = await keep(update, context, kind="command", text=f"/{ERASE_COMMAND}")
    if not receipt.taken:
        await services(context).privacy.ask_erasure(
            context.bot, client_id=receipt.client_id, chat_id=identity_of(update).user_id
        )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    s = services(context)
    press = callbacks.parse(query.data)
    user_id = identity_of(update).user_id
    owner = await s.database.run_async(workflow.owner_of, telegram_user_id=user_id)
    if press is None or owner != press.client_id:
        # Forged, another client's, or from before this account's data was erased.
        await query.answer(_("Privacy: stale button"), show_alert=True)
        return
    await query.answer()
    message = query.message if isinstance(query.message, Message) else None
    if press.action == callbacks.FILE:
        await s.privacy.send_file(context.bot, client_id=owner, chat_id=user_id)
    elif press.action == callbacks.ASK_ERASE:
        await s.privacy.ask_erasure(context.bot, client_id=owner, chat_id=user_id)
    elif press.action == callbacks.KEEP:
        if message is not None:
            await message.edit_reply_markup(reply_markup=None)
        await s.outbox.send_text(context.bot, client_id=owner, chat_id=user_id, text=_("Erase: kept"))
    elif press.action == callbacks.ERASE:
        if message is not None:
            await message.edit_reply_markup(reply_markup=None)
        await s.privacy.erase(context.bot, client_id=owner, chat_id=user_id)


def register(application: Application, group: int) -> None:
    private = filters.ChatType.PRIVATE
    application.add_handlers(
        [
            CommandHandler(SHOW_COMMAND, on_show_command, filters=private),
            CommandHandler(ERASE_COMMAND, on_erase_command, filters=private),
            CallbackQueryHandler(on_button, pattern=callbacks.PATTERN),
        ],
        group=group,
    )

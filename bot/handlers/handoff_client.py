"""The client's buttons around a handoff: stop waiting, rate the help, comment, answer a follow-up."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.handlers.client import identity_of
from bot.handoff import callbacks, screens
from bot.handoff.labels import follow_up_answer_labels
from bot.keyboards import main_menu
from bot.services import services
from bot.update_identity import key_of
from karyar.db.models import FollowUpAnswer, HandoffReason
from karyar.handoff import desk, queue
from karyar.texts import _
from persian.format import persian_text


async def on_client_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    s = services(context)
    press = callbacks.parse(query.data)
    identity = identity_of(update)
    client_id = await s.database.run_async(
        desk.record_press,
        identity=identity,
        text=str(query.data),
        update_id=update.update_id,
        update_key=key_of(update),
    )
    message = query.message if isinstance(query.message, Message) else None
    if press is None:
        await query.answer(_("Unknown button"))
        return
    chat = identity.user_id
    if press.action == callbacks.CANCEL:
        cancelled = await s.desk.cancel_by_client(context.bot, handoff_id=press.target, chat_id=chat)
        await query.answer(None if cancelled else _("Handoff: nothing to cancel"))
        if message is not None:
            await message.edit_reply_markup(reply_markup=None)
    elif press.action == callbacks.RATE:
        rating = await s.database.run_async(
            desk.rate, handoff_id=press.target, client_id=client_id, rating=int(press.value or 0)
        )
        await query.answer(None if rating else _("Rating: already rated"))
        if rating is not None and message is not None:
            choice = _("Your choice").format(title=persian_text(str(rating)) + "⭐")
            await message.edit_text(f"{message.text}\n\n{choice}")
            await s.outbox.send_text(
                context.bot,
                client_id=client_id,
                chat_id=chat,
                text=_("Rating: thanks, comment?"),
                reply_markup=screens.comment_keyboard(press.target),
            )
    elif press.action in {callbacks.COMMENT, callbacks.NO_COMMENT}:
        await query.answer()
        if message is not None:
            await message.edit_reply_markup(reply_markup=None)
        wants = press.action == callbacks.COMMENT and await s.database.run_async(
            queue.want_comment, handoff_id=press.target, client_id=client_id
        )
        text = _("Rating: write your comment") if wants else _("Rating: thanks")
        await s.outbox.send_text(
            context.bot,
            client_id=client_id,
            chat_id=chat,
            text=text,
            reply_markup=None if wants else main_menu(),
        )
    elif press.action == callbacks.FOLLOW_UP:
        await _follow_up_answer(update, context, client_id, press.target, press.value, message)


async def _follow_up_answer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    client_id: int,
    follow_up_id: int,
    value: str | None,
    message: Message | None,
) -> None:
    query = update.callback_query
    assert query is not None
    s = services(context)
    answer = FollowUpAnswer(value) if value in set(FollowUpAnswer) else None
    recorded = answer is not None and await s.database.run_async(
        desk.answer_follow_up, follow_up_id=follow_up_id, client_id=client_id, answer=answer
    )
    if not recorded or answer is None:
        await query.answer(_("Follow-up: already answered"))
        return
    await query.answer()
    if message is not None:
        choice = _("Your choice").format(title=follow_up_answer_labels()[answer])
        await message.edit_text(f"{message.text}\n\n{choice}")
    chat = identity_of(update).user_id
    if answer == FollowUpAnswer.WORKING:
        await s.outbox.send_text(
            context.bot,
            client_id=client_id,
            chat_id=chat,
            text=_("Follow-up: glad"),
            reply_markup=main_menu(),
        )
        return
    await s.desk.open_for_client(
        context.bot,
        client_id=client_id,
        chat_id=chat,
        reason=HandoffReason.FOLLOW_UP,
        details={"follow_up_id": follow_up_id, "answer": str(answer)},
    )


def register(application: Application, group: int) -> None:
    application.add_handler(
        CallbackQueryHandler(on_client_button, pattern=callbacks.CLIENT_PATTERN), group=group
    )

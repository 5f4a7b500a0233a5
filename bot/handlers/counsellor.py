"""Handlers for counsellors and supervisors: staff commands, case buttons, and their messages to clients.

Authority comes from the staff registry only. Staff commands and buttons from anyone else are refused
politely and audited; being a member of the counsellors' group grants nothing.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.handlers.client import keep
from bot.handoff import callbacks, screens
from bot.handoff.timeline import timeline_for
from bot.services import from_bot_data, services
from karyar.db.models import FollowUpKind, HandoffOutcome, HandoffStatus
from karyar.handoff import casework
from karyar.handoff.casework import ListedHandoff
from karyar.handoff.queue import ClaimResult
from karyar.handoff.views import Colleague, HandoffView
from karyar.staff.roles import Permission
from karyar.texts import _
from persian.format import jalali_date, join_list, persian_text

logger = logging.getLogger(__name__)

STAFF_COMMANDS = (
    "queue",
    "mycases",
    "case",
    "search",
    "note",
    "profile",
    "transfer",
    "close",
    "placed",
    "started",
)
# --- who is asking ------------------------------------------------------------------------------------


async def _authorised(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str) -> Colleague | None:
    user = update.effective_user
    assert user is not None
    member = await services(context).database.run_async(
        casework.authorised, telegram_user_id=user.id, action=action
    )
    if member is not None:
        # Their next private message is casework, not a question.
        services(context).staff.learn(user.id, Permission.HANDLE_CASES)
    return member


async def _refuse(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Refused staff command: the attempt is already audited; a client's words are also kept in the record."""
    message = update.effective_message
    assert message is not None
    if message.chat.type == "private" and update.effective_user is not None:
        await keep(update, context, kind="command", text=message.text)
    await message.reply_text(_("Staff: not allowed"))


# --- which conversation a command is about -------------------------------------------------------------


async def _current(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: Colleague, case_arg: str = ""
) -> HandoffView | None:
    """The conversation a command is about: by case number, else the topic, else the message replied to,
    else the member's current conversation."""
    message = update.effective_message
    assert message is not None
    thread = message.message_thread_id if message.is_topic_message else None
    reply = message.reply_to_message.message_id if message.reply_to_message else None
    if thread is not None and reply == thread:
        reply = None  # Telegram marks topic messages as replies to the topic's first message
    handoff = await services(context).database.run_async(
        casework.conversation_of,
        member_id=member.id,
        chat_id=message.chat_id,
        thread_id=thread,
        reply_to=reply,
        case_number=int(case_arg) if case_arg.isdigit() else None,
    )
    if handoff is None:
        await message.reply_text(_("Notice: no conversation"))
    return handoff


# --- commands ---------------------------------------------------------------------------------------------


async def on_staff_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None and message.text
    command, _space, rest = message.text.partition(" ")
    name = command.lstrip("/").split("@")[0].lower()
    member = await _authorised(update, context, f"command.{name}")
    if member is None:
        await _refuse(update, context)
        raise ApplicationHandlerStop
    await _COMMANDS[name](update, context, member, rest.strip())
    raise ApplicationHandlerStop


async def _queue(update: Update, context: ContextTypes.DEFAULT_TYPE, member: Colleague, _arg: str) -> None:
    items = await services(context).database.run_async(casework.claimable, member_id=member.id)
    await _reply_list(update, items, _("List: queue title"), _("List: queue empty"), callbacks.CLAIM)


async def _my_cases(update: Update, context: ContextTypes.DEFAULT_TYPE, member: Colleague, _arg: str) -> None:
    items = await services(context).database.run_async(casework.conversations, member_id=member.id)
    await _reply_list(update, items, _("List: my cases title"), _("List: my cases empty"), callbacks.FOCUS)


async def _reply_list(
    update: Update, items: tuple[ListedHandoff, ...], title: str, empty: str, action: str
) -> None:
    message = update.effective_message
    assert message is not None
    await message.reply_text(
        screens.handoff_list(title, items, empty=empty), reply_markup=screens.list_keyboard(items, action)
    )


async def _case(update: Update, context: ContextTypes.DEFAULT_TYPE, member: Colleague, arg: str) -> None:
    message = update.effective_message
    assert message is not None
    number = arg.lstrip("#")
    if not number.isdigit():
        await message.reply_text(_("Usage: case"))
        return
    await message.reply_text(
        await timeline_for(services(context).database, member=member, case_id=int(number))
    )


async def _search(update: Update, context: ContextTypes.DEFAULT_TYPE, member: Colleague, arg: str) -> None:
    message = update.effective_message
    assert message is not None
    if len(arg) < 2:
        await message.reply_text(_("Usage: search"))
        return
    found = await services(context).database.run_async(casework.search, member_id=member.id, text=arg)
    if not found:
        await message.reply_text(_("Search: nothing found"))
        return
    await message.reply_text(
        _("Search: results"),
        reply_markup=screens.case_buttons(found),
    )


async def _may_see(
    message: Message, context: ContextTypes.DEFAULT_TYPE, member: Colleague, handoff: HandoffView
) -> bool:
    """Whether the member may see the handoff's case; if not, they are told so."""
    if await services(context).database.run_async(
        casework.may_view, member_id=member.id, case_id=handoff.case_id
    ):
        return True
    await message.reply_text(_("Staff: not allowed"))
    return False


async def _note(update: Update, context: ContextTypes.DEFAULT_TYPE, member: Colleague, arg: str) -> None:
    message = update.effective_message
    assert message is not None
    if not arg:
        await message.reply_text(_("Usage: note"))
        return
    handoff = await _current(update, context, member)
    if handoff is None:
        return
    if not await _may_see(message, context, member, handoff):
        return
    await services(context).desk.note(member=member, handoff_id=handoff.id, text=arg)
    await message.reply_text(_("Notice: note saved"))


async def _profile(update: Update, context: ContextTypes.DEFAULT_TYPE, member: Colleague, arg: str) -> None:
    handoff = await _current(update, context, member, arg)
    if handoff is None:
        return
    message = update.effective_message
    assert message is not None
    if not await _may_see(message, context, member, handoff):
        return
    snapshot = await services(context).desk.channel.snapshot(handoff.id)
    await message.reply_text(
        screens.card_text(snapshot), reply_markup=InlineKeyboardMarkup([[screens.reveal_button(handoff.id)]])
    )


async def _transfer(update: Update, context: ContextTypes.DEFAULT_TYPE, member: Colleague, arg: str) -> None:
    handoff = await _current(update, context, member, arg)
    if handoff is not None:
        await _offer_transfer(update.effective_message, context, member, handoff.id)


async def _offer_transfer(
    message: Message | None, context: ContextTypes.DEFAULT_TYPE, member: Colleague, handoff_id: int
) -> None:
    assert message is not None
    colleagues = await services(context).database.run_async(
        casework.colleagues, handoff_id=handoff_id, member_id=member.id
    )
    await message.reply_text(
        _("Notice: choose colleague"), reply_markup=screens.transfer_keyboard(handoff_id, colleagues)
    )


async def _close(update: Update, context: ContextTypes.DEFAULT_TYPE, member: Colleague, arg: str) -> None:
    handoff = await _current(update, context, member, arg)
    if handoff is None:
        return
    message = update.effective_message
    assert message is not None
    if handoff.status != HandoffStatus.CLAIMED:
        await message.reply_text(_("Notice: not your conversation"))
        return
    await message.reply_text(_("Notice: choose outcome"), reply_markup=screens.outcome_keyboard(handoff.id))


async def _placed(update: Update, context: ContextTypes.DEFAULT_TYPE, member: Colleague, arg: str) -> None:
    await _start_follow_up(update, context, member, arg, FollowUpKind.PLACEMENT)


async def _started(update: Update, context: ContextTypes.DEFAULT_TYPE, member: Colleague, arg: str) -> None:
    await _start_follow_up(update, context, member, arg, FollowUpKind.TRAINING)


async def _start_follow_up(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: Colleague, arg: str, kind: FollowUpKind
) -> None:
    message = update.effective_message
    assert message is not None
    handoff = await _current(update, context, member, arg)
    if handoff is None:
        return
    dates = await services(context).database.run_async(
        casework.schedule_check_ins, member_id=member.id, case_id=handoff.case_id, kind=kind
    )
    if dates is None:
        await message.reply_text(_("Staff: not allowed"))
        return
    text = _("Notice: follow-ups scheduled").format(
        case=persian_text(str(handoff.case_id)), dates=join_list([jalali_date(due) for due in dates])
    )
    await message.reply_text(text)


_COMMANDS = {
    "queue": _queue,
    "mycases": _my_cases,
    "case": _case,
    "search": _search,
    "note": _note,
    "profile": _profile,
    "transfer": _transfer,
    "close": _close,
    "placed": _placed,
    "started": _started,
}


# --- buttons -------------------------------------------------------------------------------------------


async def on_case_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    press = callbacks.parse(query.data)
    if press is None:
        await query.answer(_("Unknown button"))
        return
    member = await _authorised(update, context, f"button.{press.action}")
    if member is None:
        await query.answer(_("Staff: not allowed"), show_alert=True)
        return
    desk = services(context).desk
    message = query.message if isinstance(query.message, Message) else None
    if press.action == callbacks.CLAIM:
        result = await desk.claim(context.bot, member=member, handoff_id=press.target)
        await query.answer(_claim_answer(result), show_alert=result != ClaimResult.CLAIMED)
    elif press.action == callbacks.CLOSE:
        await query.answer()
        if message is not None:
            await message.reply_text(
                _("Notice: choose outcome"), reply_markup=screens.outcome_keyboard(press.target)
            )
    elif press.action == callbacks.OUTCOME:
        closed = press.value in set(HandoffOutcome) and await desk.close(
            context.bot, member=member, handoff_id=press.target, outcome=HandoffOutcome(str(press.value))
        )
        await query.answer(_("Notice: done") if closed else _("Notice: already ended"), show_alert=not closed)
        if closed and message is not None:
            await message.edit_reply_markup(reply_markup=None)
    elif press.action == callbacks.TRANSFER:
        await query.answer()
        await _offer_transfer(message, context, member, press.target)
    elif press.action == callbacks.TRANSFER_TO:
        target = str(press.value)
        moved = (target == callbacks.TO_SUPERVISORS or target.isdigit()) and await desk.transfer(
            context.bot,
            member=member,
            handoff_id=press.target,
            to_member_id=None if target == callbacks.TO_SUPERVISORS else int(target),
        )
        await query.answer(
            _("Notice: done") if moved else _("Notice: transfer refused"), show_alert=not moved
        )
        if moved and message is not None:
            await message.edit_reply_markup(reply_markup=None)
    elif press.action == callbacks.FOCUS:
        await _focus(query, context, member, press.target)
    elif press.action == callbacks.REVEAL:
        await _reveal(query, context, member, press.target)
    elif press.action == callbacks.TIMELINE:
        await query.answer()
        if message is not None:
            await message.reply_text(
                await timeline_for(services(context).database, member=member, case_id=press.target)
            )


async def _reveal(
    query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, member: Colleague, handoff_id: int
) -> None:
    s = services(context)
    values = await s.database.run_async(
        casework.reveal, member_id=member.id, handoff_id=handoff_id, cipher=s.cipher
    )
    if values is None:
        await query.answer(_("Staff: not allowed"), show_alert=True)
        return
    await query.answer(screens.revealed_text(values), show_alert=True)


def _claim_answer(result: ClaimResult) -> str:
    answers = {
        ClaimResult.CLAIMED: _("Claim: yours"),
        ClaimResult.ALREADY_YOURS: _("Claim: already yours"),
        ClaimResult.TAKEN: _("Claim: taken"),
        ClaimResult.ENDED: _("Notice: already ended"),
        ClaimResult.NOT_ALLOWED: _("Claim: not your pool"),
    }
    return answers[result]


async def _focus(
    query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, member: Colleague, handoff_id: int
) -> None:
    """Make a claimed case the one this counsellor's private messages go to."""
    focused = await services(context).database.run_async(
        casework.focus, member_id=member.id, handoff_id=handoff_id
    )
    if not focused:
        await query.answer(_("Notice: not your conversation"), show_alert=True)
        return
    await query.answer()
    message = query.message if isinstance(query.message, Message) else None
    if message is not None:
        snapshot = await services(context).desk.channel.snapshot(handoff_id)
        await message.reply_text(
            _("Notice: now talking") + "\n\n" + screens.card_text(snapshot),
            reply_markup=screens.conversation_keyboard(handoff_id),
        )


# --- messages to clients --------------------------------------------------------------------------------


async def on_private_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A counsellor's private message: to the client of the conversation it answers. Clients pass through."""
    user = update.effective_user
    message = update.effective_message
    assert user is not None and message is not None
    if not services(context).staff.may(user.id, Permission.HANDLE_CASES):
        return  # a client: no await before this point, so their messages keep their order
    async with services(context).desk.in_order(user.id):
        member = await services(context).database.run_async(casework.case_worker, telegram_user_id=user.id)
        if member is None:
            return
        if message.text and message.text.startswith("/"):
            await message.reply_text(_("Staff: help"))
            raise ApplicationHandlerStop
        handoff = await _current(update, context, member)
        if handoff is not None:
            await services(context).desk.from_counsellor(
                context.bot, member=member, handoff_id=handoff.id, message=message
            )
    raise ApplicationHandlerStop


async def on_topic_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A message in a case's topic: to the client if its counsellor wrote it; never from anyone else."""
    message = update.effective_message
    assert message is not None
    if not message.is_topic_message or message.message_thread_id is None:
        return  # the group's general chat is the counsellors' own
    s = services(context)
    async with s.desk.in_order((message.chat_id, message.message_thread_id)):
        handoff = await s.database.run_async(
            casework.of_topic, chat_id=message.chat_id, thread_id=message.message_thread_id
        )
        if handoff is None:
            return
        member = await _authorised(update, context, "relay")
        if member is None:
            await message.reply_text(_("Staff: not allowed"))
            return
        if handoff.status == HandoffStatus.WAITING:
            await message.reply_text(
                _("Notice: claim first"), reply_markup=screens.claim_keyboard(handoff.id)
            )
            return
        await s.desk.from_counsellor(context.bot, member=member, handoff_id=handoff.id, message=message)


def register(application: Application, group: int) -> None:
    """Staff commands, and counsellors' messages to their clients (in private or in a case's topic)."""
    application.add_handler(CommandHandler(list(STAFF_COMMANDS), on_staff_command), group=group)
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE, on_private_message), group=group
    )
    forum_chat_id = from_bot_data(application.bot_data).settings.COUNSELLOR_GROUP_ID
    if forum_chat_id is not None:
        application.add_handler(
            MessageHandler(
                filters.UpdateType.MESSAGE & filters.Chat(forum_chat_id) & ~filters.COMMAND, on_topic_message
            ),
            group=group,
        )


def register_case_buttons(application: Application, group: int) -> None:
    application.add_handler(
        CallbackQueryHandler(on_case_button, pattern=callbacks.COUNSELLOR_PATTERN), group=group
    )

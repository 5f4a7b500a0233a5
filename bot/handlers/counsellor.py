"""Handlers for counsellors and supervisors: staff commands, case buttons, and their messages to clients.

Authority comes from the staff registry only. Staff commands and buttons from anyone else are refused
politely and audited; being a member of the counsellors' group grants nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session
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
from bot.services import services
from bot.texts import _
from karyar import audit, followup
from karyar.clock import now
from karyar.db.models import Case, FollowUpKind, Handoff, HandoffOutcome, HandoffStatus, StaffMember
from karyar.handoff import casebook, posts, queue, routing
from karyar.handoff.queue import ClaimResult
from karyar.privacy import store as identifier_store
from karyar.privacy.cipher import DataCipher
from karyar.privacy.identifiers import IdentifierKind
from karyar.staff.access import active_member, authorise
from karyar.staff.roles import Permission, may
from persian.format import jalali_date, persian_text

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
# Handlers that must see a message before the client handlers do.
STAFF_GROUP = -1


# --- who is asking ------------------------------------------------------------------------------------


async def _authorised(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str) -> StaffMember | None:
    user = update.effective_user
    assert user is not None
    member = await services(context).database.run_async(
        authorise, telegram_user_id=user.id, permission=Permission.HANDLE_CASES, action=action
    )
    if member is not None:
        services(context).staff.learn(user.id)  # their next private message is casework, not a question
    return member


def _case_worker(session: Session, *, telegram_user_id: int) -> StaffMember | None:
    member = active_member(session, telegram_user_id=telegram_user_id)
    return member if member is not None and may(member.role, Permission.HANDLE_CASES) else None


async def _refuse(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Refused staff command: the attempt is already audited; a client's words are also kept in the record."""
    message = update.effective_message
    assert message is not None
    if message.chat.type == "private" and update.effective_user is not None:
        await keep(update, context, kind="command", text=message.text)
    await message.reply_text(_("Staff: not allowed"))


# --- which conversation a command is about -------------------------------------------------------------


def _conversation_of(
    session: Session,
    *,
    member_id: int,
    chat_id: int,
    thread_id: int | None,
    reply_to: int | None,
    case_arg: str,
) -> Handoff | None:
    """By case number, else the topic, else the message replied to, else the member's current conversation."""
    if case_arg.isdigit():
        return queue.latest_of_case(session, case_id=int(case_arg))
    if thread_id is not None:
        return posts.handoff_of_topic(session, chat_id=chat_id, thread_id=thread_id)
    if reply_to is not None:
        found = posts.handoff_of_post(session, chat_id=chat_id, message_id=reply_to)
        if found is not None:
            return session.get(Handoff, found)
    member = session.get_one(StaffMember, member_id)
    return session.get(Handoff, member.focus_handoff_id) if member.focus_handoff_id else None


async def _current(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: StaffMember, case_arg: str = ""
) -> Handoff | None:
    message = update.effective_message
    assert message is not None
    thread = message.message_thread_id if message.is_topic_message else None
    reply = message.reply_to_message.message_id if message.reply_to_message else None
    if thread is not None and reply == thread:
        reply = None  # Telegram marks topic messages as replies to the topic's first message
    handoff = await services(context).database.run_async(
        _conversation_of,
        member_id=member.id,
        chat_id=message.chat_id,
        thread_id=thread,
        reply_to=reply,
        case_arg=case_arg,
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


async def _queue(update: Update, context: ContextTypes.DEFAULT_TYPE, member: StaffMember, _arg: str) -> None:
    items = await services(context).database.run_async(_listed_waiting, member_id=member.id)
    await _reply_list(update, items, _("List: queue title"), _("List: queue empty"), callbacks.CLAIM)


async def _my_cases(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: StaffMember, _arg: str
) -> None:
    items = await services(context).database.run_async(_listed_mine, member_id=member.id)
    await _reply_list(update, items, _("List: my cases title"), _("List: my cases empty"), callbacks.FOCUS)


async def _reply_list(
    update: Update, items: list[screens.ListedHandoff], title: str, empty: str, action: str
) -> None:
    message = update.effective_message
    assert message is not None
    await message.reply_text(
        screens.handoff_list(title, items, empty=empty), reply_markup=screens.list_keyboard(items, action)
    )


async def _case(update: Update, context: ContextTypes.DEFAULT_TYPE, member: StaffMember, arg: str) -> None:
    message = update.effective_message
    assert message is not None
    number = arg.lstrip("#")
    if not number.isdigit():
        await message.reply_text(_("Usage: case"))
        return
    await message.reply_text(
        await timeline_for(services(context).database, member=member, case_id=int(number))
    )


async def _search(update: Update, context: ContextTypes.DEFAULT_TYPE, member: StaffMember, arg: str) -> None:
    message = update.effective_message
    assert message is not None
    if len(arg) < 2:
        await message.reply_text(_("Usage: search"))
        return
    found = await services(context).database.run_async(_search_cases, member_id=member.id, text=arg)
    if not found:
        await message.reply_text(_("Search: nothing found"))
        return
    await message.reply_text(
        _("Search: results"),
        reply_markup=screens.case_buttons(found),
    )


async def _may_see(
    message: Message, context: ContextTypes.DEFAULT_TYPE, member: StaffMember, handoff: Handoff
) -> bool:
    """Whether the member may see the handoff's case; if not, they are told so."""
    if await services(context).database.run_async(_may_view, member_id=member.id, case_id=handoff.case_id):
        return True
    await message.reply_text(_("Staff: not allowed"))
    return False


async def _note(update: Update, context: ContextTypes.DEFAULT_TYPE, member: StaffMember, arg: str) -> None:
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


async def _profile(update: Update, context: ContextTypes.DEFAULT_TYPE, member: StaffMember, arg: str) -> None:
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


async def _transfer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: StaffMember, arg: str
) -> None:
    handoff = await _current(update, context, member, arg)
    if handoff is not None:
        await _offer_transfer(update.effective_message, context, member, handoff.id)


async def _offer_transfer(
    message: Message | None, context: ContextTypes.DEFAULT_TYPE, member: StaffMember, handoff_id: int
) -> None:
    assert message is not None
    colleagues = await services(context).database.run_async(
        _colleagues, handoff_id=handoff_id, member_id=member.id
    )
    await message.reply_text(
        _("Notice: choose colleague"), reply_markup=screens.transfer_keyboard(handoff_id, colleagues)
    )


async def _close(update: Update, context: ContextTypes.DEFAULT_TYPE, member: StaffMember, arg: str) -> None:
    handoff = await _current(update, context, member, arg)
    if handoff is None:
        return
    message = update.effective_message
    assert message is not None
    if handoff.status != HandoffStatus.CLAIMED:
        await message.reply_text(_("Notice: not your conversation"))
        return
    await message.reply_text(_("Notice: choose outcome"), reply_markup=screens.outcome_keyboard(handoff.id))


async def _placed(update: Update, context: ContextTypes.DEFAULT_TYPE, member: StaffMember, arg: str) -> None:
    await _start_follow_up(update, context, member, arg, FollowUpKind.PLACEMENT)


async def _started(update: Update, context: ContextTypes.DEFAULT_TYPE, member: StaffMember, arg: str) -> None:
    await _start_follow_up(update, context, member, arg, FollowUpKind.TRAINING)


async def _start_follow_up(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: StaffMember, arg: str, kind: FollowUpKind
) -> None:
    message = update.effective_message
    assert message is not None
    handoff = await _current(update, context, member, arg)
    if handoff is None:
        return
    dates = await services(context).database.run_async(
        _schedule, member_id=member.id, case_id=handoff.case_id, kind=kind
    )
    if dates is None:
        await message.reply_text(_("Staff: not allowed"))
        return
    text = _("Notice: follow-ups scheduled").format(
        case=persian_text(str(handoff.case_id)), dates="، ".join(jalali_date(due) for due in dates)
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
        moved = await desk.transfer(
            context.bot, member=member, handoff_id=press.target, target=str(press.value)
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
    query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, member: StaffMember, handoff_id: int
) -> None:
    s = services(context)
    values = await s.database.run_async(
        _revealed, member_id=member.id, handoff_id=handoff_id, cipher=s.cipher
    )
    if values is None:
        await query.answer(_("Staff: not allowed"), show_alert=True)
        return
    await query.answer(screens.revealed_text(values), show_alert=True)


def _revealed(
    session: Session, *, member_id: int, handoff_id: int, cipher: DataCipher
) -> dict[IdentifierKind, str] | None:
    """The client's identifiers in clear if the member may see the case; every attempt is audited."""
    member = session.get_one(StaffMember, member_id)
    handoff = session.get(Handoff, handoff_id)
    allowed = handoff is not None and _may_view(session, member_id=member_id, case_id=handoff.case_id)
    values = (
        identifier_store.reveal(session, cipher=cipher, client_id=handoff.client_id)
        if allowed and handoff
        else {}
    )
    audit.record(
        session,
        action="identifiers.reveal",
        actor_telegram_user_id=member.telegram_user_id,
        actor_role=member.role,
        target=f"client:{handoff.client_id}" if handoff else f"handoff:{handoff_id}",
        allowed=allowed,
        details={"handoff": handoff_id, "kinds": sorted(values)},
    )
    return values if allowed else None


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
    query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, member: StaffMember, handoff_id: int
) -> None:
    """Make a claimed case the one this counsellor's private messages go to."""
    focused = await services(context).database.run_async(
        _set_focus, member_id=member.id, handoff_id=handoff_id
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
    if not services(context).staff.is_case_worker(user.id):
        return  # a client: no await before this point, so their messages keep their order
    async with services(context).desk.in_order(user.id):
        member = await services(context).database.run_async(_case_worker, telegram_user_id=user.id)
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
            posts.handoff_of_topic, chat_id=message.chat_id, thread_id=message.message_thread_id
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


# --- units of work --------------------------------------------------------------------------------------


def _listed(session: Session, handoff: Handoff) -> screens.ListedHandoff:
    snapshot_name = casebook.client_name(session, client_id=handoff.client_id)
    claimant = session.get(StaffMember, handoff.claimed_by) if handoff.claimed_by else None
    return screens.ListedHandoff(
        handoff_id=handoff.id,
        case_id=handoff.case_id,
        client_name=snapshot_name,
        reason=handoff.reason,
        since=handoff.requested_at,
        claimed_by=claimant.name if claimant else None,
    )


def _listed_waiting(session: Session, *, member_id: int) -> list[screens.ListedHandoff]:
    member = session.get_one(StaffMember, member_id)
    return [_listed(session, h) for h in queue.waiting_handoffs(session) if routing.can_claim(member, h)]


def _listed_mine(session: Session, *, member_id: int) -> list[screens.ListedHandoff]:
    member = session.get_one(StaffMember, member_id)
    return [_listed(session, h) for h in queue.claimed_by(session, member=member)]


def _search_cases(session: Session, *, member_id: int, text: str) -> list[tuple[int, str]]:
    member = session.get_one(StaffMember, member_id)
    return [
        (case.id, " ".join(part for part in (client.first_name, client.last_name) if part) or "—")
        for case, client in casebook.search(session, member=member, text=text)
    ]


def _may_view(session: Session, *, member_id: int, case_id: int) -> bool:
    return casebook.can_view(
        session, member=session.get_one(StaffMember, member_id), case=session.get_one(Case, case_id)
    )


def _colleagues(session: Session, *, handoff_id: int, member_id: int) -> list[StaffMember]:
    handoff = session.get_one(Handoff, handoff_id)
    return [m for m in routing.pool(session, handoff=handoff, at=now()) if m.id != member_id]


def _schedule(session: Session, *, member_id: int, case_id: int, kind: FollowUpKind) -> list[datetime] | None:
    member = session.get_one(StaffMember, member_id)
    if not casebook.can_view(session, member=member, case=session.get_one(Case, case_id)):
        return None
    return [row.due_at for row in followup.schedule(session, case_id=case_id, kind=kind, by=member)]


def _set_focus(session: Session, *, member_id: int, handoff_id: int) -> bool:
    member = session.get_one(StaffMember, member_id)
    handoff = session.get(Handoff, handoff_id)
    if handoff is None or handoff.claimed_by != member.id or handoff.status != HandoffStatus.CLAIMED:
        return False
    member.focus_handoff_id = handoff.id
    return True


def register(application: Application, *, forum_chat_id: int | None) -> None:
    application.add_handler(CommandHandler(list(STAFF_COMMANDS), on_staff_command), group=STAFF_GROUP)
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE, on_private_message),
        group=STAFF_GROUP,
    )
    if forum_chat_id is not None:
        application.add_handler(
            MessageHandler(
                filters.UpdateType.MESSAGE & filters.Chat(forum_chat_id) & ~filters.COMMAND, on_topic_message
            ),
            group=STAFF_GROUP,
        )
    application.add_handler(CallbackQueryHandler(on_case_button, pattern=callbacks.COUNSELLOR_PATTERN))

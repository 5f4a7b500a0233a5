"""What staff do with a broadcast once it is confirmed: the progress buttons (pause, resume, cancel with
its confirmation, the report), supervisors' approval or rejection, keeping the progress message current,
and `/broadcasts`, the latest announcements with their reports.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.broadcast.progress import parse_control, progress_keyboard, progress_text, report_text, status_label
from bot.handlers.broadcast_staff import access
from bot.outbox import split_text
from bot.services import services
from karyar.broadcast import workflow
from karyar.broadcast.report import Report
from karyar.broadcast.workflow import Actor, Outcome
from karyar.staff.roles import Permission
from karyar.texts import _
from persian.format import format_number, jalali_date

logger = logging.getLogger(__name__)

# The confirmation asked before cancelling: "bk:<broadcast id>:yes|no".
CANCEL_PATTERN = r"^bk:"
LIST_LIMIT = 10


# --- the progress buttons, approval and reports ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ControlPress:
    """A permitted press on a broadcast's control button, with what answering it needs."""

    context: ContextTypes.DEFAULT_TYPE
    query: CallbackQuery
    message: Message | None
    actor: Actor
    broadcast_id: int


async def on_control(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    control = parse_control(query.data)
    if control is None:
        await query.answer(_("Unknown button"))
        raise ApplicationHandlerStop
    approval = control.action in ("approve", "reject")
    found = await access.authorise(
        update,
        context,
        f"broadcast.{control.action}",
        permission=Permission.APPROVE_BROADCASTS if approval else Permission.BROADCAST,
        broadcast_id=control.broadcast_id,
        record=False,  # audited with its outcome, which depends on whose announcement it is
    )
    actor = found.actor
    if actor is None:
        await query.answer(_("Staff: not allowed"), show_alert=True)
        raise ApplicationHandlerStop
    message = query.message if isinstance(query.message, Message) else None
    pressed = ControlPress(context, query, message, actor, control.broadcast_id)
    if approval:
        await _decide(pressed, control.action == "approve")
    elif control.action == "report":
        await _report(pressed)
    elif control.action == "cancel":
        await _ask_cancel(pressed)
    else:
        await _pause_or_resume(pressed, control.action)
    raise ApplicationHandlerStop


def _answer_for(outcome: Outcome, status: str = "") -> str:
    answers = {
        Outcome.UNKNOWN: _("Broadcast control: unknown"),
        Outcome.NOT_ALLOWED: _("Broadcast control: not yours"),
        Outcome.OWN: _("Broadcast approval: own"),
        Outcome.NOT_WAITING: _("Broadcast approval: not waiting"),
        Outcome.OUTSIDE: _("Broadcast approval: outside"),
    }
    if outcome in answers:
        return answers[outcome]
    return _("Broadcast control: not possible").format(status=status_label(status))


async def _decide(p: ControlPress, approve: bool) -> None:
    db = services(p.context).database
    decision = await db.run_async(
        workflow.decide, actor=p.actor, broadcast_id=p.broadcast_id, approve=approve
    )
    if decision.outcome != Outcome.DONE:
        await p.query.answer(_answer_for(decision.outcome), show_alert=True)
        return
    verdict = (
        _("Broadcast approval: approved by you") if approve else _("Broadcast approval: rejected by you")
    )
    await p.query.answer(verdict)
    if p.message is not None and p.message.text:
        await access.show(p.query, (f"{p.message.text}\n\n{verdict}", None))
    if decision.author_chat_id is not None:
        news = (
            _("Broadcast approval: approved, to author")
            if approve
            else _("Broadcast approval: rejected, to author")
        )
        try:
            await p.context.bot.send_message(
                decision.author_chat_id, news.format(number=format_number(p.broadcast_id), name=p.actor.name)
            )
        except TelegramError as error:
            logger.warning("could not tell the author of broadcast %s: %s", p.broadcast_id, error)
    await refresh_progress(p.context, p.broadcast_id)


async def _report(p: ControlPress) -> None:
    found = await services(p.context).database.run_async(
        workflow.report_of, actor=p.actor, broadcast_id=p.broadcast_id
    )
    if not isinstance(found, Report):
        await p.query.answer(_answer_for(found), show_alert=True)
        return
    await p.query.answer()
    if p.message is not None:
        for part in split_text(report_text(found)):
            await p.message.chat.send_message(part)


async def _ask_cancel(p: ControlPress) -> None:
    """Cancelling cannot be undone: asked once more, under its own question."""
    checked = await services(p.context).database.run_async(
        workflow.control, actor=p.actor, broadcast_id=p.broadcast_id, action="check"
    )
    if checked.outcome != Outcome.DONE:
        await p.query.answer(_answer_for(checked.outcome, checked.status), show_alert=True)
        return
    await p.query.answer()
    if p.message is not None:
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        _("Broadcast button: yes cancel"), callback_data=f"bk:{p.broadcast_id}:yes"
                    ),
                    InlineKeyboardButton(
                        _("Broadcast button: no keep"), callback_data=f"bk:{p.broadcast_id}:no"
                    ),
                ]
            ]
        )
        await p.message.chat.send_message(
            _("Broadcast control: confirm cancel").format(number=format_number(p.broadcast_id)),
            reply_markup=keyboard,
        )


async def on_cancel_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    if len(parts) != 3 or not parts[1].isdigit() or len(parts[1]) > 18 or parts[2] not in ("yes", "no"):
        await query.answer(_("Unknown button"))
        raise ApplicationHandlerStop
    broadcast_id, yes = int(parts[1]), parts[2] == "yes"
    found = await access.authorise(
        update,
        context,
        "broadcast.cancel" if yes else "broadcast.keep",
        broadcast_id=broadcast_id,
        record=False,
    )
    actor = found.actor
    if actor is None:
        await query.answer(_("Staff: not allowed"), show_alert=True)
        raise ApplicationHandlerStop
    done = await services(context).database.run_async(
        workflow.control, actor=actor, broadcast_id=broadcast_id, action="cancel" if yes else "check"
    )
    if done.outcome in (Outcome.UNKNOWN, Outcome.NOT_ALLOWED) or (yes and done.outcome != Outcome.DONE):
        await query.answer(_answer_for(done.outcome, done.status), show_alert=True)
        raise ApplicationHandlerStop
    answer = _("Broadcast control: cancelled") if yes else _("Broadcast control: kept")
    await query.answer(answer)
    await access.show(query, (answer, None))
    await refresh_progress(context, broadcast_id)
    raise ApplicationHandlerStop


async def _pause_or_resume(p: ControlPress, action: str) -> None:
    done = await services(p.context).database.run_async(
        workflow.control, actor=p.actor, broadcast_id=p.broadcast_id, action=action
    )
    if done.outcome != Outcome.DONE:
        await p.query.answer(_answer_for(done.outcome, done.status), show_alert=True)
        return
    await p.query.answer(
        _("Broadcast control: paused") if action == "pause" else _("Broadcast control: resumed")
    )
    await refresh_progress(p.context, p.broadcast_id)


async def refresh_progress(context: ContextTypes.DEFAULT_TYPE, broadcast_id: int) -> None:
    """Edit the progress message at once; the sender keeps it current afterwards."""
    s = services(context)
    view = await s.database.run_async(workflow.progress_view, broadcast_id=broadcast_id)
    if view is None or view.broadcast.progress_chat_id is None or view.broadcast.progress_message_id is None:
        return
    try:
        await context.bot.edit_message_text(
            progress_text(
                view.broadcast, view.progress, rate_per_second=s.settings.BROADCAST_RATE_PER_SECOND
            ),
            chat_id=view.broadcast.progress_chat_id,
            message_id=view.broadcast.progress_message_id,
            reply_markup=progress_keyboard(view.broadcast),
        )
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            logger.warning("could not update the progress of broadcast %s: %s", broadcast_id, error)


# --- /broadcasts ---------------------------------------------------------------------------------------------


async def on_broadcasts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    found = await access.authorise(update, context, "broadcast.list")
    if found.actor is None:
        await access.refuse_message(update, context, found)
        raise ApplicationHandlerStop
    listed = await services(context).database.run_async(workflow.listing, actor=found.actor, limit=LIST_LIMIT)
    if not listed:
        await message.reply_text(_("Broadcast list: empty"))
        raise ApplicationHandlerStop
    lines = [_("Broadcast list: title")]
    lines += [
        _("Broadcast list: line").format(
            number=format_number(b.id),
            status=status_label(b.status),
            count=format_number(b.recipients),
            date=jalali_date(b.created_at),
            preview=_preview(str(b.content.get("text") or "")),
        )
        for b in listed
    ]
    buttons = [
        InlineKeyboardButton(
            f"{_('Broadcast button: report')} {format_number(b.id)}", callback_data=f"bs:{b.id}:report"
        )
        for b in listed
    ]
    keyboard = InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])
    await message.reply_text("\n\n".join(lines), reply_markup=keyboard)
    raise ApplicationHandlerStop


def _preview(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"

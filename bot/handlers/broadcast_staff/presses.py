"""The announcement flow's buttons: continuing a draft or starting afresh, the buttons (step 2) and the
audience (step 3) screens, the preview and now-or-later (steps 4 and 5), the confirmation (step 6) with
the progress message, and asking the supervisors who may approve.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.broadcast import compose, render
from bot.broadcast.progress import progress_keyboard, progress_text
from bot.handlers.broadcast_staff import access
from bot.handlers.broadcast_staff.flow import add_course, save_audience, save_buttons
from bot.services import services
from karyar.broadcast import workflow
from karyar.broadcast.audience import AGE_KEY
from karyar.broadcast.workflow import Actor, Draft, Outcome
from karyar.db.models import BroadcastStatus
from karyar.texts import _
from persian.format import format_number

logger = logging.getLogger(__name__)


# --- the flow's buttons ------------------------------------------------------------------------------------


async def on_compose_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    press = compose.parse(query.data)
    if press is None:
        await query.answer(_("Unknown button"))
        raise ApplicationHandlerStop
    async with access.one_step_at_a_time(context, user.id):
        await _on_compose_press(update, context, query, press)
    raise ApplicationHandlerStop


async def _on_compose_press(
    update: Update, context: ContextTypes.DEFAULT_TYPE, query: CallbackQuery, press: compose.Press
) -> None:
    found = await access.authorise(
        update,
        context,
        f"broadcast.press.{press.action}",
        broadcast_id=press.draft_id or None,
        details=_audited_choice(press),
    )
    actor = found.actor
    if actor is None:
        await query.answer(_("Staff: not allowed"), show_alert=True)
        return
    message = query.message if isinstance(query.message, Message) else None
    if message is None:
        await query.answer(_("Unknown button"))
        return
    if press.action == "quit":
        await _quit(context, query, message, actor, press.draft_id)
        return
    draft = await access.load_draft(context, actor, press.draft_id) if press.draft_id else None
    if draft is None:
        await query.answer(_("Broadcast compose: draft closed"), show_alert=True)
        return
    flow = access.current_flow(context) or access.Flow(draft.id)
    if flow.draft_id != draft.id:
        flow = access.Flow(draft.id)
    flow.wait_for(None)
    access.set_flow(context, flow)
    await query.answer()
    handlers = {
        "cont": _press_continue,
        "fresh": _press_fresh,
        "btn": _press_buttons,
        "crs": _press_course,
        "aud": _press_audience,
        "f": _press_filter,
        "t": _press_toggle,
        "pg": _press_page,
        "all": _press_all,
        "prev": _press_preview,
        "now": _press_now,
        "at": _press_at,
        "go": _press_go,
        "edit": _press_edit,
    }
    handler = handlers.get(press.action)
    if handler is not None:
        await handler(Pressed(context, query, message, actor, flow, draft, press))


def _audited_choice(press: compose.Press) -> dict[str, Any] | None:
    """What was chosen, for the audit log: a named option or a course, never a place in a list."""
    if press.action == "crs" and press.argument:
        return {"course_id": int(press.argument)}
    if press.argument and not press.argument.isdigit():
        return {"choice": press.argument}
    return None


async def _quit(
    context: ContextTypes.DEFAULT_TYPE, query: CallbackQuery, message: Message, actor: Actor, draft_id: int
) -> None:
    flow = access.current_flow(context)
    if draft_id:
        await services(context).database.run_async(workflow.drop_draft, actor=actor, draft_id=draft_id)
    if flow is not None and flow.draft_id in (None, draft_id):
        access.set_flow(context, None)
    await query.answer()
    await _remove_keyboard(message)
    await message.chat.send_message(_("Broadcast compose: cancelled"))


async def _remove_keyboard(message: Message) -> None:
    with contextlib.suppress(BadRequest):  # already without buttons
        await message.edit_reply_markup(reply_markup=None)


@dataclass(frozen=True, slots=True)
class Pressed:
    """A press on a screen of the flow, with the draft it is about."""

    context: ContextTypes.DEFAULT_TYPE
    query: CallbackQuery
    message: Message
    actor: Actor
    flow: access.Flow
    draft: Draft
    press: compose.Press


async def _press_continue(p: Pressed) -> None:
    await _remove_keyboard(p.message)
    await access.send(p.message, compose.buttons_screen(p.draft))


async def _press_fresh(p: Pressed) -> None:
    await services(p.context).database.run_async(workflow.drop_draft, actor=p.actor, draft_id=p.draft.id)
    access.set_flow(p.context, access.Flow(None, "message"))
    await _remove_keyboard(p.message)
    await access.send(p.message, compose.ask_message(0))


async def _press_buttons(p: Pressed) -> None:
    choice = p.press.argument
    if choice == "course":
        p.flow.wait_for("course")
        p.flow.course_title = None
        upcoming = await services(p.context).database.run_async(workflow.course_choices, actor=p.actor)
        await access.show(p.query, compose.ask_course(p.draft.id, upcoming))
    elif choice == "link":
        p.flow.wait_for("link")
        await access.show(p.query, compose.back_to_buttons(p.draft.id, _("Broadcast compose: ask link")))
    elif choice == "interest":
        button = {"kind": "interest", "title": _("Broadcast compose: interest button title")}
        updated = await save_buttons(p.context, p.message, p.actor, p.draft, [*p.draft.buttons, button])
        if updated is not None:
            await access.show(p.query, compose.buttons_screen(updated))
    elif choice == "clear":
        updated = await save_buttons(p.context, p.message, p.actor, p.draft, [])
        if updated is not None:
            await access.show(p.query, compose.buttons_screen(updated))
    elif choice == "next":
        await _remove_keyboard(p.message)
        await access.send(p.message, compose.audience_screen(p.draft))


async def _press_course(p: Pressed) -> None:
    """A course picked from the list: its button is added, with the title typed with its name if any."""
    if p.press.argument is None or not p.press.argument.isdigit():
        return
    course = await services(p.context).database.run_async(
        workflow.course_by_id, course_id=int(p.press.argument)
    )
    if course is None:
        return  # no such course: a made-up button
    updated = await add_course(p.context, p.message, p.actor, p.flow, p.draft, course, p.flow.course_title)
    if updated is None:
        p.flow.wait_for("course")  # another name may still be typed, or another course picked
        return
    await access.show(p.query, compose.buttons_screen(updated))


async def _press_audience(p: Pressed) -> None:
    await access.show(p.query, compose.audience_screen(p.draft))


async def _press_filter(p: Pressed) -> None:
    name = str(p.press.argument)
    if name in compose.TOGGLED:
        await access.show(p.query, compose.options_screen(p.draft, name, p.actor))
    elif name in compose.TYPED:
        p.flow.wait_for(name)
        await access.show(p.query, compose.typed_screen(p.draft, name))


async def _press_toggle(p: Pressed) -> None:
    name, index = str(p.press.argument), p.press.index
    choices = compose.options(name, p.actor) if name in compose.TOGGLED else []
    if index is None or not 0 <= index < len(choices):
        return
    value = choices[index][0]
    chosen = list(p.draft.audience.facts.get(name, ()))
    if p.actor.organisations and name == "organisation" and chosen == list(p.actor.organisations):
        chosen = []  # "all of mine" was shown as every one ticked: the first press picks one
    if p.actor.provinces and name == "province" and chosen == list(p.actor.provinces):
        chosen = []
    chosen = [v for v in chosen if v != value] if value in chosen else [*chosen, value]
    updated = await save_audience(p.context, p.actor, p.draft, name, chosen)
    if isinstance(updated, str):
        await p.message.chat.send_message(updated)
        return
    await access.show(p.query, compose.options_screen(updated, name, p.actor, index // compose.PAGE_SIZE))


async def _press_page(p: Pressed) -> None:
    name = str(p.press.argument)
    if name in compose.TOGGLED:
        await access.show(p.query, compose.options_screen(p.draft, name, p.actor, p.press.index or 0))


async def _press_all(p: Pressed) -> None:
    name = str(p.press.argument)
    if name not in compose.FILTERS:
        return
    updated = await save_audience(p.context, p.actor, p.draft, name, (None, None) if name == AGE_KEY else [])
    if isinstance(updated, str):
        await p.message.chat.send_message(updated)
        return
    if name in compose.TOGGLED:
        await access.show(p.query, compose.options_screen(updated, name, p.actor))
    else:
        await access.show(p.query, compose.audience_screen(updated))


# --- step 4: the preview, then when --------------------------------------------------------------------------


async def _press_preview(p: Pressed) -> None:
    await _remove_keyboard(p.message)
    try:
        await render.send(
            p.context.bot,
            chat_id=p.message.chat_id,
            broadcast_id=p.draft.id,
            content=p.draft.content,
            buttons=p.draft.buttons,
        )
    except BadRequest as error:
        # Telegram refuses the content (a broken link button, an expired photo): say so, keep the draft.
        logger.warning("the preview of broadcast %s was refused: %s", p.draft.id, error)
        await p.message.chat.send_message(_("Broadcast compose: preview refused"))
    await access.send(p.message, compose.summary_screen(p.draft))


async def _press_now(p: Pressed) -> None:
    await services(p.context).database.run_async(
        workflow.save_send_at, actor=p.actor, draft_id=p.draft.id, send_at=None
    )
    updated = await access.load_draft(p.context, p.actor, p.draft.id)
    if updated is not None:
        await _remove_keyboard(p.message)
        await access.send(
            p.message, compose.confirm_screen(updated, approval_required=access.approval_required(p.context))
        )


async def _press_at(p: Pressed) -> None:
    p.flow.wait_for("time")
    await _remove_keyboard(p.message)
    await access.send(p.message, compose.ask_time(p.draft.id))


async def _press_edit(p: Pressed) -> None:
    if p.press.argument == "msg":
        p.flow.wait_for("message")
        await _remove_keyboard(p.message)
        await access.send(p.message, compose.ask_message(p.draft.id))
    elif p.press.argument == "btn":
        await access.show(p.query, compose.buttons_screen(p.draft))
    elif p.press.argument == "aud":
        await access.show(p.query, compose.audience_screen(p.draft))


# --- step 6: confirmation ------------------------------------------------------------------------------------


async def _press_go(p: Pressed) -> None:
    s = services(p.context)
    confirmed = await s.database.run_async(
        workflow.confirm,
        actor=p.actor,
        draft_id=p.draft.id,
        approval_required=access.approval_required(p.context),
    )
    if confirmed.outcome == Outcome.NOBODY:
        await p.message.chat.send_message(_("Broadcast compose: nobody"))
        return
    if confirmed.outcome != Outcome.DONE:
        await p.message.chat.send_message(_("Broadcast compose: draft closed"))
        return
    access.set_flow(p.context, None)
    await access.show(
        p.query, (_("Broadcast compose: confirmed").format(number=format_number(p.draft.id)), None)
    )
    view = await s.database.run_async(workflow.progress_view, broadcast_id=p.draft.id)
    assert view is not None
    sent = await p.message.chat.send_message(
        progress_text(view.broadcast, view.progress, rate_per_second=s.settings.BROADCAST_RATE_PER_SECOND),
        reply_markup=progress_keyboard(view.broadcast),
    )
    await s.database.run_async(
        workflow.record_progress_message,
        broadcast_id=p.draft.id,
        chat_id=sent.chat_id,
        message_id=sent.message_id,
    )
    if confirmed.status == BroadcastStatus.AWAITING_APPROVAL:
        await p.message.chat.send_message(
            _("Broadcast compose: awaiting approval").format(number=format_number(p.draft.id))
        )
        asked = await _ask_approvers(p.context, p.actor, p.draft, confirmed.recipients)
        if not asked:
            await p.message.chat.send_message(_("Broadcast compose: no approver"))


async def _ask_approvers(
    context: ContextTypes.DEFAULT_TYPE, author: Actor, draft: Draft, recipients: int
) -> int:
    """Each supervisor who may approve gets the preview and «تأیید»/«رد»; how many could be reached."""
    db = services(context).database
    supervisors = await db.run_async(workflow.approvers, broadcast_id=draft.id)
    text = compose.with_courses(
        _("Broadcast approval: request").format(
            number=format_number(draft.id),
            author=author.name,
            count=format_number(recipients),
            when=compose.when_text(draft.send_at),
            audience=compose.describe_audience(draft.audience),
        ),
        draft,
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("Broadcast button: approve"), callback_data=f"bs:{draft.id}:approve"),
                InlineKeyboardButton(_("Broadcast button: reject"), callback_data=f"bs:{draft.id}:reject"),
            ]
        ]
    )
    asked = 0
    for chat_id in supervisors:
        try:
            await render.send(
                context.bot,
                chat_id=chat_id,
                broadcast_id=draft.id,
                content=draft.content,
                buttons=draft.buttons,
            )
            await context.bot.send_message(chat_id, text, reply_markup=keyboard)
        except TelegramError as error:
            # A supervisor who never started the bot, or blocked it; the others are still asked.
            logger.warning("could not ask a supervisor to approve broadcast %s: %s", draft.id, error)
            continue
        asked += 1
    return asked

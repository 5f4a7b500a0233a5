"""Staff announcements in Telegram: the guided flow (`/broadcast` or «اطلاعیه»), the progress buttons,
supervisors' approval, and `/broadcasts`.

The flow, one step per screen, each with «انصراف»: the message (text with its formatting, or a photo
with a caption) → optional buttons (a course, «علاقه‌مندم», a link) → the audience with the live number
of recipients → a preview exactly as clients see it → now or a Jalali date and time → the confirmation.
The draft is in the database from the first step, so a restart loses nothing: `/broadcast` offers to
continue it, and its buttons keep working. Only what the flow waits for (the step) is in memory.

Authority comes from the registry only (`Permission.BROADCAST`, `APPROVE_BROADCASTS` for approval), every
press and message of the flow is audited, and a refusal is answered politely. The handlers run in a
group before the admin, counsellor and client handlers, and take a private message only when it is part
of a staff member's flow, or «اطلاعیه» from a colleague who may announce: a client's «اطلاعیه» reaches
Rasa, decided without waiting on the database so their messages keep their order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.broadcast import compose, drafts, render
from bot.broadcast.drafts import Actor, Authorisation, Draft, Outcome
from bot.broadcast.progress import (
    CONTROL_PATTERN,
    parse_control,
    progress_keyboard,
    progress_text,
    report_text,
    status_label,
)
from bot.handlers.client import keep
from bot.handlers.counsellor import STAFF_GROUP
from bot.outbox import split_text
from bot.services import from_bot_data, services
from bot.texts import _
from karyar.broadcast.audience import AGE_KEY, AudienceError
from karyar.broadcast.content import CAPTION_LIMIT, MAX_BUTTONS, TEXT_LIMIT, Content, ContentError
from karyar.broadcast.report import Report
from karyar.clock import now
from karyar.db.models import Broadcast, BroadcastStatus
from karyar.persian import format_number, jalali_date, jalali_datetime, parse_jalali_datetime
from karyar.staff.roles import Permission

logger = logging.getLogger(__name__)

# Ahead of the admin (-2), counsellor (-1) and client (0) groups: a supervisor's flow input must not be
# taken for a message to their client, nor a staff member's for a question to Rasa.
GROUP = STAFF_GROUP - 2
PRIVATE = filters.ChatType.PRIVATE
FLOW_KEY = "broadcast_flow"
_DIRECTORY_KEY = "karyar.broadcasters"
CANCEL_PATTERN = r"^bk:"
LIST_LIMIT = 10
INPUT_PATIENCE_SECONDS = 30 * 60


# --- who may announce, known without waiting on the database ---------------------------------------------


class Broadcasters:
    """Telegram ids of colleagues who may announce, for telling «اطلاعیه» from a client's question.

    Read from the registry on the bot's periodic check; someone authorised by /broadcast is known at once.
    """

    def __init__(self) -> None:
        self._ids: frozenset[int] = frozenset()
        self.locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    def knows(self, telegram_user_id: int) -> bool:
        return telegram_user_id in self._ids

    def learn(self, telegram_user_id: int) -> None:
        self._ids = self._ids | {telegram_user_id}

    def replace(self, ids: frozenset[int]) -> None:
        self._ids = ids


def _directory(context: ContextTypes.DEFAULT_TYPE) -> Broadcasters:
    found = context.bot_data.setdefault(_DIRECTORY_KEY, Broadcasters())
    assert isinstance(found, Broadcasters)
    return found


async def _refresh_directory(context: ContextTypes.DEFAULT_TYPE) -> None:
    _directory(context).replace(await services(context).database.run_async(drafts.broadcasters))


# --- where the staff member is in the flow ----------------------------------------------------------------


@dataclass(slots=True)
class Flow:
    draft_id: int | None = None
    # What the next message is read as: "message", "course", "link", "city", "field", "age", "time".
    awaiting: str | None = None
    asked_at: float = field(default_factory=time.monotonic)

    def wait_for(self, step: str | None) -> None:
        self.awaiting, self.asked_at = step, time.monotonic()

    def expects_input(self) -> bool:
        """Whether the next private message belongs to the flow. A question left unanswered for long is
        forgotten, so a supervisor's later message to a client is not read as, say, a course code."""
        return bool(self.awaiting) and time.monotonic() - self.asked_at < INPUT_PATIENCE_SECONDS


def _flow(context: ContextTypes.DEFAULT_TYPE) -> Flow | None:
    found = (context.user_data or {}).get(FLOW_KEY)
    return found if isinstance(found, Flow) else None


def _set_flow(context: ContextTypes.DEFAULT_TYPE, flow: Flow | None) -> None:
    if context.user_data is None:
        return
    if flow is None:
        context.user_data.pop(FLOW_KEY, None)
    else:
        context.user_data[FLOW_KEY] = flow


async def _authorise(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    action: str,
    *,
    permission: Permission = Permission.BROADCAST,
    broadcast_id: int | None = None,
    details: dict[str, Any] | None = None,
    record: bool = True,
) -> Authorisation:
    user = update.effective_user
    assert user is not None
    found = await services(context).database.run_async(
        drafts.authorised,
        telegram_user_id=user.id,
        action=action,
        permission=permission,
        broadcast_id=broadcast_id,
        details=details,
        record=record,
    )
    if found.actor is not None:
        _directory(context).learn(user.id)
    return found


async def _refuse_message(update: Update, context: ContextTypes.DEFAULT_TYPE, found: Authorisation) -> None:
    """Refused (and audited); a client's words are also kept in their record, as with other staff commands."""
    message = update.effective_message
    assert message is not None
    if not found.known_staff:
        await keep(update, context, kind="command", text=message.text)
    await message.reply_text(_("Staff: not allowed"))


async def _show(query: CallbackQuery, screen: tuple[str, InlineKeyboardMarkup | None]) -> None:
    """A screen in place of the pressed one (choosing filters edits one message, not many)."""
    text, keyboard = screen
    try:
        await query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise


async def _send(message: Message, screen: tuple[str, InlineKeyboardMarkup]) -> Message:
    text, keyboard = screen
    return await message.chat.send_message(text, reply_markup=keyboard)


async def _load(context: ContextTypes.DEFAULT_TYPE, actor: Actor, draft_id: int) -> Draft | None:
    return await services(context).database.run_async(drafts.load_draft, draft_id=draft_id, actor=actor)


# --- starting ---------------------------------------------------------------------------------------------


async def on_broadcast(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/broadcast` or «اطلاعیه»: a new announcement, or the draft left unfinished."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    async with _directory(context).locks[user.id]:
        found = await _authorise(update, context, "broadcast.start")
        if found.actor is None:
            await _refuse_message(update, context, found)
            raise ApplicationHandlerStop
        db = services(context).database
        flow = _flow(context)
        unfinished = (flow.draft_id if flow else None) or await db.run_async(
            drafts.latest_draft, actor=found.actor
        )
        draft = await _load(context, found.actor, unfinished) if unfinished else None
        if draft is not None:
            _set_flow(context, Flow(draft.id))
            await _send(message, compose.resume_offer(draft.id))
        else:
            _set_flow(context, Flow(None, "message"))
            await _send(message, compose.ask_message(0))
    raise ApplicationHandlerStop


async def on_private_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A staff member's answer to the step they are on, or «اطلاعیه»; everything else passes on untouched."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    flow = _flow(context)
    text = message.text
    if flow is not None and flow.expects_input() and not (text or "").startswith("/"):
        async with _directory(context).locks[user.id]:
            await _on_input(update, context, message)
        raise ApplicationHandlerStop
    if compose.is_word_command(text) and _directory(context).knows(user.id):
        await on_broadcast(update, context)
    # no await has happened for anyone else: a client's message goes on in order


async def _on_input(update: Update, context: ContextTypes.DEFAULT_TYPE, message: Message) -> None:
    flow = _flow(context)
    if flow is None or not flow.awaiting:
        return  # the step changed while this message waited for the lock
    found = await _authorise(update, context, f"broadcast.input.{flow.awaiting}", broadcast_id=flow.draft_id)
    actor = found.actor
    if actor is None:
        _set_flow(context, None)
        await message.reply_text(_("Staff: not allowed"))
        return
    if flow.awaiting == "message":
        await _read_message(context, message, actor, flow)
        return
    draft = await _load(context, actor, flow.draft_id) if flow.draft_id else None
    if draft is None:
        _set_flow(context, None)
        await message.reply_text(_("Broadcast compose: draft closed"))
        return
    if not message.text:
        await message.reply_text(_("Broadcast compose: type it"))
        return
    readers = {
        "course": _read_course,
        "link": _read_link,
        "city": _read_names,
        "field": _read_names,
        "age": _read_age,
        "time": _read_time,
    }
    await readers[flow.awaiting](context, message, actor, flow, draft)


# --- step 1: the message ------------------------------------------------------------------------------------


def content_of(message: Message) -> Content | str:
    """The announcement in a staff member's message, or why it cannot be one (a text to show them)."""
    if message.photo:
        caption = message.caption or ""
        if len(caption) > CAPTION_LIMIT:
            return _("Broadcast compose: caption too long").format(
                limit=format_number(CAPTION_LIMIT), length=format_number(len(caption))
            )
        data: dict[str, Any] = {
            "text": caption,
            "entities": [entity.to_dict() for entity in message.caption_entities],
            "photo": message.photo[-1].file_id,
        }
    elif message.text is not None:
        if len(message.text) > TEXT_LIMIT:
            return _("Broadcast compose: text too long").format(
                limit=format_number(TEXT_LIMIT), length=format_number(len(message.text))
            )
        data = {"text": message.text, "entities": [entity.to_dict() for entity in message.entities]}
    else:
        return _("Broadcast compose: not text or photo")
    try:
        return Content.from_dict(data)
    except ContentError:
        return _("Broadcast compose: empty")


async def _read_message(
    context: ContextTypes.DEFAULT_TYPE, message: Message, actor: Actor, flow: Flow
) -> None:
    content = content_of(message)
    if isinstance(content, str):
        await message.reply_text(content)
        return
    draft_id = await services(context).database.run_async(
        drafts.save_content, actor=actor, content=content, draft_id=flow.draft_id
    )
    draft = await _load(context, actor, draft_id) if draft_id else None
    if draft is None:
        _set_flow(context, None)
        await message.reply_text(_("Broadcast compose: draft closed"))
        return
    _set_flow(context, Flow(draft.id))
    await _send(message, compose.buttons_screen(draft))


# --- step 2: buttons ---------------------------------------------------------------------------------------


async def _save_buttons(
    context: ContextTypes.DEFAULT_TYPE,
    message: Message,
    actor: Actor,
    draft: Draft,
    buttons: list[dict[str, Any]],
) -> Draft | None:
    """The draft with these buttons, or None after telling the staff member what is wrong."""
    if len(buttons) > MAX_BUTTONS:
        await message.reply_text(
            _("Broadcast compose: too many buttons").format(limit=format_number(MAX_BUTTONS))
        )
        return None
    try:
        saved = await services(context).database.run_async(
            drafts.save_buttons, actor=actor, draft_id=draft.id, buttons=buttons
        )
    except ContentError:
        await message.reply_text(_("Broadcast compose: bad link"))
        return None
    return await _load(context, actor, draft.id) if saved else None


async def _read_course(
    context: ContextTypes.DEFAULT_TYPE, message: Message, actor: Actor, flow: Flow, draft: Draft
) -> None:
    wanted = compose.read_course_input(message.text or "")
    course = await services(context).database.run_async(drafts.find_course, code=wanted.code)
    if course is None:
        await message.reply_text(_("Broadcast compose: course not found").format(code=wanted.code))
        return
    if not course.active:
        await message.reply_text(_("Broadcast compose: course inactive").format(code=course.code))
        return
    title = wanted.title or _("Broadcast compose: course button title")
    if not compose.title_fits(title):
        await message.reply_text(_("Broadcast compose: bad title").format(limit=format_number(64)))
        return
    button = {"kind": "course", "title": title, "course_id": course.id}
    updated = await _save_buttons(context, message, actor, draft, [*draft.buttons, button])
    if updated is not None:
        flow.wait_for(None)
        await _send(message, compose.buttons_screen(updated))


async def _read_link(
    context: ContextTypes.DEFAULT_TYPE, message: Message, actor: Actor, flow: Flow, draft: Draft
) -> None:
    link = compose.read_link(message.text or "")
    if link is None:
        await message.reply_text(_("Broadcast compose: bad link"))
        return
    title, url = link
    if not compose.title_fits(title):
        await message.reply_text(_("Broadcast compose: bad title").format(limit=format_number(64)))
        return
    updated = await _save_buttons(
        context, message, actor, draft, [*draft.buttons, {"kind": "link", "title": title, "url": url}]
    )
    if updated is not None:
        flow.wait_for(None)
        await _send(message, compose.buttons_screen(updated))


# --- step 3: the audience ------------------------------------------------------------------------------------


async def _save_audience(
    context: ContextTypes.DEFAULT_TYPE,
    actor: Actor,
    draft: Draft,
    name: str,
    values: list[str] | tuple[int | None, int | None],
) -> Draft | str:
    """The draft with one filter changed, or what to tell the staff member."""
    if name == AGE_KEY:
        low, high = values
        assert not isinstance(low, str) and not isinstance(high, str)
        audience = draft.audience.with_age(low, high)
    else:
        audience = draft.audience.with_filter(name, [str(value) for value in values])
    try:
        saved = await services(context).database.run_async(
            drafts.save_audience, actor=actor, draft_id=draft.id, audience=audience
        )
    except AudienceError:
        return _("Broadcast compose: bad audience")
    updated = await _load(context, actor, draft.id) if saved else None
    return updated if updated is not None else _("Broadcast compose: draft closed")


async def _read_names(
    context: ContextTypes.DEFAULT_TYPE, message: Message, actor: Actor, flow: Flow, draft: Draft
) -> None:
    name = str(flow.awaiting)
    reader = compose.read_cities if name == "city" else compose.read_fields
    known, unknown = reader(message.text or "")
    if unknown or not known:
        problem = (
            _("Broadcast compose: unknown cities")
            if name == "city"
            else _("Broadcast compose: unknown fields")
        )
        await message.reply_text(problem.format(names="، ".join(unknown) or "—"))
        return
    updated = await _save_audience(context, actor, draft, name, known)
    if isinstance(updated, str):
        await message.reply_text(updated)
        return
    flow.wait_for(None)
    await _send(message, compose.audience_screen(updated))


async def _read_age(
    context: ContextTypes.DEFAULT_TYPE, message: Message, actor: Actor, flow: Flow, draft: Draft
) -> None:
    ages = compose.read_age_range(message.text or "")
    if ages is None:
        await message.reply_text(_("Broadcast compose: bad age"))
        return
    updated = await _save_audience(context, actor, draft, AGE_KEY, ages)
    if isinstance(updated, str):
        await message.reply_text(updated)
        return
    flow.wait_for(None)
    await _send(message, compose.audience_screen(updated))


# --- step 5: when --------------------------------------------------------------------------------------------


async def _read_time(
    context: ContextTypes.DEFAULT_TYPE, message: Message, actor: Actor, flow: Flow, draft: Draft
) -> None:
    try:
        moment = parse_jalali_datetime(message.text or "")
    except ValueError:
        await message.reply_text(_("Broadcast compose: bad time").format(example=compose.time_example()))
        return
    if moment <= now():
        await message.reply_text(_("Broadcast compose: past time").format(when=jalali_datetime(moment)))
        return
    await services(context).database.run_async(
        drafts.save_send_at, actor=actor, draft_id=draft.id, send_at=moment
    )
    updated = await _load(context, actor, draft.id)
    if updated is None:
        _set_flow(context, None)
        await message.reply_text(_("Broadcast compose: draft closed"))
        return
    flow.wait_for(None)
    await _send(message, compose.confirm_screen(updated, approval_required=_approval_required(context)))


def _approval_required(context: ContextTypes.DEFAULT_TYPE) -> bool:
    return services(context).settings.BROADCAST_APPROVAL_REQUIRED


# --- the flow's buttons ------------------------------------------------------------------------------------


async def on_compose_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    press = compose.parse(query.data)
    if press is None:
        await query.answer(_("Unknown button"))
        raise ApplicationHandlerStop
    async with _directory(context).locks[user.id]:
        await _on_compose_press(update, context, query, press)
    raise ApplicationHandlerStop


async def _on_compose_press(
    update: Update, context: ContextTypes.DEFAULT_TYPE, query: CallbackQuery, press: compose.Press
) -> None:
    found = await _authorise(
        update,
        context,
        f"broadcast.press.{press.action}",
        broadcast_id=press.draft_id or None,
        details={"choice": press.argument} if press.argument and not press.argument.isdigit() else None,
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
    draft = await _load(context, actor, press.draft_id) if press.draft_id else None
    if draft is None:
        await query.answer(_("Broadcast compose: draft closed"), show_alert=True)
        return
    flow = _flow(context) or Flow(draft.id)
    if flow.draft_id != draft.id:
        flow = Flow(draft.id)
    flow.wait_for(None)
    _set_flow(context, flow)
    await query.answer()
    handlers = {
        "cont": _press_continue,
        "fresh": _press_fresh,
        "btn": _press_buttons,
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


async def _quit(
    context: ContextTypes.DEFAULT_TYPE, query: CallbackQuery, message: Message, actor: Actor, draft_id: int
) -> None:
    flow = _flow(context)
    if draft_id:
        await services(context).database.run_async(drafts.drop_draft, actor=actor, draft_id=draft_id)
    if flow is not None and flow.draft_id in (None, draft_id):
        _set_flow(context, None)
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
    flow: Flow
    draft: Draft
    press: compose.Press


async def _press_continue(p: Pressed) -> None:
    await _remove_keyboard(p.message)
    await _send(p.message, compose.buttons_screen(p.draft))


async def _press_fresh(p: Pressed) -> None:
    await services(p.context).database.run_async(drafts.drop_draft, actor=p.actor, draft_id=p.draft.id)
    _set_flow(p.context, Flow(None, "message"))
    await _remove_keyboard(p.message)
    await _send(p.message, compose.ask_message(0))


async def _press_buttons(p: Pressed) -> None:
    choice = p.press.argument
    if choice == "course":
        p.flow.wait_for("course")
        await _show(p.query, compose.back_to_buttons(p.draft.id, _("Broadcast compose: ask course")))
    elif choice == "link":
        p.flow.wait_for("link")
        await _show(p.query, compose.back_to_buttons(p.draft.id, _("Broadcast compose: ask link")))
    elif choice == "interest":
        button = {"kind": "interest", "title": _("Broadcast compose: interest button title")}
        updated = await _save_buttons(p.context, p.message, p.actor, p.draft, [*p.draft.buttons, button])
        if updated is not None:
            await _show(p.query, compose.buttons_screen(updated))
    elif choice == "clear":
        updated = await _save_buttons(p.context, p.message, p.actor, p.draft, [])
        if updated is not None:
            await _show(p.query, compose.buttons_screen(updated))
    elif choice == "next":
        await _remove_keyboard(p.message)
        await _send(p.message, compose.audience_screen(p.draft))


async def _press_audience(p: Pressed) -> None:
    await _show(p.query, compose.audience_screen(p.draft))


async def _press_filter(p: Pressed) -> None:
    name = str(p.press.argument)
    if name in compose.TOGGLED:
        await _show(p.query, compose.options_screen(p.draft, name, p.actor))
    elif name in compose.TYPED:
        p.flow.wait_for(name)
        await _show(p.query, compose.typed_screen(p.draft, name))


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
    updated = await _save_audience(p.context, p.actor, p.draft, name, chosen)
    if isinstance(updated, str):
        await p.message.chat.send_message(updated)
        return
    await _show(p.query, compose.options_screen(updated, name, p.actor, index // compose.PAGE_SIZE))


async def _press_page(p: Pressed) -> None:
    name = str(p.press.argument)
    if name in compose.TOGGLED:
        await _show(p.query, compose.options_screen(p.draft, name, p.actor, p.press.index or 0))


async def _press_all(p: Pressed) -> None:
    name = str(p.press.argument)
    if name not in compose.FILTERS:
        return
    updated = await _save_audience(p.context, p.actor, p.draft, name, (None, None) if name == AGE_KEY else [])
    if isinstance(updated, str):
        await p.message.chat.send_message(updated)
        return
    if name in compose.TOGGLED:
        await _show(p.query, compose.options_screen(updated, name, p.actor))
    else:
        await _show(p.query, compose.audience_screen(updated))


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
    await _send(p.message, compose.summary_screen(p.draft))


async def _press_now(p: Pressed) -> None:
    await services(p.context).database.run_async(
        drafts.save_send_at, actor=p.actor, draft_id=p.draft.id, send_at=None
    )
    updated = await _load(p.context, p.actor, p.draft.id)
    if updated is not None:
        await _remove_keyboard(p.message)
        await _send(
            p.message, compose.confirm_screen(updated, approval_required=_approval_required(p.context))
        )


async def _press_at(p: Pressed) -> None:
    p.flow.wait_for("time")
    await _remove_keyboard(p.message)
    await _send(p.message, compose.ask_time(p.draft.id))


async def _press_edit(p: Pressed) -> None:
    if p.press.argument == "msg":
        p.flow.wait_for("message")
        await _remove_keyboard(p.message)
        await _send(p.message, compose.ask_message(p.draft.id))
    elif p.press.argument == "btn":
        await _show(p.query, compose.buttons_screen(p.draft))
    elif p.press.argument == "aud":
        await _show(p.query, compose.audience_screen(p.draft))


# --- step 6: confirmation ------------------------------------------------------------------------------------


async def _press_go(p: Pressed) -> None:
    s = services(p.context)
    confirmed = await s.database.run_async(
        drafts.confirm, actor=p.actor, draft_id=p.draft.id, approval_required=_approval_required(p.context)
    )
    if confirmed.outcome == Outcome.NOBODY:
        await p.message.chat.send_message(_("Broadcast compose: nobody"))
        return
    if confirmed.outcome != Outcome.DONE:
        await p.message.chat.send_message(_("Broadcast compose: draft closed"))
        return
    _set_flow(p.context, None)
    await _show(p.query, (_("Broadcast compose: confirmed").format(number=format_number(p.draft.id)), None))
    view = await s.database.run_async(drafts.progress_view, broadcast_id=p.draft.id)
    assert view is not None
    sent = await p.message.chat.send_message(
        progress_text(view.broadcast, view.progress, rate_per_second=s.settings.BROADCAST_RATE_PER_SECOND),
        reply_markup=progress_markup(view.broadcast),
    )
    await s.database.run_async(
        drafts.record_progress_message,
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


def progress_markup(broadcast: Broadcast) -> InlineKeyboardMarkup | None:
    """The progress buttons; while it waits for approval its author can still cancel it."""
    if broadcast.status == BroadcastStatus.AWAITING_APPROVAL:
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(_("Broadcast button: cancel"), callback_data=f"bs:{broadcast.id}:cancel")]]
        )
    return progress_keyboard(broadcast)


async def _ask_approvers(
    context: ContextTypes.DEFAULT_TYPE, author: Actor, draft: Draft, recipients: int
) -> int:
    """Each supervisor who may approve gets the preview and «تأیید»/«رد»; how many could be reached."""
    db = services(context).database
    supervisors = await db.run_async(drafts.approvers, broadcast_id=draft.id)
    text = _("Broadcast approval: request").format(
        number=format_number(draft.id),
        author=author.name,
        count=format_number(recipients),
        when=compose.when_text(draft.send_at),
        audience=compose.describe_audience(draft.audience),
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


# --- the progress buttons, approval and reports ---------------------------------------------------------------


async def on_control(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    control = parse_control(query.data)
    if control is None:
        await query.answer(_("Unknown button"))
        raise ApplicationHandlerStop
    approval = control.action in ("approve", "reject")
    found = await _authorise(
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
    if approval:
        await _decide(context, query, message, actor, control.broadcast_id, control.action == "approve")
    elif control.action == "report":
        await _report(context, query, message, actor, control.broadcast_id)
    elif control.action == "cancel":
        await _ask_cancel(context, query, message, actor, control.broadcast_id)
    else:
        await _pause_or_resume(context, query, actor, control.broadcast_id, control.action)
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


async def _decide(
    context: ContextTypes.DEFAULT_TYPE,
    query: CallbackQuery,
    message: Message | None,
    actor: Actor,
    broadcast_id: int,
    approve: bool,
) -> None:
    db = services(context).database
    decision = await db.run_async(drafts.decide, actor=actor, broadcast_id=broadcast_id, approve=approve)
    if decision.outcome != Outcome.DONE:
        await query.answer(_answer_for(decision.outcome), show_alert=True)
        return
    verdict = (
        _("Broadcast approval: approved by you") if approve else _("Broadcast approval: rejected by you")
    )
    await query.answer(verdict)
    if message is not None and message.text:
        await _show(query, (f"{message.text}\n\n{verdict}", None))
    if decision.author_chat_id is not None:
        news = (
            _("Broadcast approval: approved, to author")
            if approve
            else _("Broadcast approval: rejected, to author")
        )
        try:
            await context.bot.send_message(
                decision.author_chat_id, news.format(number=format_number(broadcast_id), name=actor.name)
            )
        except TelegramError as error:
            logger.warning("could not tell the author of broadcast %s: %s", broadcast_id, error)
    await refresh_progress(context, broadcast_id)


async def _report(
    context: ContextTypes.DEFAULT_TYPE,
    query: CallbackQuery,
    message: Message | None,
    actor: Actor,
    broadcast_id: int,
) -> None:
    found = await services(context).database.run_async(
        drafts.report_of, actor=actor, broadcast_id=broadcast_id
    )
    if not isinstance(found, Report):
        await query.answer(_answer_for(found), show_alert=True)
        return
    await query.answer()
    if message is not None:
        for part in split_text(report_text(found)):
            await message.chat.send_message(part)


async def _ask_cancel(
    context: ContextTypes.DEFAULT_TYPE,
    query: CallbackQuery,
    message: Message | None,
    actor: Actor,
    broadcast_id: int,
) -> None:
    """Cancelling cannot be undone: asked once more, under its own question."""
    checked = await services(context).database.run_async(
        drafts.control, actor=actor, broadcast_id=broadcast_id, action="check"
    )
    if checked.outcome != Outcome.DONE:
        await query.answer(_answer_for(checked.outcome, checked.status), show_alert=True)
        return
    await query.answer()
    if message is not None:
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        _("Broadcast button: yes cancel"), callback_data=f"bk:{broadcast_id}:yes"
                    ),
                    InlineKeyboardButton(
                        _("Broadcast button: no keep"), callback_data=f"bk:{broadcast_id}:no"
                    ),
                ]
            ]
        )
        await message.chat.send_message(
            _("Broadcast control: confirm cancel").format(number=format_number(broadcast_id)),
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
    found = await _authorise(
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
        drafts.control, actor=actor, broadcast_id=broadcast_id, action="cancel" if yes else "check"
    )
    if done.outcome in (Outcome.UNKNOWN, Outcome.NOT_ALLOWED) or (yes and done.outcome != Outcome.DONE):
        await query.answer(_answer_for(done.outcome, done.status), show_alert=True)
        raise ApplicationHandlerStop
    answer = _("Broadcast control: cancelled") if yes else _("Broadcast control: kept")
    await query.answer(answer)
    await _show(query, (answer, None))
    await refresh_progress(context, broadcast_id)
    raise ApplicationHandlerStop


async def _pause_or_resume(
    context: ContextTypes.DEFAULT_TYPE, query: CallbackQuery, actor: Actor, broadcast_id: int, action: str
) -> None:
    done = await services(context).database.run_async(
        drafts.control, actor=actor, broadcast_id=broadcast_id, action=action
    )
    if done.outcome != Outcome.DONE:
        await query.answer(_answer_for(done.outcome, done.status), show_alert=True)
        return
    await query.answer(
        _("Broadcast control: paused") if action == "pause" else _("Broadcast control: resumed")
    )
    await refresh_progress(context, broadcast_id)


async def refresh_progress(context: ContextTypes.DEFAULT_TYPE, broadcast_id: int) -> None:
    """Edit the progress message at once; the sender keeps it current afterwards."""
    s = services(context)
    view = await s.database.run_async(drafts.progress_view, broadcast_id=broadcast_id)
    if view is None or view.broadcast.progress_chat_id is None or view.broadcast.progress_message_id is None:
        return
    try:
        await context.bot.edit_message_text(
            progress_text(
                view.broadcast, view.progress, rate_per_second=s.settings.BROADCAST_RATE_PER_SECOND
            ),
            chat_id=view.broadcast.progress_chat_id,
            message_id=view.broadcast.progress_message_id,
            reply_markup=progress_markup(view.broadcast),
        )
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            logger.warning("could not update the progress of broadcast %s: %s", broadcast_id, error)


# --- /broadcasts ---------------------------------------------------------------------------------------------


async def on_broadcasts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    found = await _authorise(update, context, "broadcast.list")
    if found.actor is None:
        await _refuse_message(update, context, found)
        raise ApplicationHandlerStop
    listed = await services(context).database.run_async(drafts.listing, actor=found.actor, limit=LIST_LIMIT)
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


# --- wiring --------------------------------------------------------------------------------------------------


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.bot_data[_DIRECTORY_KEY] = Broadcasters()
    application.add_handler(CommandHandler("broadcast", on_broadcast, filters=PRIVATE), group=GROUP)
    application.add_handler(CommandHandler("broadcasts", on_broadcasts, filters=PRIVATE), group=GROUP)
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & PRIVATE, on_private_message), group=GROUP
    )
    application.add_handler(CallbackQueryHandler(on_compose_button, pattern=compose.PATTERN), group=GROUP)
    application.add_handler(CallbackQueryHandler(on_control, pattern=CONTROL_PATTERN), group=GROUP)
    application.add_handler(CallbackQueryHandler(on_cancel_answer, pattern=CANCEL_PATTERN), group=GROUP)
    if application.job_queue is not None:
        interval = from_bot_data(application.bot_data).settings.HANDOFF_CHECK_SECONDS
        application.job_queue.run_repeating(
            _refresh_directory, interval=interval, first=0.5, name="broadcasters"
        )

"""The announcement flow as far as it is typed: starting it (`/broadcast` or «اطلاعیه»), and reading a
staff member's answer to the step they are on — the message (step 1), a course (part of its name, or its
code) or a link for a button (step 2), cities, fields or ages (step 3) and a Jalali date and time (step 5).
The presses are in `presses`.
"""

from __future__ import annotations

from typing import Any

from telegram import Message, Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.broadcast import compose
from bot.handlers.broadcast_staff import access
from bot.services import services
from karyar.broadcast import workflow
from karyar.broadcast.audience import AGE_KEY, AudienceError
from karyar.broadcast.content import CAPTION_LIMIT, MAX_BUTTONS, TEXT_LIMIT, Content, ContentError
from karyar.broadcast.workflow import Actor, CourseRef, Draft
from karyar.clock import now
from karyar.staff.roles import Permission
from karyar.texts import _
from persian.format import format_number, jalali_datetime, join_list, parse_jalali_datetime

# --- starting ---------------------------------------------------------------------------------------------


async def on_broadcast(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/broadcast` or «اطلاعیه»: a new announcement, or the draft left unfinished."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    async with access.one_step_at_a_time(context, user.id):
        found = await access.authorise(update, context, "broadcast.start")
        if found.actor is None:
            await access.refuse_message(update, context, found)
            raise ApplicationHandlerStop
        db = services(context).database
        flow = access.current_flow(context)
        unfinished = (flow.draft_id if flow else None) or await db.run_async(
            workflow.latest_draft, actor=found.actor
        )
        draft = await access.load_draft(context, found.actor, unfinished) if unfinished else None
        if draft is not None:
            access.set_flow(context, access.Flow(draft.id))
            await access.send(message, compose.resume_offer(draft.id))
        else:
            access.set_flow(context, access.Flow(None, "message"))
            await access.send(message, compose.ask_message(0))
    raise ApplicationHandlerStop


async def on_private_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A staff member's answer to the step they are on, or «اطلاعیه»; everything else passes on untouched."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    flow = access.current_flow(context)
    text = message.text
    if flow is not None and flow.expects_input() and not (text or "").startswith("/"):
        async with access.one_step_at_a_time(context, user.id):
            await _on_input(update, context, message)
        raise ApplicationHandlerStop
    if compose.is_word_command(text) and services(context).staff.may(user.id, Permission.BROADCAST):
        await on_broadcast(update, context)
    # no await has happened for anyone else: a client's message goes on in order


async def _on_input(update: Update, context: ContextTypes.DEFAULT_TYPE, message: Message) -> None:
    flow = access.current_flow(context)
    if flow is None or not flow.awaiting:
        return  # the step changed while this message waited for the lock
    found = await access.authorise(
        update, context, f"broadcast.input.{flow.awaiting}", broadcast_id=flow.draft_id
    )
    actor = found.actor
    if actor is None:
        access.set_flow(context, None)
        await message.reply_text(_("Staff: not allowed"))
        return
    if flow.awaiting == "message":
        await _read_message(context, message, actor, flow)
        return
    draft = await access.load_draft(context, actor, flow.draft_id) if flow.draft_id else None
    if draft is None:
        access.set_flow(context, None)
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
    context: ContextTypes.DEFAULT_TYPE, message: Message, actor: Actor, flow: access.Flow
) -> None:
    content = content_of(message)
    if isinstance(content, str):
        await message.reply_text(content)
        return
    draft_id = await services(context).database.run_async(
        workflow.save_content, actor=actor, content=content, draft_id=flow.draft_id
    )
    draft = await access.load_draft(context, actor, draft_id) if draft_id else None
    if draft is None:
        access.set_flow(context, None)
        await message.reply_text(_("Broadcast compose: draft closed"))
        return
    access.set_flow(context, access.Flow(draft.id))
    await access.send(message, compose.buttons_screen(draft))


# --- step 2: buttons ---------------------------------------------------------------------------------------


async def save_buttons(
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
            workflow.save_buttons, actor=actor, draft_id=draft.id, buttons=buttons
        )
    except ContentError:
        await message.reply_text(_("Broadcast compose: bad link"))
        return None
    return await access.load_draft(context, actor, draft.id) if saved else None


async def _read_course(
    context: ContextTypes.DEFAULT_TYPE, message: Message, actor: Actor, flow: access.Flow, draft: Draft
) -> None:
    """A course's code links it at once; part of its name shows the courses to pick from."""
    wanted = compose.read_course_input(message.text or "")
    if wanted.title is not None and not compose.title_fits(wanted.title):
        await message.reply_text(_("Broadcast compose: bad title").format(limit=format_number(64)))
        return
    db = services(context).database
    flow.course_title = wanted.title
    if not wanted.text:  # only a title: the name is still to come
        upcoming = await db.run_async(workflow.course_choices, actor=actor)
        await access.send(message, compose.ask_course(draft.id, upcoming))
        return
    course = await db.run_async(workflow.find_course, code=wanted.text)
    if course is not None:
        updated = await add_course(context, message, actor, flow, draft, course, wanted.title)
        if updated is not None:
            await access.send(message, compose.buttons_screen(updated))
        return
    found = await db.run_async(workflow.course_choices, actor=actor, text=wanted.text)
    if found.courses:
        await access.send(message, compose.course_matches(draft.id, wanted.text, found))
        return
    upcoming = await db.run_async(workflow.course_choices, actor=actor)
    await access.send(message, compose.no_course_match(draft.id, wanted.text, upcoming))


async def add_course(
    context: ContextTypes.DEFAULT_TYPE,
    message: Message,
    actor: Actor,
    flow: access.Flow,
    draft: Draft,
    course: CourseRef,
    title: str | None,
) -> Draft | None:
    """The draft with a button for this course, or None after telling the staff member why not."""
    if not course.active:
        await message.reply_text(
            _("Broadcast compose: course inactive").format(course=compose.course_label(course))
        )
        return None
    button = {
        "kind": "course",
        "title": title or _("Broadcast compose: course button title"),
        "course_id": course.id,
    }
    updated = await save_buttons(context, message, actor, draft, [*draft.buttons, button])
    if updated is not None:
        flow.wait_for(None)
        flow.course_title = None
    return updated


async def _read_link(
    context: ContextTypes.DEFAULT_TYPE, message: Message, actor: Actor, flow: access.Flow, draft: Draft
) -> None:
    link = compose.read_link(message.text or "")
    if link is None:
        await message.reply_text(_("Broadcast compose: bad link"))
        return
    title, url = link
    if not compose.title_fits(title):
        await message.reply_text(_("Broadcast compose: bad title").format(limit=format_number(64)))
        return
    updated = await save_buttons(
        context, message, actor, draft, [*draft.buttons, {"kind": "link", "title": title, "url": url}]
    )
    if updated is not None:
        flow.wait_for(None)
        await access.send(message, compose.buttons_screen(updated))


# --- step 3: the audience ------------------------------------------------------------------------------------


async def save_audience(
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
            workflow.save_audience, actor=actor, draft_id=draft.id, audience=audience
        )
    except AudienceError:
        return _("Broadcast compose: bad audience")
    updated = await access.load_draft(context, actor, draft.id) if saved else None
    return updated if updated is not None else _("Broadcast compose: draft closed")


async def _read_names(
    context: ContextTypes.DEFAULT_TYPE, message: Message, actor: Actor, flow: access.Flow, draft: Draft
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
        await message.reply_text(problem.format(names=join_list(unknown) or "—"))
        return
    await _narrow(context, message, actor, flow, draft, name, known)


async def _read_age(
    context: ContextTypes.DEFAULT_TYPE, message: Message, actor: Actor, flow: access.Flow, draft: Draft
) -> None:
    ages = compose.read_age_range(message.text or "")
    if ages is None:
        await message.reply_text(_("Broadcast compose: bad age"))
        return
    await _narrow(context, message, actor, flow, draft, AGE_KEY, ages)


async def _narrow(
    context: ContextTypes.DEFAULT_TYPE,
    message: Message,
    actor: Actor,
    flow: access.Flow,
    draft: Draft,
    name: str,
    values: list[str] | tuple[int | None, int | None],
) -> None:
    """Apply a typed filter and show the audience screen again, or say why it cannot be applied."""
    updated = await save_audience(context, actor, draft, name, values)
    if isinstance(updated, str):
        await message.reply_text(updated)
        return
    flow.wait_for(None)
    await access.send(message, compose.audience_screen(updated))


# --- step 5: when --------------------------------------------------------------------------------------------


async def _read_time(
    context: ContextTypes.DEFAULT_TYPE, message: Message, actor: Actor, flow: access.Flow, draft: Draft
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
        workflow.save_send_at, actor=actor, draft_id=draft.id, send_at=moment
    )
    updated = await access.load_draft(context, actor, draft.id)
    if updated is None:
        access.set_flow(context, None)
        await message.reply_text(_("Broadcast compose: draft closed"))
        return
    flow.wait_for(None)
    await access.send(
        message, compose.confirm_screen(updated, approval_required=access.approval_required(context))
    )

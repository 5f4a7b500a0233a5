"""Who may announce, and where each staff member is in the announcement flow.

The registry check behind every press and message of the flow, the step each staff member is on (taken
one at a time), and the few helpers every screen shares.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.handlers.client import keep
from bot.services import services
from karyar.broadcast import workflow
from karyar.broadcast.workflow import Actor, Authorisation, Draft
from karyar.staff.roles import Permission
from karyar.texts import _

FLOW_KEY = "broadcast_flow"
LOCKS_KEY = "karyar.broadcast_flow_locks"
INPUT_PATIENCE_SECONDS = 30 * 60


# --- where the staff member is in the flow ----------------------------------------------------------------


def one_step_at_a_time(context: ContextTypes.DEFAULT_TYPE, telegram_user_id: int) -> asyncio.Lock:
    """Held while a staff member's press or answer is handled, so a quick second one waits for the step
    the first leads to."""
    locks: defaultdict[int, asyncio.Lock] = context.bot_data.setdefault(LOCKS_KEY, defaultdict(asyncio.Lock))
    return locks[telegram_user_id]


@dataclass(slots=True)
class Flow:
    draft_id: int | None = None
    # What the next message is read as: "message", "course", "link", "city", "field", "age", "time".
    awaiting: str | None = None
    asked_at: float = field(default_factory=time.monotonic)
    # The title typed with a course's name («مجلسی | ثبت‌نام در دوره»), for the course then picked.
    course_title: str | None = None

    def wait_for(self, step: str | None) -> None:
        self.awaiting, self.asked_at = step, time.monotonic()

    def expects_input(self) -> bool:
        """Whether the next private message belongs to the flow. A question left unanswered for long is
        forgotten, so a supervisor's later message to a client is not read as, say, a course code."""
        return bool(self.awaiting) and time.monotonic() - self.asked_at < INPUT_PATIENCE_SECONDS


def current_flow(context: ContextTypes.DEFAULT_TYPE) -> Flow | None:
    found = (context.user_data or {}).get(FLOW_KEY)
    return found if isinstance(found, Flow) else None


def set_flow(context: ContextTypes.DEFAULT_TYPE, flow: Flow | None) -> None:
    if context.user_data is None:
        return
    if flow is None:
        context.user_data.pop(FLOW_KEY, None)
    else:
        context.user_data[FLOW_KEY] = flow


async def authorise(
    update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, **options: Any
) -> Authorisation:
    """`workflow.authorised` for the sender of the update (`options`: permission, broadcast_id, details,
    record); a colleague found allowed is made known to the staff directory, so their next message is taken
    at once."""
    user = update.effective_user
    assert user is not None
    found = await services(context).database.run_async(
        workflow.authorised, telegram_user_id=user.id, action=action, **options
    )
    if found.actor is not None:
        services(context).staff.learn(user.id, options.get("permission", Permission.BROADCAST))
    return found


async def refuse_message(update: Update, context: ContextTypes.DEFAULT_TYPE, found: Authorisation) -> None:
    """Refused (and audited); a client's words are also kept in their record, as with other staff commands."""
    message = update.effective_message
    assert message is not None
    if not found.known_staff:
        await keep(update, context, kind="command", text=message.text)
    await message.reply_text(_("Staff: not allowed"))


async def show(query: CallbackQuery, screen: tuple[str, InlineKeyboardMarkup | None]) -> None:
    """A screen in place of the pressed one (choosing filters edits one message, not many)."""
    text, keyboard = screen
    try:
        await query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise


async def send(message: Message, screen: tuple[str, InlineKeyboardMarkup]) -> Message:
    text, keyboard = screen
    return await message.chat.send_message(text, reply_markup=keyboard)


async def load_draft(context: ContextTypes.DEFAULT_TYPE, actor: Actor, draft_id: int) -> Draft | None:
    return await services(context).database.run_async(workflow.load_draft, draft_id=draft_id, actor=actor)


def approval_required(context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether a confirmed announcement waits for a supervisor's approval (the setting)."""
    return services(context).settings.BROADCAST_APPROVAL_REQUIRED

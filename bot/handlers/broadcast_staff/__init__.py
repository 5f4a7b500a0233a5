"""Staff announcements in Telegram: the guided flow (`/broadcast` or «اطلاعیه»), the progress buttons,
supervisors' approval, and `/broadcasts`.

The flow, one step per screen, each with «انصراف»: the message (text with its formatting, or a photo
with a caption) → optional buttons (a course, found by part of its name or picked from the upcoming ones;
«علاقه‌مندم»; a link) → the audience with the live number of recipients → a preview exactly as clients
see it → now or a Jalali date and time → the confirmation, which names the linked course. The draft is in
the database from the first step, so a restart loses nothing: `/broadcast` offers to continue it, and its
buttons keep working. Only what the flow waits for (the step, and a title typed with a course's name) is
in memory.

Authority comes from the registry only (`Permission.BROADCAST`, `APPROVE_BROADCASTS` for approval), every
press and message of the flow is audited, and a refusal is answered politely. The handlers run in a
group before the admin, counsellor and client handlers, and take a private message only when it is part
of a staff member's flow, or «اطلاعیه» from a colleague who may announce: a client's «اطلاعیه» reaches
Rasa, decided without waiting on the database so their messages keep their order.

The modules: `access` (the registry check, the step each staff member is on, shared helpers), `flow`
(starting, and the typed answers), `presses` (the flow's buttons up to the confirmation and the request
for approval), `controls` (the progress buttons, approval decisions and `/broadcasts`).
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.broadcast import compose
from bot.broadcast.progress import CONTROL_PATTERN
from bot.handlers.broadcast_staff.controls import CANCEL_PATTERN, on_broadcasts, on_cancel_answer, on_control
from bot.handlers.broadcast_staff.flow import on_broadcast, on_private_message
from bot.handlers.broadcast_staff.presses import on_compose_button

PRIVATE = filters.ChatType.PRIVATE


def register(application: Application[Any, Any, Any, Any, Any, Any], group: int) -> None:
    application.add_handlers(
        [
            CommandHandler("broadcast", on_broadcast, filters=PRIVATE),
            CommandHandler("broadcasts", on_broadcasts, filters=PRIVATE),
            MessageHandler(filters.UpdateType.MESSAGE & PRIVATE, on_private_message),
            CallbackQueryHandler(on_compose_button, pattern=compose.PATTERN),
            CallbackQueryHandler(on_control, pattern=CONTROL_PATTERN),
            CallbackQueryHandler(on_cancel_answer, pattern=CANCEL_PATTERN),
        ],
        group=group,
    )

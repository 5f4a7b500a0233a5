"""Size limits on what the bot accepts: Telegram's own, enforced again because updates can be forged.

A webhook, a compatible server or a stand-in may deliver what Telegram never would; nothing oversized is
stored whole or passed on to Rasa or a counsellor.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, TypeHandler

from karyar.texts import _

TEXT_LIMIT = 4096  # characters of a message's text (Telegram's limit)
CALLBACK_DATA_LIMIT = 64  # bytes


def cut(text: str | None, limit: int = TEXT_LIMIT) -> tuple[str | None, int | None]:
    """The text within the limit, and its original length if it had to be cut. NUL characters (which
    PostgreSQL cannot store and Telegram never sends) become U+FFFD, the usual mark of a lost character."""
    if text is None:
        return None, None
    text = text.replace("\x00", "\ufffd")
    if len(text) <= limit:
        return text, None
    return text[:limit], len(text)


async def refuse_oversized_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or len((query.data or "").encode()) <= CALLBACK_DATA_LIMIT:
        return
    await query.answer(_("Unknown button"))
    raise ApplicationHandlerStop


def register(application: Application, group: int) -> None:
    application.add_handler(TypeHandler(Update, refuse_oversized_callback), group=group)

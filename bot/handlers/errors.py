"""The one error handler: log what an operator can act on, tell the client something kind."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.observability import metrics
from bot.polling import InboxUpdateProcessor
from karyar.texts import _

logger = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    # No message text or names here: logs must not hold personal data.
    update_id = update.update_id if isinstance(update, Update) else None
    metrics.ERRORS.labels("handler").inc()
    processor = context.application.update_processor
    database_away = isinstance(context.error, SQLAlchemyError) and isinstance(update, Update)
    if database_away and isinstance(processor, InboxUpdateProcessor) and isinstance(update, Update):
        processor.handle_again(update)  # once the database is back
    logger.error("update %s failed: %s", update_id, type(context.error).__name__, exc_info=context.error)
    if (
        not isinstance(update, Update)
        or update.effective_chat is None
        or update.effective_chat.type != "private"
    ):
        return
    # Handled again once the database is back, the message will be answered: asking for it again would
    # only bring a second answer.
    text = _("Something went wrong: the answer will follow") if database_away else _("Something went wrong")
    try:
        await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError as error:
        logger.warning("could not tell chat about the failure of update %s: %s", update_id, error)

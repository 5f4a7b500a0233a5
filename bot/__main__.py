"""`python -m bot`: run the Telegram front end (polling by default, webhook when configured)."""

from __future__ import annotations

import logging
import sys

from telegram import Update

from bot.app import build_application
from karyar.db.engine import Database
from karyar.settings import ConfigurationError, get_settings


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL, and Bot API URLs contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def main() -> int:
    try:
        settings = get_settings()
        settings.require_bot_token()
    except ConfigurationError as error:
        print(error, file=sys.stderr)
        return 2
    configure_logging(settings.LOG_LEVEL)
    application = build_application(settings, Database(settings.DATABASE_URL))
    if settings.webhook_mode:
        webhook_url = str(settings.TELEGRAM_WEBHOOK_URL)
        application.run_webhook(
            listen=settings.TELEGRAM_WEBHOOK_LISTEN,
            port=settings.TELEGRAM_WEBHOOK_PORT,
            url_path=webhook_url.rstrip("/").rsplit("/", 1)[-1]
            if "/" in webhook_url.split("://", 1)[1]
            else "",
            webhook_url=webhook_url,
            secret_token=settings.TELEGRAM_WEBHOOK_SECRET,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


if __name__ == "__main__":
    sys.exit(main())

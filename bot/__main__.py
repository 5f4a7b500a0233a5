"""`python -m bot`: run the Telegram front end (polling by default, webhook when configured)."""

from __future__ import annotations

import asyncio
import logging
import sys
from urllib.parse import urlsplit

from bot.app import build_application
from bot.polling import serve
from bot.readiness import serve_announcing_ready
from bot.services import from_bot_data
from bot.webhook import serve_webhook
from karyar.db.engine import Database
from karyar.identity.cipher import DataCipher
from karyar.settings import ConfigurationError, get_settings


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL, and Bot API URLs contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # The retry job runs every few seconds; its start and end lines would drown everything else.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def main() -> int:
    try:
        settings = get_settings()
        settings.require_bot_token()
        DataCipher.from_settings(settings)
    except ConfigurationError as error:
        print(error, file=sys.stderr)
        return 2
    configure_logging(settings.LOG_LEVEL)
    database = Database(settings.DATABASE_URL)
    application = build_application(settings, database)
    if settings.webhook_mode:
        webhook_url = str(settings.TELEGRAM_WEBHOOK_URL)
        assert settings.TELEGRAM_WEBHOOK_SECRET is not None  # require_bot_token checked it
        intake = serve_webhook(
            application,
            database,
            listen=settings.TELEGRAM_WEBHOOK_LISTEN,
            port=settings.TELEGRAM_WEBHOOK_PORT,
            # The reverse proxy forwards the public path unchanged, so the bot serves that same path.
            url_path=urlsplit(webhook_url).path,
            webhook_url=webhook_url,
            secret=settings.TELEGRAM_WEBHOOK_SECRET,
        )
    else:
        intake = serve(application, database)
    rasa = from_bot_data(application.bot_data).rasa
    asyncio.run(serve_announcing_ready(intake, application, rasa, settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())

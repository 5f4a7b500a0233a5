"""A local stand-in for the Telegram Bot API server.

python-telegram-bot (or any client) talks to it over HTTP exactly as to api.telegram.org, while
tests — in-process through :class:`UserDriver` methods or from another process through the
``/_local/`` control API (:class:`LocalApiClient`) — play the Telegram users.

Synchronous test, bot in another process (``TELEGRAM_API_BASE_URL=api.url``)::

    with run_in_thread() as api:                       # or ThreadedLocalBotApi(token).start()
        ...start the bot with TELEGRAM_API_BASE_URL=api.url and api.token...
        sent = api.send_text(1001, "/start")
        replies = api.wait_for_bot_messages(1001, 2, since=sent, timeout=10)
        api.press_button(1001, replies[-1]["message_id"], "menu:jobs")

Async test, bot on the same loop::

    async with LocalBotApi() as api:
        bot = telegram.Bot(api.token, base_url=api.bot_url, base_file_url=api.file_url)
        ...
        replies = await api.wait_for_bot_messages_async(1001, 1, since=sent)

From the command line: ``python -m localapi --port 8081 --token 123:ABC``.
"""

from localapi.client import LocalApiClient
from localapi.driver import UserDriver
from localapi.errors import ApiError, DriverError, UnknownChatError
from localapi.ratelimit import RateLimit
from localapi.server import DEFAULT_TOKEN, LocalBotApi, ThreadedLocalBotApi, run_in_thread
from localapi.state import World

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "DriverError",
    "LocalApiClient",
    "LocalBotApi",
    "RateLimit",
    "ThreadedLocalBotApi",
    "UnknownChatError",
    "UserDriver",
    "World",
    "run_in_thread",
]

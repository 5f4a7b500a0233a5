"""Local mode: the whole product on one machine without Telegram, used from a browser chat page.

`make run` without TELEGRAM_BOT_TOKEN lands here: the local Bot API server (localapi) stands in for
Telegram, the bot, Rasa and the action server run unchanged against it, and a database of its own holds
sample data so a demo works on first start.
"""

from pathlib import Path

ALWAYS_OPEN_CALENDAR = Path(__file__).resolve().parent / "always_open_calendar.yml"

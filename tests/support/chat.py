"""A client's side of a conversation through the Bot API stand-in: say, press, read the answer of a turn."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from localapi import UserDriver
from tests.support import turns

ROOT = Path(__file__).resolve().parents[2]
REPLY_SECONDS = 30.0
# Where the bot's inbox cannot be read (local mode in a terminal), this long without a new message ends a turn.
QUIET_SECONDS = 0.8


@cache
def intake_questions() -> dict[str, str]:
    """The text of each intake question (domain/intake.yml) → the fact it asks for."""
    domain = YAML(typ="safe", pure=True).load((ROOT / "domain" / "intake.yml").read_text(encoding="utf-8"))
    return {
        variants[0]["text"]: name.removeprefix("utter_ask_")
        for name, variants in domain["responses"].items()
        if name.startswith("utter_ask_")
    }


def button_titles(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [button["text"] for row in rows for button in row]


class Chat:
    def __init__(self, api: UserDriver, user_id: int, *, first_name: str = "مریم") -> None:
        self.api = api
        self.user_id = user_id
        self.first_name = first_name

    def say(self, text: str) -> list[dict[str, Any]]:
        mark, first_update = self.api.mark(self.user_id), self._next_update_id()
        self.api.send_text(self.user_id, text, first_name=self.first_name)
        return self._turn(mark, first_update)

    def press(self, title: str, *, on: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Press the button titled `title` on `on`, or on the newest bot message that has one."""
        message = on or next(
            (m for m in reversed(self.api.bot_messages(self.user_id)) if title in button_titles(m)), None
        )
        assert message is not None, f"no message with a button {title!r}: {self.texts()}"
        mark, first_update = self.api.mark(self.user_id), self._next_update_id()
        self.api.press_button(self.user_id, message["message_id"], text=title)
        return self._turn(mark, first_update)

    def accept_privacy_notice(self) -> None:
        replies = self.say("/start")
        self.press(button_titles(replies[-1])[0], on=replies[-1])

    def texts(self) -> list[str]:
        return [str(m.get("text") or "") for m in self.api.bot_messages(self.user_id)]

    def _next_update_id(self) -> int:
        return int(self.api.world.read(lambda world: world.next_update_id))

    def _turn(self, mark: int, first_update: int) -> list[dict[str, Any]]:
        """The bot's replies to what was just sent, once it is done with it."""
        started = datetime.now(UTC) - timedelta(seconds=1)  # the bot's clock stamps what it receives
        self.api.wait_for_bot_messages(self.user_id, 1, since=mark, timeout=REPLY_SECONDS)
        api_url = getattr(self.api, "url", None)
        if isinstance(api_url, str) and turns.knows_inbox(api_url):
            sent = range(first_update, self._next_update_id())
            finished = turns.wait_processed(api_url, sent, received_since=started, timeout=REPLY_SECONDS)
            assert finished, f"the bot never finished updates {sent}: {self.texts()}"
            return self.api.bot_messages(self.user_id, since=mark)
        while True:
            count = len(self.api.bot_messages(self.user_id, since=mark))
            more = self.api.wait_until(
                lambda count=count: len(self.api.bot_messages(self.user_id, since=mark)) > count,  # type: ignore[misc]
                timeout=QUIET_SECONDS,
            )
            if not more:
                return self.api.bot_messages(self.user_id, since=mark)


def question_in(replies: list[dict[str, Any]]) -> str | None:
    """The fact the last reply asks for, if it is an intake question."""
    if not replies:
        return None
    return intake_questions().get(str(replies[-1].get("text") or ""))

"""A client's side of a conversation through the Bot API stand-in: say, press, read the answer of a turn."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from localapi import UserDriver

ROOT = Path(__file__).resolve().parents[2]
REPLY_SECONDS = 30.0
# The bot sends all replies to one message back to back; this long without a new one means the turn is over.
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
        mark = self.api.mark(self.user_id)
        self.api.send_text(self.user_id, text, first_name=self.first_name)
        return self._turn(mark)

    def press(self, title: str, *, on: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Press the button titled `title` on `on`, or on the newest bot message that has one."""
        message = on or next(
            (m for m in reversed(self.api.bot_messages(self.user_id)) if title in button_titles(m)), None
        )
        assert message is not None, f"no message with a button {title!r}: {self.texts()}"
        mark = self.api.mark(self.user_id)
        self.api.press_button(self.user_id, message["message_id"], text=title)
        return self._turn(mark)

    def accept_privacy_notice(self) -> None:
        replies = self.say("/start")
        self.press(button_titles(replies[-1])[0], on=replies[-1])

    def texts(self) -> list[str]:
        return [str(m.get("text") or "") for m in self.api.bot_messages(self.user_id)]

    def _turn(self, mark: int) -> list[dict[str, Any]]:
        self.api.wait_for_bot_messages(self.user_id, 1, since=mark, timeout=REPLY_SECONDS)
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

"""Commands, the menu, refusing consent, and a Bot API server that lacks optional methods."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from karyar.db.engine import Database
from karyar.db.models import Client
from localapi.server import run_in_thread
from tests.support.stack import Stack, extra_bot

pytestmark = pytest.mark.e2e
PERSIAN = re.compile(r"[\u0600-\u06FF]")
SECONDS = 30.0


def _ask(stack: Stack, user_id: int, text: str, count: int = 1) -> list[dict]:  # type: ignore[type-arg]
    sent = stack.api.send_text(user_id, text)
    return stack.api.wait_for_bot_messages(user_id, count, since=sent, timeout=SECONDS)


def test_menu_shows_the_main_menu_keyboard_and_its_buttons_work(stack: Stack, user_id: int) -> None:
    _ask(stack, user_id, "/menu")
    keyboard = stack.api.reply_keyboard(user_id)
    assert keyboard is not None
    labels = [button["text"] for row in keyboard["keyboard"] for button in row]
    assert len(labels) == 7 and all(PERSIAN.search(label) for label in labels)
    loans = next(label for label in labels if "وام" in label)
    [answer, *_] = _ask(stack, user_id, loans)
    assert "کارانگیزی" in answer["text"] or "تسهیلات" in answer["text"], answer["text"]


def test_help_cancel_and_restart_are_answered_in_persian(stack: Stack, user_id: int) -> None:
    for command in ("/help", "/cancel", "/restart"):
        [answer, *_] = _ask(stack, user_id, command)
        assert PERSIAN.search(answer["text"]), (command, answer["text"])
    # After a restart the conversation goes on normally.
    [answer, *_] = _ask(stack, user_id, "سلام")
    assert PERSIAN.search(answer["text"])


def test_declining_consent_is_respected(stack: Stack, stack_db: Database, user_id: int) -> None:
    _welcome, notice = _ask(stack, user_id, "/start", count=2)
    [[_accept, decline]] = notice["reply_markup"]["inline_keyboard"]
    mark = stack.api.mark(user_id)
    stack.api.press_button(user_id, notice["message_id"], decline["callback_data"])
    [answer] = stack.api.wait_for_bot_messages(user_id, 1, since=mark, timeout=SECONDS)
    assert "/start" in answer["text"]
    with stack_db.unit_of_work() as session:
        client = session.scalar(select(Client).where(Client.telegram_user_id == user_id))
        assert client is not None and client.consent_given_at is None


def test_a_server_without_set_my_commands_still_serves_clients(stack: Stack) -> None:
    # Each test bot has an id of its own: bots sharing an id share their update ids.
    token = "7000000005:AAminimal-server-token-for-karyar-e2e"
    with (
        run_in_thread(token, disabled_methods={"setMyCommands"}) as api,
        extra_bot(stack, api, "minimal-bot") as bot,
    ):
        assert api.wait_until(lambda: bool(api.api_calls("getUpdates")), timeout=60), bot.tail()
        sent = api.send_text(8_300_000_001, "سلام")
        [reply, *_] = api.wait_for_bot_messages(8_300_000_001, 1, since=sent, timeout=SECONDS)
        assert PERSIAN.search(reply["text"])
        assert api.api_calls("setMyCommands")[0]["error_code"] == 404
        assert "setMyCommands is not available" in bot.log_path.read_text(encoding="utf-8")

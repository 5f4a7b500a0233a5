"""When Rasa is down or slow the client hears from us at once, and nothing they said is lost."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from karyar.db.engine import Database
from tests.support import turns
from tests.support.records import inbound_messages
from tests.support.stack import Stack

pytestmark = pytest.mark.e2e


def test_rasa_down_gets_a_polite_word_and_the_message_is_answered_when_rasa_is_back(
    gate: Stack, stack_db: Database, user_id: int
) -> None:
    gate.gate.mode = "closed"
    started = time.monotonic()
    sent = gate.api.send_text(user_id, "سلام")
    [sorry] = gate.api.wait_for_bot_messages(user_id, 1, since=sent, timeout=15)
    assert time.monotonic() - started < 5
    assert "ثبت شد" in sorry["text"]
    update = gate.api.world.read(lambda world: world.next_update_id)
    since = datetime.now(UTC) - timedelta(seconds=1)
    second = gate.api.send_text(user_id, "درباره وام بگو")
    # Once the bot is done with the second message, anything it had to say about it has been said.
    assert turns.wait_processed(gate.api.url, range(update, update + 1), received_since=since, timeout=15)
    [pending_first, pending_second] = inbound_messages(stack_db, user_id)
    assert pending_first.status == pending_second.status == "pending"
    assert len(gate.api.bot_messages(user_id, since=sent)) == 1  # told once, not once per message

    mark = gate.api.mark(user_id)
    gate.gate.mode = "open"
    answers = gate.api.wait_for_bot_messages(user_id, 2, since=mark, timeout=30)
    # Answers come back in order, each quoting the message it answers.
    assert answers[0]["reply_to_message"]["message_id"] == sent["message_id"]
    assert any(m.get("reply_to_message", {}).get("message_id") == second["message_id"] for m in answers[1:])
    assert gate.api.wait_until(
        lambda: all(m.status == "answered" for m in inbound_messages(stack_db, user_id)), timeout=10
    )


def test_slow_rasa_gets_a_please_wait_then_the_answer(gate: Stack, user_id: int) -> None:
    gate.gate.mode = "slow"
    gate.gate.slow_seconds = 5.0
    started = time.monotonic()
    sent = gate.api.send_text(user_id, "سلام")
    [wait] = gate.api.wait_for_bot_messages(user_id, 1, since=sent, timeout=10)
    assert time.monotonic() - started < 4.5
    assert "صبر" in wait["text"]
    assert "typing" in gate.api.chat_actions(user_id)  # and the chat shows the bot typing meanwhile
    replies = gate.api.wait_for_bot_messages(user_id, 2, since=sent, timeout=30)
    assert "صبر" not in replies[1]["text"]

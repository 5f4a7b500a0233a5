"""A restart of everything — bot, Rasa, action server and the Bot API server, whose update and message ids
start again from 1 — on the same case database: every message written after it is answered."""

from __future__ import annotations

import itertools

import pytest

from karyar.db.engine import Database
from tests.support.chat import Chat
from tests.support.records import inbound_messages
from tests.support.stack import Stack

pytestmark = pytest.mark.e2e

SAID = ("سلام", "وام میخوام")  # the same words before and after: only the moment tells them apart


def test_after_the_whole_stack_restarts_every_message_is_answered(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    clients = (user_id, user_id + 900_000, user_id + 900_001)
    for client, text in itertools.product(clients, SAID):
        assert Chat(stack.api, client).say(text), stack.logs()
    numbered_before = stack.api.world.read(lambda w: w.next_update_id)

    stack.restart_everything()

    for client, text in itertools.product(clients, SAID):
        assert Chat(stack.api, client).say(text), f"no answer to {text!r} after the restart:\n{stack.logs()}"
    # The server numbered its updates afresh: every id after the restart was used before it.
    assert stack.api.world.read(lambda w: w.next_update_id) <= numbered_before

    def all_answered() -> bool:
        return all(m.status == "answered" for c in clients for m in inbound_messages(stack_db, c))

    for client in clients:
        assert [m.text for m in inbound_messages(stack_db, client)] == [*SAID, *SAID]
    assert stack.api.wait_until(all_answered, timeout=10)


def test_a_bot_api_server_restarting_under_a_running_bot_loses_no_message(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    """The bot does not carry its acknowledgement offset over to a server that numbers afresh (it would
    tell the new server to forget the new updates)."""
    for text in SAID:
        assert Chat(stack.api, user_id).say(text), stack.logs()
    polls = len(stack.api.api_calls("getUpdates"))
    assert stack.api.wait_until(lambda: len(stack.api.api_calls("getUpdates")) > polls, timeout=15)

    stack.restart_api()

    for text in SAID:
        assert Chat(stack.api, user_id).say(text), f"no answer to {text!r}:\n{stack.logs()}"
    assert [m.text for m in inbound_messages(stack_db, user_id)] == [*SAID, *SAID]

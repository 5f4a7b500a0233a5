"""Updates are acknowledged only after they are stored: a bot killed with kill -9 in the middle of a
conversation, and started again, handles every message exactly once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from karyar.db.engine import Database
from karyar.db.models import TelegramUpdate
from tests.support.records import inbound_messages
from tests.support.stack import BOT_TOKEN, Stack

pytestmark = pytest.mark.e2e


def test_a_bot_killed_mid_conversation_handles_every_message_exactly_once(
    gate: Stack, stack_db: Database, user_id: int
) -> None:
    clients = [user_id, user_id + 700_000, user_id + 700_001]
    gate.gate.mode = "slow"  # Rasa takes seconds: the messages are stored and in flight when the bot dies
    gate.gate.slow_seconds = 4.0
    said = {client: [f"سلام {n}" for n in range(3)] for client in clients}
    for n in range(3):
        for client in clients:
            gate.api.send_text(client, said[client][n])
    assert gate.api.wait_until(
        lambda: sum(len(inbound_messages(stack_db, c)) for c in clients) == 9, timeout=30
    )
    gate.restart_bot(kill=True)
    gate.gate.mode = "open"
    gate.api.send_text(clients[0], "سلام دوباره")  # and the restarted bot takes new messages too

    def all_answered() -> bool:
        return all(
            len(rows) == len(said[c]) + (c == clients[0]) and all(m.status == "answered" for m in rows)
            for c in clients
            for rows in [inbound_messages(stack_db, c)]
        )

    assert gate.api.wait_until(all_answered, timeout=90), gate.logs()
    for client in clients:
        texts = [m.text for m in inbound_messages(stack_db, client)]
        assert texts[:3] == said[client]  # each stored once, in the order sent
    ours = TelegramUpdate.bot_id == int(BOT_TOKEN.split(":")[0])  # other tests run bots of their own

    def inbox_left() -> tuple[int, int]:
        with stack_db.unit_of_work() as session:
            unprocessed = session.scalar(
                select(func.count())
                .select_from(TelegramUpdate)
                .where(ours, TelegramUpdate.processed_at.is_(None))
            )
            with_text = session.scalar(
                select(func.count())
                .select_from(TelegramUpdate)
                .where(ours, TelegramUpdate.payload.is_not(None))
            )
        return int(unprocessed or 0), int(with_text or 0)

    # Processed (the last handler may still be sending its answer), and no copy of what clients wrote is left.
    assert gate.api.wait_until(lambda: inbox_left() == (0, 0), timeout=30), inbox_left()

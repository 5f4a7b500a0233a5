"""Hostile and odd updates through the stand-in: nothing crashes, every client is answered in Persian,
every message is recorded. Also a property: whatever text a client sends is kept and answered."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from karyar.db.engine import Database
from karyar.db.models import Client, Message
from tests.support.hostile import send_hostile_corpus
from tests.support.stack import Stack

pytestmark = pytest.mark.e2e

PERSIAN = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
_property_users = itertools.count(8_600_000_001)


def _recorded(db: Database, user_id: int) -> int:
    with db.unit_of_work() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(Message)
                .join(Client, Client.id == Message.client_id)
                .where(Client.telegram_user_id == user_id, Message.direction == "in")
            )
            or 0
        )


def test_a_corpus_of_hostile_updates_crashes_nothing_and_loses_nothing(
    stack: Stack, stack_db: Database
) -> None:
    failures_before = stack.processes["bot"].log_path.read_text(errors="replace").count("failed:")
    plan = send_hostile_corpus(stack.api, first_user=8_500_000_001, count=150)
    assert stack.api.wait_until(
        lambda: all(_recorded(stack_db, user) >= n for user, n in plan.messages.items()), timeout=120
    ), {
        user: (n, _recorded(stack_db, user))
        for user, n in plan.messages.items()
        if _recorded(stack_db, user) != n
    }
    assert stack.api.wait_until(
        lambda: all(stack.api.bot_messages(user) for user in plan.messages), timeout=60
    ), [user for user in plan.messages if not stack.api.bot_messages(user)]
    for user in plan.messages:
        assert any(set(PERSIAN) & set(str(m.get("text"))) for m in stack.api.bot_messages(user))
    for query in plan.callbacks:
        assert stack.api.wait_for_callback_answer(query, timeout=30)
    assert stack.processes["bot"].alive()
    assert stack.processes["bot"].log_path.read_text(errors="replace").count("failed:") == failures_before


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=300).filter(lambda t: t.strip() != ""))
def test_any_text_a_client_sends_is_recorded_and_answered(
    stack: Stack, stack_db: Database, text: str
) -> None:
    user = next(_property_users)
    sent = stack.api.send_text(user, text)
    [reply, *_] = stack.api.wait_for_bot_messages(user, 1, since=sent, timeout=30)
    assert set(PERSIAN) & set(reply["text"])
    assert stack.api.wait_until(lambda: _recorded(stack_db, user) == 1, timeout=10)

"""A client writing for a family member: a husband asks for work for his wife. Her facts are noted as hers,
the reply says so, and his own record stays his (through the real stack, both databases)."""

from __future__ import annotations

import pytest

from karyar.db.engine import Database
from karyar.profile import current_profile, member_profiles
from tests.e2e.test_intake import client_of
from tests.support.chat import Chat
from tests.support.stack import Stack

pytestmark = pytest.mark.e2e

NOTED_FOR_HER = "برای همسرتان ثبت کردم"
REPLY_SECONDS = 90.0


def _said_since(stack: Stack, user_id: int, mark: int) -> str:
    return "\n".join(
        str(message.get("text") or "") for message in stack.api.bot_messages(user_id, since=mark)
    )


def test_a_husband_asking_work_for_his_wife_keeps_her_facts_apart_from_his(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = Chat(stack.api, user_id, first_name="علی")
    chat.accept_privacy_notice()

    mark = stack.api.mark(user_id)
    chat.say("خانمم ۲۸ سالشه بیکاره، براش کار میخوام")

    # On a busy machine the bot first says it is on it («کمی صبر کنید»); the answer follows.
    stack.api.wait_until(lambda: NOTED_FOR_HER in _said_since(stack, user_id, mark), timeout=REPLY_SECONDS)
    said = _said_since(stack, user_id, mark)
    assert NOTED_FOR_HER in said and "۲۸" in said, said
    client = client_of(stack_db, user_id)
    with stack_db.unit_of_work() as session:
        own = current_profile(session, client_id=client.id)
        members = member_profiles(session, client_id=client.id)
    assert own.get("age") != ["28"] and own.get("gender") != ["female"]
    assert "employment_status" not in own
    assert members["spouse"]["age"] == ["28"]
    assert members["spouse"]["employment_status"] == ["unemployed"]
    assert members["spouse"]["gender"] == ["female"]

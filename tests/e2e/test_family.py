"""A client writing for a family member: a husband asks for work for his wife. Her facts are noted as hers
and his own record stays his; the questions are asked about her, the list is said to be
hers and the consent letter his to give; a request for «بچه‌ام» asks which child (through the real stack,
both databases)."""

from __future__ import annotations

from typing import Any

import pytest

from actions.family import member_question
from karyar.db.engine import Database
from karyar.profile import current_profile, member_profiles
from tests.e2e.test_intake import client_of
from tests.support.chat import Chat, button_titles
from tests.support.stack import Stack

pytestmark = pytest.mark.e2e

ABOUT_HER = "سؤال‌های بعدی درباره‌ی همسرتان است"
HIS_LETTER = "رضایت‌نامه سرپرست خانوار برای همسرتان را شما، به‌عنوان سرپرست خانوار، می‌دهید."
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
    stack.api.wait_until(lambda: ABOUT_HER in _said_since(stack, user_id, mark), timeout=REPLY_SECONDS)
    client = client_of(stack_db, user_id)
    with stack_db.unit_of_work() as session:
        own = current_profile(session, client_id=client.id)
        members = member_profiles(session, client_id=client.id)
    assert own.get("age") != ["28"] and own.get("gender") != ["female"]
    assert "employment_status" not in own
    assert members["spouse"]["age"] == ["28"]
    assert members["spouse"]["employment_status"] == ["unemployed"]
    assert members["spouse"]["gender"] == ["female"]


# How a husband answers the questions about his wife (each asked, and its buttons worded, about her).
WIFE_ANSWERS: dict[str, tuple[str, str]] = {
    "organisation": ("press", "کمیته امداد"),
    "age": ("say", "۲۸"),
    "gender": ("press", "خانم"),
    "household_role": ("press", "همسر سرپرست"),
    "emdad_support": ("press", "نمی‌دانم"),
    "target_group": ("press", "هیچ‌کدام"),
    "employment_status": ("press", "بیکار است و دنبال کار است"),
    "education": ("press", "دیپلم"),
    "work_ability": ("press", "بله، می‌تواند کار کند"),
    "work_experience": ("press", "تجربه ندارد"),
    "field": ("say", "خیاطی"),
    "province": ("say", "خراسان رضوی"),
    "city": ("say", "مشهد"),
}


def _turn(chat: Chat, how: str, answer: str) -> list[dict[str, Any]]:
    return chat.press(answer) if how == "press" else chat.say(answer)


def _member_question(replies: list[dict[str, Any]], member: str) -> str | None:
    """The fact the last reply asks about the member, if it is one of the questions about them."""
    text = str(replies[-1].get("text") or "") if replies else ""
    return next((slot for slot in WIFE_ANSWERS if text == member_question(slot).format(member=member)), None)


def test_a_husband_asks_for_his_wife_then_for_a_child_without_saying_which(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = Chat(stack.api, user_id, first_name="علی")
    chat.accept_privacy_notice()

    # Clearly for her: no «for you or for her?»; the questions are about her.
    replies = _turn(chat, "say", "خانمم ۲۸ سالشه بیکاره، براش کار میخوام")
    said = "\n".join(str(m.get("text") or "") for m in replies)
    assert ABOUT_HER in said, chat.texts()
    asked: list[str] = []
    while (slot := _member_question(replies, "همسرتان")) is not None:
        assert slot not in asked and slot not in ("age", "gender"), chat.texts()  # already told
        asked.append(slot)
        how, answer = WIFE_ANSWERS[slot]
        replies = _turn(chat, how, answer)
    said = "\n".join(str(m.get("text") or "") for m in replies)
    assert "این‌ها برای همسرتان است" in said, chat.texts()
    assert HIS_LETTER in said, chat.texts()

    # «رضایت‌نامه از من میخاد؟»: yes, from him (not the questions again).
    replies = _turn(chat, "say", "رضایت‌نامه از من میخاد؟")
    assert [str(m.get("text")) for m in replies][-1] == f"بله. {HIS_LETTER}", chat.texts()

    # A child, without saying which: asked, then served for the one chosen.
    replies = _turn(chat, "say", "برای بچه‌ام دنبال کلاس هستم")
    assert button_titles(replies[-1])[:3] == ["برای خودم", "برای پسرم", "برای دخترم"], chat.texts()
    replies = _turn(chat, "press", "برای پسرم")
    assert "پسرتان" in str(replies[-1].get("text")), chat.texts()

    client = client_of(stack_db, user_id)
    with stack_db.unit_of_work() as session:
        own = current_profile(session, client_id=client.id)
        members = member_profiles(session, client_id=client.id)
    assert "age" not in own and "gender" not in own and "organisation" not in own  # his own record is his
    wife = members["spouse"]
    assert wife["age"] == ["28"] and wife["gender"] == ["female"] and wife["organisation"] == ["emdad"]
    assert wife["household_role"] == ["spouse"] and wife["city"] == ["مشهد"]
    assert members["son"]["gender"] == ["male"] and members["son"]["household_role"] == ["child"]

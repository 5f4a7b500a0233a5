"""Typed answers to the intake questions end to end: a button's word, enclitic and colloquial forms are
understood as answers to the question asked, and change no other fact."""

from __future__ import annotations

import pytest

from karyar import profile
from karyar.db.engine import Database
from tests.e2e.test_intake import Answer, _say, answer_all, client_of
from tests.support.chat import Chat, button_titles, question_in
from tests.support.stack import Stack

pytestmark = pytest.mark.e2e

NOT_UNDERSTOOD = "متوجه نشدم"

# An Emdad client, a 23-year-old man living with his parents, typing every answer.
EMDAD_SON: dict[str, Answer] = {
    "organisation": _say("امدادیم"),
    "age": _say("۲۳"),
    "gender": _say("آقا"),
    "household_role": _say("پسرم"),
    "emdad_support": _say("تک خدمتیم"),
    "target_group": _say("هیچکدوم"),
    "employment_status": _say("بیکارم"),
    "school_grade": _say("دهم"),
    "education": _say("دیپلمم"),
    "work_ability": _say("بله"),
    "work_experience": _say("کمی"),
    "field": _say("برق"),
    "province": _say("خراسان رضوی"),
    "city": _say("مشهدم"),
}
EMDAD_SON_FACTS = {
    "organisation": "emdad",
    "age": "23",
    "gender": "male",
    "household_role": "child",
    "emdad_support": "single_multi_service",
    "target_group": "none",
    "employment_status": "unemployed",
    "school_grade": "10",
    "education": "diploma",
    "work_ability": "full",
    "work_experience": "some",
    "field": "برق‌کاری",
    "province": "خراسان رضوی",
    "city": "مشهد",
}

# A 35-year-old woman, her husband the Emdad client, typing with Arabic letters and digits.
EMDAD_WIFE: dict[str, Answer] = {
    **EMDAD_SON,
    "organisation": _say("كميته امداد"),
    "age": _say("٣٥"),
    "gender": _say("خانمم"),
    "household_role": _say("همسرمه"),
    "emdad_support": _say("مستمری بگیریم"),
    "employment_status": _say("بیکاره"),
}
EMDAD_WIFE_FACTS = {
    **EMDAD_SON_FACTS,
    "age": "35",
    "gender": "female",
    "household_role": "spouse",
    "emdad_support": "living_allowance",
}

# A 40-year-old Emdad client heading his household, on loans.
HEAD: dict[str, Answer] = {
    **EMDAD_SON,
    "organisation": _say("امداد"),
    "age": _say("40"),
    "household_role": _say("سرپرستم"),
}
HEAD_FACTS = {**EMDAD_SON_FACTS, "age": "40", "household_role": "head"}

# A Behzisti client on loans, who belongs to none of the groups.
BEHZISTI: dict[str, Answer] = {**EMDAD_SON, "organisation": _say("بهزیستی‌ام")}


def _typed_answers_are_understood(
    stack: Stack,
    stack_db: Database,
    user_id: int,
    opening: str,
    answers: dict[str, Answer],
    facts: dict[str, str],
) -> list[str]:
    chat = Chat(stack.api, user_id)
    chat.accept_privacy_notice()
    asked, _replies = answer_all(chat, chat.say(opening), answers)
    assert not [text for text in chat.texts() if NOT_UNDERSTOOD in text], chat.texts()
    with stack_db.unit_of_work() as session:
        stored = profile.current_profile(session, client_id=client_of(stack_db, user_id).id)
    assert {name: stored[name] for name in asked} == {name: [facts[name]] for name in asked}, chat.texts()
    return asked


def test_every_question_answered_by_typing_is_understood(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    asked = _typed_answers_are_understood(
        stack, stack_db, user_id, "ببینم من شرایط دریافت خدمات رو دارم؟", EMDAD_SON, EMDAD_SON_FACTS
    )
    assert {"organisation", "gender", "household_role"} <= set(asked), asked


def test_arabic_letters_and_enclitics_are_understood(stack: Stack, stack_db: Database, user_id: int) -> None:
    asked = _typed_answers_are_understood(
        stack, stack_db, user_id, "ببینم من شرایط دریافت خدمات رو دارم؟", EMDAD_WIFE, EMDAD_WIFE_FACTS
    )
    assert {"organisation", "age", "household_role", "employment_status"} <= set(asked), asked


def test_a_head_of_household_typing_on_loans_is_understood(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    asked = _typed_answers_are_understood(stack, stack_db, user_id, "وام میخوام", HEAD, HEAD_FACTS)
    assert "household_role" in asked, asked


def test_none_of_the_groups_does_not_change_the_organisation(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = Chat(stack.api, user_id)
    chat.accept_privacy_notice()
    replies = chat.say("وام میخوام")
    while (slot := question_in(replies)) not in (None, "target_group"):
        replies = BEHZISTI[str(slot)](chat)
    assert question_in(replies) == "target_group", chat.texts()
    chat.say("هیچکدوم")
    with stack_db.unit_of_work() as session:
        stored = profile.current_profile(session, client_id=client_of(stack_db, user_id).id)
    assert stored["organisation"] == ["behzisti"] and stored["target_group"] == ["none"], chat.texts()
    assert not [text for text in chat.texts() if NOT_UNDERSTOOD in text], chat.texts()


def test_an_answer_not_understood_twice_is_met_in_other_words(stack: Stack, user_id: int) -> None:
    chat = Chat(stack.api, user_id)
    chat.accept_privacy_notice()
    replies = chat.say("شرایطم رو بگو")
    replies = chat.say("امداد")
    assert question_in(replies) == "age", chat.texts()

    first = chat.say("صد و پنجاه")
    second = chat.say("دویست")
    assert question_in(first) == "age" and question_in(second) == "age", chat.texts()
    assert NOT_UNDERSTOOD in first[0]["text"]
    assert first[0]["text"] != second[0]["text"]
    assert {"رد شدن", "گفتگو با مشاور"} <= set(button_titles(second[0]))
    third = chat.say("سیصد")
    assert third[0]["text"] not in (second[0]["text"], first[0]["text"]) and question_in(third) == "age"

"""The intake questions end to end: a personal question, only the questions it needs, a personal answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from karyar import cases, profile
from karyar.db.engine import Database
from karyar.db.models import CaseEventKind, CaseStage, Client, Direction, Message
from karyar.facts import ProfileFactName
from tests.support.chat import Chat, button_titles, question_in
from tests.support.stack import Stack

pytestmark = pytest.mark.e2e

Answer = Callable[[Chat], list[dict[str, Any]]]


def _press(title: str) -> Answer:
    return lambda chat: chat.press(title)


def _say(text: str) -> Answer:
    return lambda chat: chat.say(text)


# How an Emdad client, a 23-year-old woman heading her household, answers each question.
EMDAD_WOMAN: dict[str, Answer] = {
    "organisation": _press("کمیته امداد"),
    "age": _say("۲۳"),
    "gender": _say("خانمم"),
    "household_role": _press("سرپرست خانوار"),
    "emdad_support": _press("تک‌خدمتی یا چندخدمتی"),
    "target_group": _press("بانوی سرپرست خانوار"),
    "employment_status": _press("بیکارم و دنبال کارم"),
    "school_grade": _press("دهم"),
    "education": _press("دیپلم"),
    "work_ability": _press("بله، می‌توانم کار کنم"),
    "work_experience": _press("کمی تجربه دارم"),
    "field": _say("خیاطی"),
    "province": _say("خراسان رضوی"),
    "city": _say("مشهد"),
}


def answer_all(
    chat: Chat, replies: list[dict[str, Any]], answers: dict[str, Answer]
) -> tuple[list[str], list[dict[str, Any]]]:
    """Answer every intake question until something else comes; returns the questions asked and the last replies."""
    asked: list[str] = []
    while (slot := question_in(replies)) is not None:
        assert slot not in asked, f"{slot} asked twice: {chat.texts()}"
        assert len(asked) < len(answers), chat.texts()
        asked.append(slot)
        replies = answers[slot](chat)
    return asked, replies


def client_of(db: Database, user_id: int) -> Client:
    with db.unit_of_work() as session:
        client = session.scalar(select(Client).where(Client.telegram_user_id == user_id))
        assert client is not None
        session.expunge(client)
        return client


def test_eligibility_check_asks_what_it_needs_and_gives_a_personal_result_on_the_case(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = Chat(stack.api, user_id)
    chat.accept_privacy_notice()
    asked, replies = answer_all(chat, chat.say("ببینم من شرایط دریافت خدمات رو دارم؟"), EMDAD_WOMAN)

    assert asked[:3] == ["organisation", "age", "gender"]
    assert "school_grade" not in asked  # not a student
    result = replies[-1]
    assert "نتیجه" in result["text"] and "کمیته امداد" in result["text"]
    assert "مهارت‌آموزی" in result["text"]
    assert "رضایت‌نامه" not in result["text"]  # she heads her household: she needs nobody's letter
    assert "قول" in result["text"]  # never a promise of money or a job
    assert {"دوره‌های مناسب من", "کارهای مناسب من", "گفتگو با مشاور"} <= set(button_titles(result))

    client = client_of(stack_db, user_id)
    with stack_db.unit_of_work() as session:
        facts = profile.current_profile(session, client_id=client.id)
        assert facts[ProfileFactName.AGE] == ["23"] and facts[ProfileFactName.GENDER] == ["female"]
        assert facts[ProfileFactName.ORGANISATION] == ["emdad"]
        case = cases.open_case(session, client_id=client.id)
        assert case.stage == CaseStage.ASSESSMENT
        [event] = cases.events(session, case_id=case.id, kind=CaseEventKind.ELIGIBILITY_RESULT)
        assert event.data["organisation"] == "emdad"
        assert event.data["services"]  # a status per service
        # Each answer is stored with what Rasa understood of that answer, not of the opening question.
        stored = {
            m.text: (m.intent, m.confidence)
            for m in session.scalars(select(Message).where(Message.client_id == client.id))
            if m.direction == Direction.INBOUND
        }
    assert stored["ببینم من شرایط دریافت خدمات رو دارم؟"][0] == "ask_eligibility"
    for answer in ("۲۳", "خانمم"):  # the second and third questions, typed
        intent, confidence = stored[answer]
        assert intent == "inform" and confidence is not None and confidence < 1.0, (
            answer,
            intent,
            confidence,
        )


def test_facts_told_before_are_not_asked_again(stack: Stack, user_id: int) -> None:
    chat = Chat(stack.api, user_id)
    chat.accept_privacy_notice()
    chat.say("۳۰ سالمه، خانمم و از بهزیستی کمک میگیرم")
    asked, replies = answer_all(chat, chat.say("آیا من شرایط دارم؟"), EMDAD_WOMAN)
    assert not {"age", "gender", "organisation"} & set(asked), asked
    assert "بهزیستی" in replies[-1]["text"]


def test_why_correction_and_invalid_answer_inside_the_questions(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = Chat(stack.api, user_id)
    chat.accept_privacy_notice()
    replies = chat.say("شرایطم رو بگو")
    assert question_in(replies) == "organisation"
    replies = chat.press("کمیته امداد")
    assert question_in(replies) == "age"

    replies = chat.say("صد و پنجاه")  # not an age: a friendly re-ask with an example, then the same question
    assert "مثلاً" in replies[0]["text"] and question_in(replies) == "age"
    replies = chat.say("چرا سنم رو میپرسی؟")
    assert "۱۵" in replies[0]["text"] and question_in(replies) == "age"
    replies = chat.say("۲۳")
    assert question_in(replies) == "gender"

    replies = chat.say("نه ببخشید ۲۵ سالمه")  # a correction while another question is asked
    assert any("۲۵" in m["text"] for m in replies), [m["text"] for m in replies]
    assert question_in(replies) == "gender"

    client = client_of(stack_db, user_id)
    with stack_db.unit_of_work() as session:
        history = profile.fact_history(session, client_id=client.id, name=ProfileFactName.AGE)
    assert [fact.value for fact in history] == ["23", "25"]
    assert history[0].superseded_at is not None and history[1].superseded_at is None


def test_skip_then_stop_ends_the_questions_cleanly(stack: Stack, user_id: int) -> None:
    chat = Chat(stack.api, user_id)
    chat.accept_privacy_notice()
    replies = chat.say("شرایطم رو بگو")
    replies = chat.press("کمیته امداد")
    replies = chat.press("رد شدن")
    assert question_in(replies) == "gender"
    replies = chat.say("بسه دیگه")
    assert question_in(replies) is None
    replies = chat.say("سلام")
    assert question_in(replies) is None and "کاریار" in replies[0]["text"]


def test_switching_topic_inside_the_questions_keeps_the_answers(stack: Stack, user_id: int) -> None:
    chat = Chat(stack.api, user_id)
    chat.accept_privacy_notice()
    chat.say("شرایطم رو بگو")
    chat.press("کمیته امداد")
    chat.say("۲۳")
    replies = chat.say("اصلا دنبال دوره آموزشی هستم")
    asked, replies = answer_all(chat, replies, EMDAD_WOMAN)
    assert not {"organisation", "age"} & set(asked)
    assert any("علاقه‌مندم" in button_titles(m) for m in replies), chat.texts()

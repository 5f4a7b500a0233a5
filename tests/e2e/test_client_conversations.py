"""Whole conversations written the way clients write — voice-typed without punctuation, Arabic letters and
digits, Finglish, several facts at once — each asserting what the client is told and what is stored."""

from __future__ import annotations

from typing import Any

import pytest

from karyar.db.engine import Database
from karyar.profile import current_profile
from tests.e2e.test_intake import client_of
from tests.support.chat import Chat, button_titles, question_in
from tests.support.stack import Stack

pytestmark = pytest.mark.e2e


def _texts(replies: list[dict[str, Any]]) -> list[str]:
    return [str(reply.get("text") or "") for reply in replies]


def _stored(db: Database, user_id: int) -> dict[str, list[str]]:
    with db.unit_of_work() as session:
        return {
            str(name): values
            for name, values in current_profile(session, client_id=client_of(db, user_id).id).items()
        }


def _consented(stack: Stack, user_id: int, name: str = "مریم") -> Chat:
    chat = Chat(stack.api, user_id, first_name=name)
    chat.accept_privacy_notice()
    return chat


def test_a_voice_typed_message_with_many_facts_is_kept_and_the_course_search_goes_on(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = _consented(stack, user_id)
    replies = chat.say(
        "سلام خسته نباشید من یه خانم سی و پنج ساله هستم از کمیته امداد تو اصفهان زندگی میکنم دنبال یه دوره "
        "آموزشی هستم که بتونم تو خونه کار کنم"
    )
    stored = _stored(stack_db, user_id)
    assert stored["age"] == ["35"] and stored["gender"] == ["female"] and stored["organisation"] == ["emdad"]
    assert "اصفهان" in stored["province"]
    asked = question_in(replies)
    assert asked not in {"age", "gender", "organisation", "province"}  # never asked what she just said
    assert any("دوره" in text for text in _texts(replies))


def test_arabic_letters_and_digits_in_a_request_with_facts(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = _consented(stack, user_id, "علی")
    replies = chat.say("سلام، ٢٥ سالمه، از كميته امدادم، دنبال كار تو شيراز")
    stored = _stored(stack_db, user_id)
    assert stored["age"] == ["25"] and stored["organisation"] == ["emdad"] and stored["city"] == ["شیراز"]
    assert question_in(replies) not in {"age", "organisation", "city", "province"}


def test_a_finglish_conversation_reaches_the_loan_answer_and_its_questions(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = _consented(stack, user_id, "Reza")
    replies = chat.say("vam baraye maghaze mikham")
    assert any("وام" in text for text in _texts(replies))
    assert question_in(replies) == "organisation"
    chat.say("emdad")
    assert _stored(stack_db, user_id).get("organisation") == ["emdad"]


def test_eligibility_asked_with_facts_is_answered_from_them(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = _consented(stack, user_id, "زهرا")
    replies = chat.say("۴۰ سالمه سرپرست خانوارم از بهزیستی، چه خدماتی میتونم بگیرم؟")
    stored = _stored(stack_db, user_id)
    assert stored["age"] == ["40"] and stored["organisation"] == ["behzisti"]
    assert stored["household_role"] == ["head"]
    assert question_in(replies) not in {"age", "organisation", "household_role"}


def test_none_typed_to_the_organisation_question_is_kept_and_the_questions_go_on(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = _consented(stack, user_id)
    assert question_in(chat.say("کار میخوام")) == "organisation"
    replies = chat.say("هیچکدوم")
    assert _stored(stack_db, user_id)["organisation"] == ["none"]
    asked = question_in(replies)
    assert asked is not None and asked != "organisation"


def test_a_request_for_jobs_before_consent_names_no_place_and_asks_nothing_personal(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = Chat(stack.api, user_id)
    replies = chat.say("کار میخوام")
    assert question_in(replies) is None
    assert button_titles(replies[-1])[0] == "✅ موافقم"
    assert _stored(stack_db, user_id) == {}


def test_documents_and_insurance_asked_with_a_course_request_are_each_answered_or_given_a_button(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = _consented(stack, user_id)
    replies = chat.say("دوره خیاطی تو مشهد میخوام. مدارکش چیه؟ بیمه هم داره؟")
    buttons = [title for reply in replies for title in button_titles(reply)]
    texts = _texts(replies)
    # Whichever question the answer itself takes up, the other is named with a button to its answer.
    assert "درباره‌ی مدارک" in buttons or any("مدارک" in text for text in texts), texts
    assert "درباره‌ی بیمه" in buttons or any("بیمه" in text and "پرسیدید" not in text for text in texts), texts
    if "درباره‌ی مدارک" in buttons:
        documents = chat.press("درباره‌ی مدارک")
        assert any("مدارک" in text or "مدرک" in text for text in _texts(documents))


@pytest.mark.parametrize(
    ("message", "pointer"),
    [("برای خرید خونه کمک میکنین؟ وام مسکن میخوام", "مسکن"), ("پول داروهامو ندارم کسی کمک میکنه", "درمان")],
    ids=["housing", "medicine"],
)
def test_housing_and_medicine_are_pointed_to_the_case_worker(
    stack: Stack, stack_db: Database, user_id: int, message: str, pointer: str
) -> None:
    chat = _consented(stack, user_id)
    texts = _texts(chat.say(message))
    assert any(pointer in text and "مددکار" in text for text in texts), texts


def test_distress_in_the_middle_of_the_questions_gets_a_person_and_the_question_again(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = _consented(stack, user_id, "سمیه")
    assert question_in(chat.say("دوره خیاطی میخوام")) == "organisation"
    replies = chat.say("شوهرم زندانه و خیلی ناامیدم")
    assert "👤 گفتگو با مشاور" in button_titles(replies[0])
    assert question_in(replies) == "organisation"  # nothing she said is lost: the question waits for her


def test_a_complaint_with_arabic_letters_is_taken_to_a_supervisor(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = _consented(stack, user_id)
    replies = chat.say("از رفتار كارمند اداره شكايت دارم")
    assert "سرپرست" in replies[0]["text"]


def test_a_greeting_alone_then_a_question_each_get_their_answer(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = _consented(stack, user_id)
    greeted = chat.say("سلام")
    assert "خوش آمدید" in greeted[0]["text"]
    replies = chat.say("وام برای خیاطی میدین؟")
    assert any("وام" in text for text in _texts(replies))

"""More conversations written the way clients write — no half-spaces, Arabic letters and digits, Finglish,
typed answers in their own words — filling in what the other client conversations leave out: facts given
with each kind of request, typed and «none» answers to every intake question, requests before the privacy
notice, several questions at once, greetings, distress, complaints and topics outside Karyar's work. Each
asserts what the client reads and what her case keeps."""

from __future__ import annotations

from typing import Any

import pytest

from karyar.db.engine import Database
from tests.e2e.test_client_conversations import _consented, _stored, _texts
from tests.e2e.test_heard import COUNSELLOR_BUTTON, _distress_events
from tests.e2e.test_intake import Answer, _say
from tests.e2e.test_typed_answers import EMDAD_SON, EMDAD_SON_FACTS, _typed_answers_are_understood
from tests.support.chat import Chat, button_titles, question_in
from tests.support.stack import Stack
from tests.support.team import Team

pytestmark = pytest.mark.e2e

JUST_NOTED = "ممنون، ثبت کردم"
CONSENT_BUTTON = "✅ موافقم"
PLEASE_WAIT = "⏳"


def _first_answer(replies: list[dict[str, Any]]) -> dict[str, Any]:
    """The first reply that answers, past the «please wait» a slow turn may begin with."""
    return next(reply for reply in replies if not str(reply.get("text") or "").startswith(PLEASE_WAIT))


# --- facts given with a request, one conversation per kind of request --------------------------------------


DOCUMENTS_WITH_FACTS = "از بهزیستی ام ۲۸ سالمه برای وام چه مدارکی لازمه"


@pytest.mark.parametrize(
    ("message", "facts", "told"),
    [
        pytest.param(
            DOCUMENTS_WITH_FACTS,
            {"organisation": "behzisti", "age": "28"},
            "مدارک",
            id="documents",
        ),
        pytest.param(
            "خانمم ۴۵ سالمه از کمیته امداد، بیمه هم میدین؟",
            {"gender": "female", "age": "45"},
            "بیمه",
            id="insurance",
        ),
        pytest.param(
            "مرد ۱۹ ساله هستم دنبال کار تو مشهدم",
            {"gender": "male", "age": "19", "city": "مشهد"},
            "شغل",
            id="jobs in a city",
        ),
        pytest.param(
            "٣٣ سالمه سرپرست خانوارم كلاس آشپزی ميخوام",
            {"age": "33", "household_role": "head"},
            "دوره",
            id="course in Arabic letters",
        ),
    ],
)
def test_facts_with_a_request_are_kept_and_the_request_answered(
    stack: Stack, stack_db: Database, user_id: int, message: str, facts: dict[str, str], told: str
) -> None:
    chat = _consented(stack, user_id)

    replies = chat.say(message)

    texts = _texts(replies)
    assert not texts[-1].startswith(JUST_NOTED), texts  # never only "noted"
    assert any(told in text for text in texts), texts
    assert question_in(replies) not in facts, texts  # never asked what she just said
    stored = _stored(stack_db, user_id)
    assert {name: stored.get(name) for name in facts} == {name: [value] for name, value in facts.items()}


def test_facts_with_a_wish_to_talk_to_a_person_reach_the_queue_and_the_case(
    stack: Stack, stack_db: Database, team: Team, user_id: int
) -> None:
    team.add("فاطمه")
    chat = team.client(user_id)
    replies = chat.say("۳۰ سالمه از امداد میخوام با یه مشاور حرف بزنم")
    assert any("صف" in text for text in _texts(replies)), _texts(replies)
    assert _stored(stack_db, user_id).get("age") == ["30"]


def test_the_documents_answer_does_not_ask_for_what_she_just_said(stack: Stack, user_id: int) -> None:
    chat = _consented(stack, user_id)
    texts = _texts(chat.say(DOCUMENTS_WITH_FACTS))
    assert not any("اگر سن و نهاد" in text for text in texts), texts


# --- typed answers to every intake question, in several forms ----------------------------------------------

# A 32-year-old Behzisti woman with a disability, looking for work, typing every answer.
BEHZISTI_WOMAN: dict[str, Answer] = {
    "organisation": _say("از بهزیستی"),
    "age": _say("سی و دو سالمه"),
    "gender": _say("زنم"),
    "target_group": _say("معلولیت جسمی دارم"),
    "field": _say("آشپزی"),
    "province": _say("تهران"),
    "city": _say("تهران"),
}
BEHZISTI_WOMAN_FACTS = {
    "organisation": "behzisti",
    "age": "32",
    "gender": "female",
    "target_group": "person_with_disability",
    "field": "آشپزی",
    "province": "تهران",
    "city": "تهران",
}

# A 17-year-old schoolgirl, a daughter of an Emdad family, typing with Arabic letters and digits.
EMDAD_DAUGHTER: dict[str, Answer] = {
    "organisation": _say("كميته"),
    "age": _say("١٧"),
    "gender": _say("دخترم"),
    "household_role": _say("دختر خانواده ام"),
    "emdad_support": _say("مستمری میگیریم"),
    "target_group": _say("نه"),
    "employment_status": _say("محصلم"),
    "school_grade": _say("يازدهم"),
    "work_ability": _say("اره"),
    "work_experience": _say("هیچی"),
}
EMDAD_DAUGHTER_FACTS = {
    "organisation": "emdad",
    "age": "17",
    "gender": "female",
    "household_role": "child",
    "emdad_support": "living_allowance",
    "target_group": "none",
    "employment_status": "student",
    "school_grade": "11",
    "work_ability": "full",
    "work_experience": "none",
}

# A young man with a small shop of his own, answering «none», «I don't know» or «anything» where nothing fits.
NONE_ANSWERS: dict[str, Answer] = {
    **EMDAD_SON,
    "gender": _say("مردم"),
    "household_role": _say("هیچکدوم"),
    "emdad_support": _say("نمیدونم"),
    "target_group": _say("هیچکدوم نیستم"),
    "employment_status": _say("کاسبم"),
    "education": _say("بیسوادم"),
    "work_experience": _say("زیاد"),
    "field": _say("فرقی نمیکنه"),
    "province": _say("مشهد"),
}
NONE_ANSWERS_FACTS = {
    **EMDAD_SON_FACTS,
    "household_role": "other",
    "emdad_support": "skipped",
    "employment_status": "self_employed",
    "education": "none",
    "work_experience": "experienced",
    "field": "any",
    "province": "خراسان رضوی",
}


@pytest.mark.parametrize(
    ("opening", "answers", "facts"),
    [
        ("دنبال کار میگردم", BEHZISTI_WOMAN, BEHZISTI_WOMAN_FACTS),
        ("ببینم من شرایط دریافت خدمات رو دارم؟", EMDAD_DAUGHTER, EMDAD_DAUGHTER_FACTS),
        ("من شرایطشو دارم؟", NONE_ANSWERS, NONE_ANSWERS_FACTS),
    ],
    ids=["behzisti woman on jobs", "schoolgirl in Arabic letters", "none answers"],
)
def test_typed_answers_in_the_clients_own_words_are_understood(
    stack: Stack,
    stack_db: Database,
    user_id: int,
    opening: str,
    answers: dict[str, Answer],
    facts: dict[str, str],
) -> None:
    asked = _typed_answers_are_understood(stack, stack_db, user_id, opening, answers, facts)
    assert len(asked) >= 7, asked


# --- before the privacy notice is accepted -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "place"),
    [("dore khayati too mashhad mikham", "مشهد"), ("كار تو مشهد ميخوام", "مشهد")],
    ids=["finglish course", "jobs in Arabic letters"],
)
def test_a_request_before_consent_is_answered_for_the_city_named_with_the_notice(
    stack: Stack, stack_db: Database, user_id: int, message: str, place: str
) -> None:
    chat = Chat(stack.api, user_id)
    replies = chat.say(message)
    texts = _texts(replies)
    assert any(place in text for text in texts[:-1]), texts
    assert button_titles(replies[-1])[0] == CONSENT_BUTTON
    assert question_in(replies) is None
    assert _stored(stack_db, user_id) == {}


# --- several questions in one message, a greeting in front ------------------------------------------------


SEVERAL = "دوره آشپزی تو تهران هست؟ بیمه هم داره؟ اقساطش چجوریه"


def test_insurance_and_instalments_asked_together_are_each_answered_or_handed_on(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = _consented(stack, user_id)
    replies = chat.say(SEVERAL)
    texts = _texts(replies)
    assert any(text.startswith("درباره‌ی بیمه") for text in texts), texts
    [named] = [reply for reply in replies if "بازپرداخت" in str(reply.get("text"))]  # the instalments
    assert "مشاور" in named["text"] and any("مشاور" in title for title in button_titles(named)), texts


def test_the_course_question_beside_the_insurance_question_is_not_dropped(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = _consented(stack, user_id)
    replies = chat.say(SEVERAL)
    texts = _texts(replies)
    buttons = [title for reply in replies for title in button_titles(reply)]
    assert question_in(replies) is not None or any("دوره" in text for text in texts + buttons), texts


@pytest.mark.parametrize(
    "message",
    [
        "سلام علیکم. كار تو شيراز هست؟",
        "درود. مدارک لازم برای ثبت نام چیه؟",
        "slm khaste nabashid dore ashpazi hast?",
    ],
    ids=["jobs in Arabic letters", "documents", "finglish course"],
)
def test_a_greeting_in_front_never_hides_the_question(stack: Stack, user_id: int, message: str) -> None:
    chat = _consented(stack, user_id)
    replies = chat.say(message)
    texts = _texts(replies)
    assert not any("خوش آمدید" in text for text in texts), texts
    assert question_in(replies) is not None or any(
        word in text for text in texts for word in ("کار", "مدارک", "دوره")
    ), texts


# --- Finglish with facts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "facts"),
    [
        pytest.param(
            "salam man 25 salame dore khayati too mashhad mikham",
            {"age": "25", "city": "مشهد", "field": "خیاطی"},
            id="course",
        ),
        pytest.param("kar too shiraz mikham ashpazi baladam", {"city": "شیراز"}, id="jobs"),
    ],
)
def test_finglish_with_a_field_and_a_city_is_kept_and_served(
    stack: Stack, stack_db: Database, user_id: int, message: str, facts: dict[str, str]
) -> None:
    chat = _consented(stack, user_id, "Sara")
    replies = chat.say(message)
    stored = _stored(stack_db, user_id)
    assert {name: stored.get(name) for name in facts} == {name: [value] for name, value in facts.items()}
    assert question_in(replies) not in {*facts, "province"}, _texts(replies)
    assert not _texts(replies)[-1].startswith(JUST_NOTED), _texts(replies)


# --- distress, a complaint ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "kinds"),
    [
        ("بچم سرطان داره تو بیمارستان بستریه کار میخوام", ["illness"]),
        ("بچه هام گرسنه ان پول نون ندارم", ["hunger"]),
        ("صاحبخونه وسایلمونو ریخته بیرون آواره شدیم", ["eviction"]),
    ],
    ids=["illness", "hunger", "eviction"],
)
def test_distress_is_met_with_a_person_and_marked_on_the_case(
    stack: Stack, stack_db: Database, user_id: int, message: str, kinds: list[str]
) -> None:
    chat = _consented(stack, user_id, "زهرا")
    replies = chat.say(message)
    first = _first_answer(replies)
    offered = COUNSELLOR_BUTTON in button_titles(first)
    assert offered or "صف" in replies[-1]["text"], _texts(replies)  # a person offered, or already on the way
    # Comfort first, whatever the NLU made of it (an eviction may be read as a complaint and reach a
    # supervisor): never an apology for what Karyar did not do.
    assert "متأسفم" in str(first["text"]), _texts(replies)
    assert not any("عذر می‌خواهم" in text for text in _texts(replies)), _texts(replies)
    assert [event["kinds"] for event in _distress_events(stack_db, user_id)] == [kinds]


def test_a_complaint_about_waiting_months_reaches_a_supervisor(
    stack: Stack, stack_db: Database, team: Team, user_id: int
) -> None:
    supervisor = team.add("مهدی", role="supervisor")
    chat = team.client(user_id)
    mark = stack.api.mark(supervisor)
    replies = chat.say("۳ ماهه پیام میدم کسی جواب نمیده، شکایت دارم")
    assert "سرپرست" in _first_answer(replies)["text"], _texts(replies)
    assert stack.api.wait_until(lambda: bool(stack.api.bot_messages(supervisor, since=mark)), timeout=10)


def test_a_complaint_that_tells_of_distress_is_comforted_first_and_still_reaches_a_supervisor(
    stack: Stack, stack_db: Database, team: Team, user_id: int
) -> None:
    supervisor = team.add("مهدی", role="supervisor")
    chat = team.client(user_id)
    mark = stack.api.mark(supervisor)
    replies = chat.say("شوهرم زندانه، ۳ ماهه پیام میدم کسی جواب نمیده، شکایت دارم")
    texts = _texts(replies)
    assert "متأسفم" in _first_answer(replies)["text"], texts
    assert any("سرپرست" in text for text in texts[1:]), texts  # then where her words went
    assert not any("عذر می‌خواهم" in text for text in texts), texts
    assert stack.api.wait_until(lambda: bool(stack.api.bot_messages(supervisor, since=mark)), timeout=10)
    assert [event["kinds"] for event in _distress_events(stack_db, user_id)] == [["prison"]]


# --- topics outside Karyar's work ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "pointer"),
    [
        ("يارانه ام قطع شده چيكار كنم", "دولت من"),
        ("کالابرگ کی میاد", "دولت من"),
        ("ودیعه مسکن میدین؟", "مددکار"),
        ("مستمری پدرم که از بهزیستی میگیره کم شده", "مددکار"),
    ],
    ids=["subsidy in Arabic letters", "coupon", "housing deposit", "pension"],
)
def test_a_topic_outside_karyar_gets_who_answers_it(
    stack: Stack, user_id: int, message: str, pointer: str
) -> None:
    chat = _consented(stack, user_id)
    texts = _texts(chat.say(message))
    assert any(pointer in text for text in texts), texts
    assert all("نمی‌توانم کمکی کنم" not in text for text in texts), texts

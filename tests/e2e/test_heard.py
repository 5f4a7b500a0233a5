"""Conversations in which what the client says beyond an ordinary request is heard: distress gets a person
first, a complaint reaches a supervisor before she is told so, a topic outside Karyar's work is pointed to
who answers it, and a request made before the privacy notice is accepted is answered without a loop.

Each conversation is written the way clients write (colloquial, Arabic letters, no punctuation) and asserts
what the client reads and what the case database keeps.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from karyar import cases
from karyar.db.engine import Database
from karyar.db.models import CaseEventKind, Handoff, HandoffReason, HandoffTier
from karyar.profile import current_profile
from tests.e2e.test_handoff import wait_for
from tests.e2e.test_intake import client_of
from tests.support.chat import Chat, button_titles, question_in
from tests.support.stack import Stack
from tests.support.team import Team

pytestmark = pytest.mark.e2e

COUNSELLOR_BUTTON = "👤 گفتگو با مشاور"


def _texts(replies: list[dict[str, Any]]) -> list[str]:
    return [str(reply.get("text") or "") for reply in replies]


def _distress_events(db: Database, user_id: int) -> list[dict[str, Any]]:
    client = client_of(db, user_id)
    with db.unit_of_work() as session:
        case = cases.open_case(session, client_id=client.id)
        return [event.data for event in cases.events(session, case_id=case.id, kind=CaseEventKind.DISTRESS)]


def _handoffs(db: Database, user_id: int) -> list[Handoff]:
    client = client_of(db, user_id)
    with db.unit_of_work() as session:
        found = list(session.scalars(select(Handoff).where(Handoff.client_id == client.id)))
        for handoff in found:
            session.expunge(handoff)
        return found


# --- distress ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "kinds", "urgent"),
    [
        # Husband in prison, three children, and a request: the person is offered first, the request served.
        ("سلام شوهرم زندانه سه تا بچه دارم کار میخوام", ["prison"], False),
        ("صاحبخونه گفته تا آخر ماه باید بریم، غذا نداریم. چیکار کنم", ["eviction", "hunger"], False),
        ("شوهرم كتكم ميزنه نميدونم چيكار كنم", ["violence"], True),  # Arabic letters
        ("از بس دنبال کار گشتم خسته شدم دیگه ناامیدم", ["despair"], False),
    ],
    ids=["prison with a request", "eviction and hunger", "violence", "despair"],
)
def test_distress_gets_empathy_and_a_person_in_the_first_answer(
    stack: Stack, stack_db: Database, user_id: int, message: str, kinds: list[str], urgent: bool
) -> None:
    chat = Chat(stack.api, user_id, first_name="زهرا")
    chat.accept_privacy_notice()

    replies = chat.say(message)

    first = replies[0]
    assert "متأسفم" in str(first["text"]) and COUNSELLOR_BUTTON in button_titles(first)
    assert ("۱۲۳" in str(first["text"])) is urgent  # the emergency line only where life or body is at risk
    assert len(replies) > 1  # the message is still answered after the offer
    [event] = _distress_events(stack_db, user_id)
    assert event == {"kinds": kinds, "offered": True}


def test_a_client_in_distress_who_accepts_the_person_reaches_a_counsellor_warned_on_the_card(
    stack: Stack, stack_db: Database, team: Team, user_id: int
) -> None:
    counsellor = team.add("فاطمه")
    chat = team.client(user_id)
    offer = chat.say("شوهرم زندانه و صاحبخونه میگه باید بریم. کار میخوام")
    assert COUNSELLOR_BUTTON in button_titles(offer[0])

    # A second hard message is marked too, but the person is not offered again and again.
    again = chat.say("هیچ امیدی ندارم")
    assert all(COUNSELLOR_BUTTON not in button_titles(reply) for reply in again)

    mark = stack.api.mark(counsellor)
    waiting = chat.press(COUNSELLOR_BUTTON, on=offer[0])
    assert "نفر اول صف" in waiting[-1]["text"]
    [card] = wait_for(stack.api, counsellor, mark)
    assert "⚠️" in card["text"] and "زندان" in card["text"] and "تخلیه" in card["text"]
    [handoff] = _handoffs(stack_db, user_id)
    assert handoff.reason == HandoffReason.DISTRESS
    assert [event["offered"] for event in _distress_events(stack_db, user_id)] == [True, False]


def test_an_ordinary_request_gets_no_offer_of_comfort(stack: Stack, stack_db: Database, user_id: int) -> None:
    chat = Chat(stack.api, user_id)
    chat.accept_privacy_notice()
    replies = chat.say("دوره گیاهان دارویی تو شیراز هست؟")
    assert all("متأسفم" not in text for text in _texts(replies))
    assert _distress_events(stack_db, user_id) == []


# --- complaints -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "complaint",
    ["از برخورد کارمنداتون شکایت دارم", "خیلی بد جواب دادن بهم تو اداره، ازشون شاکی ام"],
    ids=["staff", "colloquial"],
)
def test_a_complaint_reaches_a_supervisor_and_only_then_is_the_client_told(
    stack: Stack, stack_db: Database, team: Team, user_id: int, complaint: str
) -> None:
    supervisor = team.add("مهدی", role="supervisor")
    counsellor = team.add("سارا")
    chat = team.client(user_id)
    supervisor_mark, counsellor_mark = stack.api.mark(supervisor), stack.api.mark(counsellor)

    replies = chat.say(complaint)

    assert "سرپرست" in replies[0]["text"] and "ثبت شد" in replies[0]["text"]
    [card] = wait_for(stack.api, supervisor, supervisor_mark)
    assert "شکایت" in card["text"] and complaint in card["text"]
    assert stack.api.bot_messages(counsellor, since=counsellor_mark) == []  # counsellors do not get it
    [handoff] = _handoffs(stack_db, user_id)
    assert (handoff.reason, handoff.tier) == (HandoffReason.COMPLAINT, HandoffTier.SUPERVISOR)


def test_a_complaint_in_the_middle_of_the_questions_reaches_a_supervisor(
    stack: Stack, stack_db: Database, team: Team, user_id: int
) -> None:
    supervisor = team.add("مهدی", role="supervisor")
    chat = team.client(user_id)
    assert question_in(chat.say("وام میخوام")) is not None
    mark = stack.api.mark(supervisor)
    replies = chat.say("این همه سوال چرا میپرسین؟ ازتون شکایت دارم")
    assert any("سرپرست" in text for text in _texts(replies))
    assert wait_for(stack.api, supervisor, mark)
    assert question_in(replies) is None  # the questions stop: a person answers now


# --- topics outside Karyar's work ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("organisation", "message", "pointer"),
    [
        (None, "یارانه ام کی واریز میشه", "دولت من"),
        ("emdad", "مستمریمو این ماه نریختن", "مددکار پرونده‌تان در اداره‌ی کمیته امداد"),
        ("behzisti", "مستمری این ماه کی میاد", "بهزیستی شهرستان"),
        (None, "برای جهیزیه دخترم کمک میخوام", "مددکار پرونده‌تان"),
        (None, "حقوق بازنشستگی پدرم قطع شده", "تأمین اجتماعی"),
    ],
    ids=["subsidy", "emdad allowance", "behzisti allowance", "dowry", "retirement"],
)
def test_an_outside_topic_is_pointed_to_who_answers_it(
    stack: Stack, stack_db: Database, user_id: int, organisation: str | None, message: str, pointer: str
) -> None:
    chat = Chat(stack.api, user_id)
    chat.accept_privacy_notice()
    if organisation is not None:
        chat.say({"emdad": "من مددجوی کمیته امدادم", "behzisti": "من مددجوی بهزیستی هستم"}[organisation])

    replies = chat.say(message)

    assert any(pointer in text for text in _texts(replies)), _texts(replies)
    assert all("نمی‌توانم کمکی کنم" not in text for text in _texts(replies))


# --- before the privacy notice is accepted ---------------------------------------------------------------


def test_a_request_before_consent_gets_the_courses_of_the_city_named_and_the_notice_not_questions(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = Chat(stack.api, user_id, first_name="لیلا")
    replies = chat.say("سلام دوره خیاطی تو مشهد میخوام")

    texts = _texts(replies)
    assert any("مشهد" in text for text in texts[1:-2])  # the courses of the city she named
    assert "موافقم" in texts[-2]  # one sentence on why the notice matters
    assert button_titles(replies[-1])[0] == "✅ موافقم"  # and the notice with its buttons
    assert question_in(replies) is None
    with stack_db.unit_of_work() as session:
        assert current_profile(session, client_id=client_of(stack_db, user_id).id) == {}

    # She types an answer anyway: no question comes back in the same words, nothing is kept.
    again = chat.say("امداد")
    assert question_in(again) is None

    # Once she accepts, her request is taken up again: it asks what it needs to know about her.
    resumed = chat.press("✅ موافقم", on=replies[-1])
    assert "برمی‌گردم" in resumed[0]["text"]
    assert question_in(resumed) is not None


def test_a_loan_question_before_consent_gets_the_general_rules(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = Chat(stack.api, user_id)
    replies = chat.say("وام برای خیاطی میدین؟")
    texts = _texts(replies)
    assert any("وام" in text for text in texts[:-2]), texts
    # She has not said whose client she is: she is told that decides it, never that loans are not for her.
    assert not any("شامل شما نمی‌شود" in text for text in texts), texts
    assert any("لازم است: سن، نهاد حمایتی" in text for text in texts), texts
    assert button_titles(replies[-1])[0] == "✅ موافقم"
    assert question_in(replies) is None


def test_a_question_about_behzistis_loans_is_answered_about_behzisti(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = Chat(stack.api, user_id)
    chat.accept_privacy_notice()
    replies = chat.say("وام بهزیستی چطوریه؟")
    [answer] = [text for text in _texts(replies) if "قول وام" in text]
    assert "سرمایه کار بلاعوض" in answer and "کارانگیزی" not in answer, answer
    # Naming Behzisti as the provider did not make her its client.
    with stack_db.unit_of_work() as session:
        assert "organisation" not in current_profile(session, client_id=client_of(stack_db, user_id).id)


def test_asking_where_an_office_is_names_that_office_in_her_city_and_asks_nothing_she_said(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = Chat(stack.api, user_id)
    chat.accept_privacy_notice()
    texts = _texts(chat.say("آدرس بهزیستی شیراز کجاست"))
    [answer] = [text for text in texts if "اداره" in text and "بروید" in text]
    assert "اداره بهزیستی شهرستان شیراز" in answer and "کمیته" not in answer, answer
    assert not any("شهرتان را بنویسید" in text for text in texts), texts


# --- several questions, greetings, facts with a request ---------------------------------------------------

SEVERAL_QUESTIONS = (
    "سلام من ۳۵ سالمه از کمیته امداد. شوهرم از کار افتاده. میخواستم بدونم وام خیاطی چقدره و ضامن لازمه یا "
    "نه؟ سفته هم باید بدم؟ کلاس عصر هم دارین چون صبحا سر کارم"
)


def test_each_question_of_a_long_message_is_answered_or_handed_on(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = Chat(stack.api, user_id, first_name="مریم")
    chat.accept_privacy_notice()

    replies = chat.say(SEVERAL_QUESTIONS)

    texts = _texts(replies)
    [named] = [reply for reply in replies if "ضامن" in str(reply.get("text"))]
    assert "سفته" in named["text"] and "ساعت کلاس" in named["text"] and "مشاور" in named["text"]
    assert COUNSELLOR_BUTTON in button_titles(named)
    assert any("وام" in text for text in texts if "ضامن" not in text)  # the loan question itself is answered
    assert question_in(replies) is not None or "نتیجه" in texts[-1]  # the answer still ends the turn


@pytest.mark.parametrize(
    "message",
    [
        "سلام خوبین؟ دوره خیاطی تو شیراز هست؟",
        "سلام وقت بخیر. وام برای مغازه میدین؟",
        "salam vam mikham",
    ],
    ids=["course", "loan", "finglish loan"],
)
def test_a_greeting_before_a_question_never_hides_the_question(
    stack: Stack, stack_db: Database, user_id: int, message: str
) -> None:
    chat = Chat(stack.api, user_id)
    chat.accept_privacy_notice()
    replies = chat.say(message)
    texts = _texts(replies)
    assert not any("خوش آمدید" in text for text in texts), texts  # not answered as a greeting alone
    assert question_in(replies) is not None or any("دوره" in text or "وام" in text for text in texts[1:])


@pytest.mark.parametrize(
    ("message", "facts"),
    [
        (
            "از بهزیستی ام ۲۰ سالمه دنبال کار تو مشهدم",
            {"organisation": "behzisti", "age": "20", "city": "مشهد"},
        ),
        ("۶۲ سالمه مستمری بگیر کمیته ام میتونم وام کوچیک بگیرم؟", {"age": "62", "organisation": "emdad"}),
        ("من زنم ۳۰ سالمه دیپلم دارم تو شیراز دوره خیاطی میخوام", {"age": "30", "city": "شیراز"}),
    ],
    ids=["jobs", "loan", "course"],
)
def test_facts_given_with_a_request_are_kept_and_the_request_served_at_once(
    stack: Stack, stack_db: Database, user_id: int, message: str, facts: dict[str, str]
) -> None:
    chat = Chat(stack.api, user_id)
    chat.accept_privacy_notice()

    replies = chat.say(message)

    texts = _texts(replies)
    assert not any(text.startswith("ممنون، ثبت کردم") for text in texts[-1:]), texts  # not just "noted"
    asked = question_in(replies)
    assert asked is None or asked not in facts  # never asked again what she just said
    with stack_db.unit_of_work() as session:
        stored = current_profile(session, client_id=client_of(stack_db, user_id).id)
    for name, value in facts.items():
        assert value in [str(v) for v in stored.get(name, [])], (name, stored)

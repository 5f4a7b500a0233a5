"""Course and job lists end to end: nearest first, paged, details, «علاقه‌مندم» on the case."""

from __future__ import annotations

import pytest

from karyar import cases
from karyar.db.engine import Database
from karyar.db.models import CaseEventKind
from tests.e2e.test_intake import EMDAD_WOMAN, answer_all, client_of
from tests.support.chat import Chat, button_titles
from tests.support.stack import Stack

pytestmark = pytest.mark.e2e


def _cards(replies: list[dict]) -> list[dict]:
    return [m for m in replies if "علاقه‌مندم" in button_titles(m)]


def test_courses_nearby_are_listed_paged_detailed_and_an_interest_lands_on_the_case(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = Chat(stack.api, user_id)
    chat.accept_privacy_notice()
    _asked, replies = answer_all(chat, chat.say("کلاس دوخت تو مشهد دارین؟"), EMDAD_WOMAN)
    cards = _cards(replies)
    assert cards, chat.texts()
    assert "خیاطی" in replies[0]["text"]  # «دوخت» is understood as the field خیاطی
    assert "مشهد" in cards[0]["text"]  # the client's own city first
    assert "در شهر شما: ۱ مورد" in replies[0]["text"]  # and the heading says how many are in her city
    assert any(ch in cards[0]["text"] for ch in "۰۱۲۳۴۵۶۷۸۹")  # Persian digits in dates and amounts

    later = []
    if "بعدی" in button_titles(replies[-1]):
        later = _cards(chat.press("بعدی", on=replies[-1]))
        assert later and {m["text"] for m in later}.isdisjoint({m["text"] for m in cards})

    # The first card's buttons still work after later messages: they name their course.
    details = chat.press("اطلاعات بیشتر", on=cards[0])
    assert details[0]["text"] != cards[0]["text"] and "مشهد" in details[0]["text"]
    recorded = chat.press("علاقه‌مندم", on=cards[0])
    assert "ثبت شد" in recorded[0]["text"]
    chat.press("علاقه‌مندم", on=cards[0])  # twice is still one interest

    client = client_of(stack_db, user_id)
    with stack_db.unit_of_work() as session:
        case = cases.open_case(session, client_id=client.id)
        [interest] = cases.events(session, case_id=case.id, kind=CaseEventKind.INTEREST)
        assert interest.data["kind"] == "course" and interest.data["title"] in cards[0]["text"]


def test_a_list_pages_on_after_the_client_opens_a_card_and_shows_interest_and_is_old_once_the_talk_moves_on(
    stack: Stack, user_id: int
) -> None:
    chat = Chat(stack.api, user_id)
    chat.accept_privacy_notice()
    _asked, replies = answer_all(chat, chat.say("کلاس دوخت تو مشهد دارین؟"), EMDAD_WOMAN)
    cards, paging = _cards(replies), replies[-1]
    assert "بعدی" in button_titles(paging), chat.texts()

    # Looking at the list's items does not make the list old: «بعدی» under it brings the next page.
    assert "ثبت شد" not in chat.press("اطلاعات بیشتر", on=cards[0])[0]["text"]
    assert "ثبت شد" in chat.press("علاقه‌مندم", on=cards[1])[0]["text"]
    later = _cards(chat.press("بعدی", on=paging))
    assert later and {m["text"] for m in later}.isdisjoint({m["text"] for m in cards}), chat.texts()

    # Once the conversation has moved on to something else, a list's buttons are old.
    _asked, list_after = answer_all(chat, chat.say("کلاس دوخت تو مشهد دارین؟"), EMDAD_WOMAN)
    _asked, answer = answer_all(chat, chat.say("شرایطم رو بگو"), EMDAD_WOMAN)
    assert button_titles(answer[-1]), chat.texts()
    old_paging = list_after[-1]
    assert "بعدی" in button_titles(old_paging), chat.texts()
    mark = stack.api.mark(user_id)
    query = stack.api.press_button(user_id, old_paging["message_id"], text="بعدی")
    told = stack.api.wait_for_callback_answer(query, timeout=30)["text"]
    assert "قدیمی" in told
    [reply] = stack.api.wait_for_bot_messages(user_id, 1, since=mark, timeout=30)
    assert reply["text"] == told and not _cards([reply])


def test_a_job_search_with_nothing_nearby_offers_the_nearest_instead_of_a_dead_end(
    stack: Stack, user_id: int
) -> None:
    chat = Chat(stack.api, user_id)
    chat.accept_privacy_notice()
    answers = {**EMDAD_WOMAN, "city": lambda chat: chat.say("ایلام")}
    _asked, replies = answer_all(chat, chat.say("کار زنبورداری تو ایلام میخوام"), answers)
    assert "پیدا نشد" in replies[0]["text"], chat.texts()
    assert _cards(replies)
    # Asking about placement explains the employer's insurance incentives (seed 000, step 5).
    assert any("۱۰۰٪" in m["text"] and "۵۰٪" in m["text"] and "۲۳٪" in m["text"] for m in replies)


def test_buttons_of_an_earlier_answer_are_refused_as_stale(stack: Stack, user_id: int) -> None:
    chat = Chat(stack.api, user_id)
    chat.accept_privacy_notice()
    question = chat.say("شرایطم رو بگو")[-1]
    assert "بهزیستی" in button_titles(question)
    chat.say("کمیته امداد")  # answered by text; the buttons of the question are still on screen
    mark = stack.api.mark(user_id)
    query = stack.api.press_button(user_id, question["message_id"], text="بهزیستی")
    assert stack.api.wait_for_callback_answer(query, timeout=30)["text"]  # told why nothing happened
    [reply] = stack.api.wait_for_bot_messages(user_id, 1, since=mark, timeout=30)
    assert "بهزیستی" not in reply["text"]

"""Handoffs end to end: a client asks for a person, a counsellor claims and talks, closes; the client rates.

Counsellors are registered in the staff registry of the running product; each test gives its clients and
counsellors a province of their own, so the cards of one test never reach another test's counsellors.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.keyboards import menu_items
from karyar import cases
from karyar.clock import now
from karyar.db.engine import Database
from karyar.db.models import (
    AuditEntry,
    CaseEventKind,
    CaseStage,
    FollowUp,
    Handoff,
    HandoffReason,
    HandoffStatus,
    Message,
)
from karyar.texts import _
from localapi import UserDriver
from tests.e2e.test_intake import client_of
from tests.support.chat import Chat, button_titles
from tests.support.stack import Stack
from tests.support.team import Team

pytestmark = pytest.mark.e2e

WAIT = 30.0
ASK = "میخوام با یه مشاور حرف بزنم"


def wait_for(api: UserDriver, chat_id: int, mark: int, count: int = 1, **where: Any) -> list[dict[str, Any]]:
    return api.wait_for_bot_messages(chat_id, count, since=mark, timeout=WAIT, **where)


def press(api: UserDriver, user_id: int, message: dict[str, Any], title: str, **where: Any) -> str:
    assert title in button_titles(message), button_titles(message)
    return api.press_button(user_id, message["message_id"], text=title, **where)


def keyboard_labels(api: UserDriver, user_id: int) -> list[str]:
    """The reply keyboard the user has under the message field now."""
    keyboard = api.reply_keyboard(user_id) or {}
    return [button["text"] for row in keyboard.get("keyboard") or [] for button in row]


def card_of(api: UserDriver, counsellor: int) -> int:
    """The message id of the case card of a counsellor new to the test: the first thing the bot sent them."""
    return int(api.bot_messages(counsellor)[0]["message_id"])


def handoff_of(db: Database, user_id: int) -> Handoff:
    client = client_of(db, user_id)
    with db.unit_of_work() as session:
        found = session.scalar(
            select(Handoff).where(Handoff.client_id == client.id).order_by(Handoff.id.desc())
        )
        assert found is not None
        return found


def ask_and_get_card(
    chat: Chat, api: UserDriver, counsellor: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    mark = api.mark(counsellor)
    replies = chat.say(ASK)
    [card] = wait_for(api, counsellor, mark)
    return replies, card


def claim(api: UserDriver, chat: Chat, counsellor: int, card: dict[str, Any]) -> None:
    client_mark = api.mark(chat.user_id)
    query = press(api, counsellor, card, "✋ قبول")
    assert api.wait_for_callback_answer(query, timeout=WAIT)["text"] == "پرونده با شماست ✅"
    [joined] = wait_for(api, chat.user_id, client_mark)
    assert "گفتگو با شما را شروع کرد" in joined["text"]


def in_conversation(team: Team, user_id: int, counsellor_name: str) -> tuple[int, Chat]:
    """A new counsellor who has claimed the request of a new client: (counsellor, client's chat)."""
    counsellor = team.add(counsellor_name)
    chat = team.client(user_id)
    _replies, card = ask_and_get_card(chat, team.api, counsellor)
    claim(team.api, chat, counsellor, card)
    return counsellor, chat


def test_a_client_talks_with_a_counsellor_then_rates_and_is_understood_by_the_bot_again(
    stack: Stack, stack_db: Database, team: Team, user_id: int
) -> None:
    api = stack.api
    counsellor = team.add("زهرا")
    chat = team.client(user_id)

    started = time.monotonic()
    replies, card = ask_and_get_card(chat, api, counsellor)
    print(f"request to card: {time.monotonic() - started:.2f}s")
    assert "نفر اول صف" in replies[-1]["text"] and "انصراف و بازگشت به دستیار" in button_titles(replies[-1])
    assert "درخواست خود مددجو" in card["text"] and team.province in card["text"]
    assert ASK in card["text"]  # the last messages are on the card

    # Written while waiting: kept, and shown to the counsellor on claim.
    kept = chat.say("من دنبال کار خیاطی هستم")
    assert "نگه داشته شد" in kept[-1]["text"]
    counsellor_mark = api.mark(counsellor)
    claim(api, chat, counsellor, card)
    shown = wait_for(api, counsellor, counsellor_mark, 2)
    assert any("من دنبال کار خیاطی هستم" in str(m.get("text")) for m in shown)

    # Three messages each way: text, photo and voice up; text, photo and document down.
    counsellor_mark = api.mark(counsellor)
    api.send_text(user_id, "ساعت کاری شما کی است؟")
    api.send_photo(user_id, caption="کارت ملی")
    api.send_voice(user_id)
    up = wait_for(api, counsellor, counsellor_mark, 3)
    assert "ساعت کاری شما کی است؟" in up[0]["text"]
    assert "photo" in up[1] and "voice" in up[2]

    client_mark = api.mark(user_id)
    api.send_text(counsellor, "سلام، من زهرا هستم. فردا با مدارک بیایید.")
    api.send_photo(counsellor, caption="نشانی اداره")
    api.send_document(counsellor)
    down = wait_for(api, user_id, client_mark, 3)
    assert down[0]["text"] == "سلام، من زهرا هستم. فردا با مدارک بیایید."
    assert "photo" in down[1] and "document" in down[2]

    # An internal note never reaches the client.
    note_mark = api.mark(counsellor)
    api.send_text(counsellor, "/note مدارک ناقص است")
    assert "یادداشت" in wait_for(api, counsellor, note_mark)[0]["text"]
    time.sleep(1)
    assert all("مدارک ناقص" not in str(m.get("text")) for m in api.bot_messages(user_id))

    # Close with an outcome; the client is asked to rate, then comments.
    close_mark = api.mark(counsellor)
    api.send_text(counsellor, "/close")
    [outcomes] = wait_for(api, counsellor, close_mark)
    client_mark = api.mark(user_id)
    press(api, counsellor, outcomes, "معرفی به آموزش")
    closed, rating = wait_for(api, user_id, client_mark, 2)
    assert "تمام شد" in closed["text"] and len(button_titles(rating)) == 5
    assert keyboard_labels(api, user_id) == [label for label, _payload in menu_items()]
    chat.press("۵⭐", on=rating)
    chat.press("✍️ نوشتن نظر")
    assert "ثبت شد" in chat.say("خیلی خوب راهنمایی کردند")[-1]["text"]

    # Rasa has the conversation again and understands the first message.
    replies = chat.say("دوره آموزش خیاطی میخوام")
    assert replies and all("مشاور" not in str(m.get("text"))[:20] for m in replies), chat.texts()
    assert any("؟" in str(m.get("text")) or button_titles(m) for m in replies)

    handoff = handoff_of(stack_db, user_id)
    assert handoff.status == HandoffStatus.CLOSED and handoff.outcome == "referred_training"
    assert handoff.rating == 5 and handoff.rating_comment == "خیلی خوب راهنمایی کردند"
    assert handoff.rasa_resumed_at is not None
    with stack_db.unit_of_work() as session:
        kinds = [event.kind for event in cases.events(session, case_id=handoff.case_id)]
        case_stage = cases.open_case(session, client_id=handoff.client_id).stage
        relayed = session.scalars(select(Message).where(Message.handoff_id == handoff.id)).all()
    for kind in ("handoff_requested", "handoff_claimed", "note", "handoff_closed", "rating"):
        assert kind in kinds
    assert case_stage == CaseStage.TRAINING
    assert {m.direction for m in relayed} == {"in", "out"} and len(relayed) >= 8


def test_during_a_conversation_the_client_has_one_button_that_ends_it_and_the_counsellor_is_told(
    stack: Stack, stack_db: Database, team: Team, user_id: int
) -> None:
    api = stack.api
    counsellor, chat = in_conversation(team, user_id, "نسرین")
    # No menu while a person reads every word: a menu press would reach the counsellor as text.
    assert keyboard_labels(api, user_id) == [_("Button: end live chat")] == ["🔚 پایان گفتگو با مشاور"]

    counsellor_mark, client_mark = api.mark(counsellor), api.mark(user_id)
    api.tap_keyboard(user_id, "🔚 پایان گفتگو با مشاور")
    [told] = wait_for(api, counsellor, counsellor_mark)
    assert "مددجو گفتگو را تمام کرد" in told["text"]
    closed, rating = wait_for(api, user_id, client_mark, 2)
    assert "تمام شد" in closed["text"] and len(button_titles(rating)) == 5
    assert keyboard_labels(api, user_id) == [label for label, _payload in menu_items()]
    assert all("پایان گفتگو با مشاور" not in str(m.get("text")) for m in api.bot_messages(counsellor))

    handoff = handoff_of(stack_db, user_id)
    assert handoff.status == HandoffStatus.CLOSED and handoff.outcome is None
    # The counsellor's tools are gone from the card; the client rates, and the bot is back.
    assert api.wait_until(lambda: not api.reply_markup_of(counsellor, card_of(api, counsellor)), timeout=WAIT)
    assert "امتیاز" in chat.press("۴⭐", on=rating)[-1]["text"]
    assert api.wait_until(lambda: handoff_of(stack_db, user_id).rasa_resumed_at is not None, timeout=WAIT)
    # Pressed again from a keyboard left on screen: the menu, not a message for Rasa.
    again = chat.say("🔚 پایان گفتگو با مشاور")
    assert "پیش از این تمام شده" in again[-1]["text"]
    assert keyboard_labels(api, user_id) == [label for label, _payload in menu_items()]


def test_the_client_can_stop_waiting_and_the_bot_answers_again(
    stack: Stack, stack_db: Database, team: Team, user_id: int
) -> None:
    counsellor = team.add("مینا")
    chat = team.client(user_id)
    replies, card = ask_and_get_card(chat, stack.api, counsellor)
    counsellor_mark = stack.api.mark(counsellor)
    back = chat.press("انصراف و بازگشت به دستیار", on=replies[-1])
    assert "لغو شد" in back[-1]["text"]
    assert "منصرف" in wait_for(stack.api, counsellor, counsellor_mark)[0]["text"]
    assert "خوش آمدید" in chat.say("سلام")[0]["text"]
    # The counsellor's card no longer offers the claim.
    assert stack.api.wait_until(
        lambda: not stack.api.reply_markup_of(counsellor, card["message_id"]), timeout=WAIT
    )
    assert handoff_of(stack_db, user_id).status == HandoffStatus.CANCELLED


def test_when_two_counsellors_claim_at_once_exactly_one_gets_the_case(
    stack: Stack, team: Team, user_id: int
) -> None:
    api = stack.api
    first, second = team.add("الف"), team.add("ب")
    chat = team.client(user_id)
    marks = {first: api.mark(first), second: api.mark(second)}
    chat.say(ASK)
    cards = {who: wait_for(api, who, marks[who])[0] for who in (first, second)}
    barrier = threading.Barrier(2)
    queries: dict[int, str] = {}

    def claim_now(who: int) -> None:
        barrier.wait()
        queries[who] = api.press_button(who, cards[who]["message_id"], text="✋ قبول")

    threads = [threading.Thread(target=claim_now, args=(who,)) for who in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    answers = sorted(
        api.wait_for_callback_answer(queries[who], timeout=WAIT)["text"] for who in (first, second)
    )
    assert answers == sorted(["پرونده با شماست ✅", "همکار دیگری زودتر این پرونده را قبول کرد."])


def test_staff_commands_are_refused_and_audited_for_clients(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = Chat(stack.api, user_id)
    chat.accept_privacy_notice()
    assert "فقط برای همکاران" in chat.say("/queue")[-1]["text"]
    with stack_db.unit_of_work() as session:
        refused = session.scalars(
            select(AuditEntry).where(
                AuditEntry.actor_telegram_user_id == user_id, AuditEntry.allowed.is_(False)
            )
        ).all()
        stored = session.scalars(select(Message).where(Message.text == "/queue")).all()
    assert [entry.action for entry in refused] == ["command.queue"]
    assert stored  # the client's words are kept like any other message


def test_a_counsellor_hears_when_the_client_has_blocked_the_bot(
    stack: Stack, team: Team, user_id: int
) -> None:
    api = stack.api
    counsellor, _chat = in_conversation(team, user_id, "سارا")
    api.block_bot(user_id)
    try:
        mark = api.mark(counsellor)
        api.send_text(counsellor, "سلام، هنوز آنجا هستید؟")
        assert "مسدود" in wait_for(api, counsellor, mark)[0]["text"]
    finally:
        api.unblock_bot(user_id)


def test_a_bot_killed_mid_conversation_carries_on_from_the_database(
    stack: Stack, team: Team, user_id: int
) -> None:
    api = stack.api
    counsellor, _chat = in_conversation(team, user_id, "نرگس")
    stack.restart_bot(kill=True)
    mark = api.mark(counsellor)
    api.send_text(user_id, "بعد از قطع شدن هم پیامم می‌رسد؟")
    assert "بعد از قطع شدن هم پیامم می‌رسد؟" in wait_for(api, counsellor, mark)[0]["text"]
    client_mark = api.mark(user_id)
    api.send_text(counsellor, "بله، می‌رسد.")
    assert wait_for(api, user_id, client_mark)[0]["text"] == "بله، می‌رسد."


def test_a_placement_schedules_check_ins_and_a_problem_brings_a_counsellor_back(
    stack: Stack, stack_db: Database, team: Team, user_id: int
) -> None:
    api = stack.api
    counsellor, chat = in_conversation(team, user_id, "لیلا")
    mark = api.mark(counsellor)
    api.send_text(counsellor, "/placed")
    assert "پیگیری" in wait_for(api, counsellor, mark)[0]["text"]
    mark = api.mark(counsellor)
    api.send_text(counsellor, "/close")
    press(api, counsellor, wait_for(api, counsellor, mark)[0], "معرفی به کار")
    # The press is handled in the background; the case's stage is read once the handoff is closed.
    assert api.wait_until(lambda: handoff_of(stack_db, user_id).ended_at is not None, timeout=WAIT)
    first = handoff_of(stack_db, user_id)
    client_mark = api.mark(user_id)
    with stack_db.unit_of_work() as session:
        rows = session.scalars(
            select(FollowUp).where(FollowUp.case_id == first.case_id).order_by(FollowUp.months)
        )
        assert [row.months for row in rows] == [1, 3, 6, 12]
        assert cases.open_case(session, client_id=first.client_id).stage == CaseStage.FOLLOW_UP
        # A month passes.
        session.execute(
            update(FollowUp)
            .where(FollowUp.case_id == first.case_id, FollowUp.months == 1)
            .values(due_at=now() - timedelta(minutes=1))
        )
    assert api.wait_until(
        lambda: any(
            "ماه از شروع کار" in str(m.get("text")) for m in api.bot_messages(user_id, since=client_mark)
        ),
        timeout=WAIT,
    )
    question = next(
        m for m in api.bot_messages(user_id, since=client_mark) if "ماه از شروع کار" in str(m.get("text"))
    )
    mark = api.mark(counsellor)
    replies = chat.press("دیگر کار نمی‌کنم", on=question)
    assert "نفر" in replies[-1]["text"]  # back in the queue for a counsellor
    [new_card] = wait_for(api, counsellor, mark)
    assert "مشکل در پیگیری" in new_card["text"]
    second = handoff_of(stack_db, user_id)
    assert second.id != first.id and second.reason == HandoffReason.FOLLOW_UP
    with stack_db.unit_of_work() as session:
        answers = cases.events(session, case_id=first.case_id, kind=CaseEventKind.FOLLOW_UP_ANSWER)
        assert [a.data["answer"] for a in answers] == ["stopped"]


def test_counsellors_see_the_queue_their_cases_and_a_timeline_and_can_hand_a_case_on(
    stack: Stack, stack_db: Database, team: Team, user_id: int
) -> None:
    api = stack.api
    first, second = team.add("آزاده"), team.add("بهاره")
    chat = team.client(user_id)

    def ask(who: int, text: str) -> dict[str, Any]:
        mark = api.mark(who)
        api.send_text(who, text)
        return wait_for(api, who, mark)[0]

    marks = {first: api.mark(first), second: api.mark(second)}
    chat.say(ASK)
    card = wait_for(api, first, marks[first])[0]
    wait_for(api, second, marks[second])
    waiting = ask(first, "/queue")
    assert "در انتظار" in waiting["text"] and "مریم" in waiting["text"] and button_titles(waiting)
    claim(api, chat, first, card)
    assert "مریم" in ask(first, "/mycases")["text"]

    choices = ask(first, "/transfer")
    assert "بهاره" in button_titles(choices) and "👔 سرپرست" in button_titles(choices)
    client_mark, second_mark = api.mark(user_id), api.mark(second)
    press(api, first, choices, "بهاره")
    assert "بهاره" in wait_for(api, user_id, client_mark)[0]["text"]
    assert any("همکار دیگری" in str(m.get("text")) for m in wait_for(api, second, second_mark))
    client_mark = api.mark(user_id)
    api.send_text(second, "سلام، من بهاره هستم و ادامه می‌دهم.")
    assert wait_for(api, user_id, client_mark)[0]["text"] == "سلام، من بهاره هستم و ادامه می‌دهم."

    case_id = handoff_of(stack_db, user_id).case_id
    timeline = ask(second, f"/case {case_id}")["text"]
    for entry in ("درخواست گفتگو با مشاور", "قبول پرونده", "انتقال پرونده", "آزاده"):
        assert entry in timeline
    found = ask(second, "/search مریم")
    assert any(str(case_id) in title or "مریم" in title for title in button_titles(found))

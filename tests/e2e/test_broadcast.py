"""Announcements end to end: the bot's own sender delivers them through the stand-in; clients press their
buttons; a client who blocked the bot is recorded; a conversation is answered while a broadcast runs; and
a staff member composes one in Telegram, finding its course by part of the name.

Each test gives its clients a city of its own and sends only to that city (the one composed in Telegram,
where cities come from the reference list, to an age nobody else has), so announcements of one test never
reach the clients of another.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.broadcast import compose
from karyar import clients, profile
from karyar.broadcast import store
from karyar.broadcast.audience import Audience
from karyar.broadcast.content import Content
from karyar.cases import events, open_case
from karyar.clients import TelegramIdentity
from karyar.db.engine import Database
from karyar.db.models import BroadcastDelivery, BroadcastStatus, CaseEventKind, Client, Course, DeliveryStatus
from karyar.facts import ProfileFactName
from karyar.staff import registry
from karyar.texts import _
from localapi import UserDriver
from persian.format import format_number
from tests.support.chat import Chat, button_titles
from tests.support.stack import Stack

pytestmark = pytest.mark.e2e


def _subscribers(db: Database, api: UserDriver, first_user: int, count: int, city: str) -> list[int]:
    """Clients who accepted the privacy notice, subscribed, and live in `city` (straight into the database:
    how they got there is tested elsewhere)."""
    users = [first_user * 1000 + n for n in range(count)]
    for user in users:
        api.add_user(user, "مددجو")
    with db.unit_of_work() as session:
        for user in users:
            client = clients.ensure_client(
                session, identity=TelegramIdentity(user_id=user, first_name="مددجو")
            )
            clients.record_consent(session, client_id=client.id)
            client.subscribed = True
            profile.record_fact(
                session, client_id=client.id, name=ProfileFactName.CITY, value=city, source="test"
            )
    return users


def _send(db: Database, city: str, *, buttons: list[dict[str, Any]] | None = None, text: str = "") -> int:
    with db.unit_of_work() as session:
        broadcast = store.create(
            session,
            created_by=None,
            content=Content(text=text or "📣 ثبت‌نام دوره‌ی رایگان خیاطی آغاز شد"),
            buttons=buttons or [],
            audience=Audience.from_dict({"city": [city]}),
        )
        store.confirm(session, broadcast_id=broadcast.id, approval_required=False)
        return broadcast.id


def _rows(db: Database, broadcast_id: int) -> dict[int, BroadcastDelivery]:
    with db.unit_of_work() as session:
        found = session.scalars(
            select(BroadcastDelivery).where(BroadcastDelivery.broadcast_id == broadcast_id)
        )
        return {row.chat_id: row for row in found}


def _until(check: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def _city() -> str:
    return f"شهر-{uuid.uuid4().hex[:8]}"


def test_an_announcement_reaches_subscribers_and_a_blocked_client_is_recorded(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    city = _city()
    reader, blocker = _subscribers(stack_db, stack.api, user_id, 2, city)
    stack.api.block_bot(blocker)
    broadcast_id = _send(stack_db, city)

    _until(
        lambda: all(row.status != DeliveryStatus.PENDING for row in _rows(stack_db, broadcast_id).values())
    )
    _until(lambda: store_status(stack_db, broadcast_id) == BroadcastStatus.DONE)

    (announcement,) = stack.api.bot_messages(reader)
    assert announcement["text"] == "📣 ثبت‌نام دوره‌ی رایگان خیاطی آغاز شد"
    assert button_titles(announcement) == ["🔕 خبر نفرست"]
    rows = _rows(stack_db, broadcast_id)
    assert rows[reader].status == DeliveryStatus.SENT
    assert rows[blocker].status == DeliveryStatus.BLOCKED
    with stack_db.unit_of_work() as session:
        assert clients.find_client(session, telegram_user_id=blocker).blocked_bot  # type: ignore[union-attr]


def store_status(db: Database, broadcast_id: int) -> str:
    with db.unit_of_work() as session:
        found = store.get(session, broadcast_id)
        assert found is not None
        return found.status


def test_a_course_button_records_the_interest_shows_the_course_and_offers_a_counsellor(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    city = _city()
    (reader,) = _subscribers(stack_db, stack.api, user_id, 1, city)
    with stack_db.unit_of_work() as session:
        course = session.scalars(select(Course).where(Course.active.is_(True)).order_by(Course.id)).first()
        assert course is not None
        course_id, title = course.id, course.title
    buttons = [{"kind": "course", "title": "ثبت‌نام / علاقه‌مندم", "course_id": course_id}]
    broadcast_id = _send(stack_db, city, buttons=buttons)
    _until(lambda: bool(stack.api.bot_messages(reader)))
    chat = Chat(stack.api, reader)

    replies = chat.press("ثبت‌نام / علاقه‌مندم")

    assert title in str(replies[0]["text"])  # the course's details
    assert "علاقه‌ی شما ثبت شد" in str(replies[-1]["text"])
    assert button_titles(replies[-1]) == ["گفتگو با مشاور"]
    with stack_db.unit_of_work() as session:
        client = clients.find_client(session, telegram_user_id=reader)
        assert client is not None
        timeline = events(session, case_id=open_case(session, client_id=client.id).id)
        kinds = [
            (event.kind, event.data.get("item_id") or event.data.get("broadcast_id")) for event in timeline
        ]
    assert (CaseEventKind.INTEREST, course_id) in kinds
    assert (CaseEventKind.ANNOUNCEMENT_PRESS, broadcast_id) in kinds
    # A second press (a double tap, or days later) answers the same and records nothing twice.
    again = chat.press("ثبت‌نام / علاقه‌مندم")
    assert "علاقه‌ی شما ثبت شد" in str(again[-1]["text"])
    with stack_db.unit_of_work() as session:
        interests = events(
            session, case_id=open_case(session, client_id=client.id).id, kind=CaseEventKind.INTEREST
        )
    assert len(interests) == 1


def test_the_unsubscribe_button_stops_further_announcements(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    city = _city()
    (reader,) = _subscribers(stack_db, stack.api, user_id, 1, city)
    _send(stack_db, city)
    _until(lambda: bool(stack.api.bot_messages(reader)))

    (reply,) = Chat(stack.api, reader).press("🔕 خبر نفرست")

    assert "دیگر خبر و اطلاعیه برایتان نمی‌فرستیم" in str(reply["text"])
    with stack_db.unit_of_work() as session:
        assert not session.scalar(select(Client.subscribed).where(Client.telegram_user_id == reader))
    assert _rows(stack_db, _send(stack_db, city)) == {}  # the next one does not choose them


def test_a_conversation_is_answered_at_once_while_a_broadcast_runs(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    city = _city()
    readers = _subscribers(stack_db, stack.api, user_id, 150, city)  # six seconds of sending at 25 a second
    broadcast_id = _send(stack_db, city)
    _until(lambda: any(stack.api.bot_messages(reader) for reader in readers))
    talker = Chat(stack.api, user_id + 999)
    stack.api.add_user(user_id + 999, "زهرا")

    asked = time.monotonic()
    replies = talker.say("سلام")
    answered_in = time.monotonic() - asked - 0.8  # the chat helper waits 0.8 s for more replies

    assert replies, "no answer during the broadcast"
    assert answered_in < 3.0, f"the client waited {answered_in:.1f}s"
    still_open = [
        row
        for row in _rows(stack_db, broadcast_id).values()
        if row.status in (DeliveryStatus.PENDING, "sending")
    ]
    assert still_open, "the broadcast was over before the client was answered; nothing was shown"
    _until(lambda: store_status(stack_db, broadcast_id) == BroadcastStatus.DONE)
    assert all(len(stack.api.bot_messages(reader)) == 1 for reader in readers)


def test_a_bot_killed_mid_broadcast_goes_on_and_skips_nobody(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    city = _city()
    readers = _subscribers(stack_db, stack.api, user_id, 120, city)
    broadcast_id = _send(stack_db, city)
    _until(lambda: sum(bool(stack.api.bot_messages(reader)) for reader in readers) >= 30)

    stack.restart_bot(kill=True)

    _until(lambda: store_status(stack_db, broadcast_id) == BroadcastStatus.DONE, seconds=120)
    received = [len(stack.api.bot_messages(reader)) for reader in readers]
    assert min(received) == 1, "a client was skipped"
    # Only messages in flight at the kill can arrive twice: at most BROADCAST_CONCURRENCY of them.
    assert sum(count - 1 for count in received) <= 8
    assert {row.status for row in _rows(stack_db, broadcast_id).values()} == {DeliveryStatus.SENT}


# --- composed by a staff member in Telegram --------------------------------------------------------------


@pytest.fixture
def colleague(stack: Stack, stack_db: Database, user_id: int) -> Iterator[int]:
    """A staff member who may announce, for this test only."""
    stack.api.add_user(user_id, "همکار")
    with stack_db.unit_of_work() as session:
        registry.add_member(session, telegram_user_id=user_id, name="همکار", role="staff")
    yield user_id
    with stack_db.unit_of_work() as session:
        registry.deactivate_member(session, telegram_user_id=user_id)


def _aged(db: Database, users: list[int], age: int) -> None:
    with db.unit_of_work() as session:
        for user in users:
            client = clients.find_client(session, telegram_user_id=user)
            assert client is not None
            profile.record_fact(
                session, client_id=client.id, name=ProfileFactName.AGE, value=str(age), source="test"
            )


def _in_place(
    api: UserDriver, user: int, message: dict[str, Any], *, title: str | None = None, data: str | None = None
) -> dict[str, Any]:
    """Press a button (by its title or its data) whose next screen replaces the pressed message; that
    message as it is then."""
    edits = len(api.edits(user))
    api.press_button(user, message["message_id"], data, text=title)
    assert api.wait_until(lambda: len(api.edits(user)) > edits, timeout=30), "the screen stayed as it was"
    return next(m for m in api.transcript(user) if m["message_id"] == message["message_id"])


def _draft_number(message: dict[str, Any]) -> int:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    pressed = next(compose.parse(b.get("callback_data")) for row in rows for b in row)
    assert pressed is not None
    return pressed.draft_id


def test_staff_find_the_course_by_part_of_its_name_and_its_audience_gets_it(
    stack: Stack, stack_db: Database, colleague: int
) -> None:
    api, staff = stack.api, Chat(stack.api, colleague, first_name="همکار")
    city = "بیرجند"
    readers = _subscribers(stack_db, api, colleague, 3, city)
    _aged(stack_db, readers[:2], 99)  # the audience; the third, of another age, is not
    with stack_db.unit_of_work() as session:
        gown = session.scalars(select(Course).where(Course.code == "C-KHR-001")).one()
        gown_id, gown_title = gown.id, gown.title

    staff.say("/broadcast")
    (screen,) = staff.say("📣 ثبت‌نام دوره‌ی خیاطی لباس مجلسی آغاز شد")
    number = _draft_number(screen)
    ask = _in_place(api, colleague, screen, title=_("Broadcast button: add course"))
    assert ask["text"].startswith(_("Broadcast compose: ask course"))

    (matches,) = staff.say("مجلسي")  # part of the name, with an Arabic yeh
    assert matches["text"] == _("Broadcast compose: course matches").format(
        count=format_number(1), text="مجلسي"
    )
    (choice,) = [title for title in button_titles(matches) if gown_title in title]
    assert "مشهد" in choice and "C-KHR-001" not in choice
    screen = _in_place(api, colleague, matches, title=choice)
    assert gown_title in screen["text"]

    (audience,) = staff.press(_("Broadcast button: continue"), on=screen)
    _in_place(api, colleague, audience, data=compose.data(number, "f", "city"))
    (audience,) = staff.say(city)
    _in_place(api, colleague, audience, data=compose.data(number, "f", "age"))
    (audience,) = staff.say("۹۹")
    assert f"👥 گیرندگان: {format_number(2)} نفر" in audience["text"]
    preview, summary = staff.press(_("Broadcast button: continue"), on=audience)
    assert (
        button_titles(preview)[0] == _("Broadcast compose: course button title")
        and gown_title in summary["text"]
    )
    (confirm,) = staff.press(_("Broadcast button: send now"), on=summary)
    assert gown_title in confirm["text"]
    staff.press(_("Broadcast button: confirm").format(count=format_number(2)), on=confirm)

    _until(lambda: store_status(stack_db, number) == BroadcastStatus.DONE)
    assert sorted(_rows(stack_db, number)) == sorted(readers[:2])
    assert api.bot_messages(readers[2]) == []
    replies = Chat(api, readers[0]).press(_("Broadcast compose: course button title"))
    assert gown_title in str(replies[0]["text"])  # the linked course's details
    with stack_db.unit_of_work() as session:
        client = clients.find_client(session, telegram_user_id=readers[0])
        assert client is not None
        interests = events(
            session, case_id=open_case(session, client_id=client.id).id, kind=CaseEventKind.INTEREST
        )
    assert [event.data.get("item_id") for event in interests] == [gown_id]

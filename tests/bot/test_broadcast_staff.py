"""The staff's broadcast flow through python-telegram-bot and the local Bot API, on both backends.

The bot is built by the application factory, so the flow meets the admin, counsellor and client handlers
as in production. The in-bot sender is off unless a test is about delivery, so statuses stay where the
staff put them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from telegram.ext import Application

from bot.app import build_application
from bot.broadcast import compose
from bot.broadcast.progress import report_text, status_label
from bot.services import from_bot_data
from karyar.broadcast import report, store
from karyar.catalogue.reference import places
from karyar.db.engine import Database
from karyar.db.models import (
    AuditEntry,
    Broadcast,
    BroadcastDelivery,
    BroadcastStatus,
    Client,
    Message,
    StaffRole,
)
from karyar.settings import load_settings
from karyar.staff.roles import Permission
from karyar.texts import _
from localapi import LocalBotApi
from persian.format import format_number, jalali_date
from tests.karyar.broadcast.conftest import ALBORZ, FARS, TEHRAN, add_client, add_member
from tests.karyar.catalogue.factories import course

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
STAFF, STAFF2, SUPERVISOR, SUPERVISOR2, FARS_SUPERVISOR = 9101, 9102, 9103, 9104, 9105
COUNSELLOR, STRANGER, TEHRAN_STAFF = 9106, 9107, 9108
# Subscribers: (telegram id, province, gender, extra)
MATCH_1, MATCH_2 = 8_200_000_001, 8_200_000_008
CLIENTS: list[tuple[int, str, str, dict[str, Any]]] = [
    (MATCH_1, TEHRAN, "female", {}),
    (8_200_000_002, TEHRAN, "male", {}),
    (8_200_000_003, FARS, "female", {}),
    (8_200_000_004, TEHRAN, "female", {"subscribed": False}),
    (8_200_000_005, TEHRAN, "female", {"blocked": True}),
    (8_200_000_006, TEHRAN, "female", {"chat_missing": True}),
    (8_200_000_007, ALBORZ, "female", {}),
    (MATCH_2, TEHRAN, "female", {}),
]
FUTURE_TEXT = "۱۴۱۰/۰۱/۱۵ ۰۹:۳۰"
FUTURE_UTC = datetime(2031, 4, 4, 6, 0, tzinfo=UTC)
ANNOUNCEMENT = "<b>دوره خیاطی</b> در تهران: ثبت‌نام آغاز شد"
IN_20_DAYS = datetime.now(UTC) + timedelta(days=20)


@pytest.fixture
def database(db: Database) -> Iterator[Database]:
    """The suite's database (SQLite and PostgreSQL), with colleagues, subscribers and a course."""
    with db.unit_of_work() as session:
        add_member(session, STAFF)
        add_member(session, STAFF2)
        add_member(session, SUPERVISOR, role=StaffRole.SUPERVISOR)
        add_member(session, SUPERVISOR2, role=StaffRole.SUPERVISOR)
        add_member(session, FARS_SUPERVISOR, role=StaffRole.SUPERVISOR, provinces=(FARS,))
        add_member(session, COUNSELLOR, role=StaffRole.COUNSELLOR)
        add_member(session, TEHRAN_STAFF, provinces=(TEHRAN,))
        for telegram_id, province, gender, extra in CLIENTS:
            add_client(session, telegram_id, province=province, gender=gender, **extra)
        session.add(
            course("C-THR-001", title="دوخت مانتو", province=TEHRAN, city=TEHRAN, starts_at=IN_20_DAYS)
        )
    # The bot gets its own engine: the application disposes of it when it stops.
    own = Database(db.url)
    yield own
    own.dispose()


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    server = LocalBotApi(TOKEN)
    await server.start()
    for user in (STAFF, STAFF2, SUPERVISOR, SUPERVISOR2, FARS_SUPERVISOR, COUNSELLOR, STRANGER, TEHRAN_STAFF):
        server.add_user(user, f"user {user}")
    for telegram_id, *_rest in CLIENTS:
        server.add_user(telegram_id, "مددجو")
    try:
        yield server
    finally:
        await server.stop()


@asynccontextmanager
async def running_bot(
    api: LocalBotApi, database: Database, **settings: Any
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    assert api.url is not None
    config = load_settings(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=api.url,
        DATABASE_URL=database.url,
        RASA_URL="http://127.0.0.1:9",  # nothing listens: client messages wait for Rasa
        BROADCAST_SENDER_IN_BOT=settings.pop("BROADCAST_SENDER_IN_BOT", False),
        **settings,
    )
    app = build_application(config, database)
    async with app:
        await app.start()
        # run_polling would call these; the tests start the parts themselves (the sender starts here).
        assert app.post_init is not None and app.post_shutdown is not None
        await app.post_init(app)
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
            await app.post_shutdown(app)


@pytest.fixture
async def bot(
    api: LocalBotApi, database: Database
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    async with running_bot(api, database) as app:
        yield app


# --- driving the chat -------------------------------------------------------------------------------------


async def until(predicate: Callable[[], Any], seconds: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("timed out waiting for the bot")
        await asyncio.sleep(0.02)


async def say(
    api: LocalBotApi, user: int, text: str, *, count: int = 1, parse_mode: str | None = None
) -> list[dict[str, Any]]:
    """What the bot answers (at least `count` messages)."""
    sent = api.send_text(user, text, parse_mode=parse_mode)
    await api.wait_for_bot_messages_async(user, count, since=sent, timeout=5)
    await asyncio.sleep(0.1)  # time for anything more, which the caller may check
    return api.bot_messages(user, since=sent)


async def press(
    api: LocalBotApi,
    user: int,
    message: dict[str, Any],
    data: str | None = None,
    *,
    text: str | None = None,
    new: int = 0,
    edited: bool = False,
) -> dict[str, Any]:
    """Press a button; waits for the answer, `new` bot messages and, if `edited`, an edit. The answer."""
    mark, edits = api.mark(user), len(api.edits(user))
    query = api.press_button(user, message["message_id"], data, text=text)
    await until(lambda: api.callback_answers(query))
    if new:
        await api.wait_for_bot_messages_async(user, new, since=mark, timeout=5)
    if edited:
        await until(lambda: len(api.edits(user)) > edits)
    await asyncio.sleep(0.05)
    return api.callback_answers(query)[0]


async def forge(api: LocalBotApi, user: int, message: dict[str, Any], data: str) -> dict[str, Any]:
    """A press with data the message's buttons do not carry (a forged or made-up button). The answer."""
    query = api.forge_press(user, message["message_id"], data)
    await until(lambda: api.callback_answers(query))
    await asyncio.sleep(0.1)
    return api.callback_answers(query)[0]


def current(api: LocalBotApi, user: int, message: dict[str, Any]) -> dict[str, Any]:
    """The message as it is now (after edits)."""
    return next(m for m in api.transcript(user) if m["message_id"] == message["message_id"])


def buttons(message: dict[str, Any]) -> list[list[tuple[str, str]]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [[(b["text"], b.get("callback_data") or b.get("url", "")) for b in row] for row in rows]


def labels(message: dict[str, Any]) -> list[str]:
    return [text for row in buttons(message) for text, _data in row]


def recipients_line(count: int) -> str:
    return f"👥 گیرندگان: {format_number(count)} نفر"


def latest_broadcast(database: Database) -> Broadcast:
    with database.unit_of_work() as session:
        found = session.scalars(select(Broadcast).order_by(Broadcast.id.desc()).limit(1)).one()
        return found


def broadcast(database: Database, number: int) -> Broadcast:
    with database.unit_of_work() as session:
        found = store.get(session, number)
        assert found is not None
        return found


def delivery_chats(database: Database, number: int) -> list[int]:
    with database.unit_of_work() as session:
        return sorted(
            session.scalars(select(BroadcastDelivery.chat_id).where(BroadcastDelivery.broadcast_id == number))
        )


def audit(database: Database, actor: int, *, allowed: bool | None = None) -> list[AuditEntry]:
    with database.unit_of_work() as session:
        query = select(AuditEntry).where(AuditEntry.actor_telegram_user_id == actor).order_by(AuditEntry.id)
        if allowed is not None:
            query = query.where(AuditEntry.allowed.is_(allowed))
        return list(session.scalars(query))


async def compose_quickly(
    api: LocalBotApi, user: int, text: str = "نمایشگاه کار پنجشنبه"
) -> tuple[int, dict[str, Any]]:
    """/broadcast → a text → no buttons → everyone → now; the confirmation screen, not yet pressed."""
    [ask] = await say(api, user, "/broadcast")
    if labels(ask)[0] == _("Broadcast button: continue draft"):  # a draft left by an earlier step
        [ask] = await pressed_new(api, user, ask, text=_("Broadcast button: new announcement"))
    [screen] = await say(api, user, text)
    number = latest_broadcast_id(api, screen)
    [audience] = await pressed_new(api, user, screen, compose.data(number, "btn", "next"))
    preview_and_summary = await pressed_new(api, user, audience, compose.data(number, "prev"), count=2)
    [confirm] = await pressed_new(api, user, preview_and_summary[-1], compose.data(number, "now"))
    return number, confirm


def latest_broadcast_id(api: LocalBotApi, screen: dict[str, Any]) -> int:
    press_data = next(data for row in buttons(screen) for _t, data in row if data.startswith("bc:"))
    parsed = compose.parse(press_data)
    assert parsed is not None
    return parsed.draft_id


async def pressed_new(
    api: LocalBotApi,
    user: int,
    message: dict[str, Any],
    data: str | None = None,
    *,
    text: str | None = None,
    count: int = 1,
) -> list[dict[str, Any]]:
    mark = api.mark(user)
    await press(api, user, message, data, text=text, new=count)
    return api.bot_messages(user, since=mark)


# --- the whole flow -----------------------------------------------------------------------------------------


@pytest.mark.usefixtures("bot")
async def test_a_staff_member_composes_previews_schedules_and_confirms(
    api: LocalBotApi, database: Database
) -> None:
    [ask] = await say(api, STAFF, "/broadcast")
    assert ask["text"] == _("Broadcast compose: ask message")
    assert labels(ask) == [_("Broadcast button: quit")]

    # 1. the message, with its formatting
    sent = api.send_text(STAFF, ANNOUNCEMENT, parse_mode="HTML")
    [screen] = await api.wait_for_bot_messages_async(STAFF, 1, since=sent)
    number = latest_broadcast_id(api, screen)
    draft = broadcast(database, number)
    assert draft.status == BroadcastStatus.DRAFT
    assert draft.content == {"text": sent["text"], "entities": sent["entities"]}
    assert sent["entities"] == [{"type": "bold", "offset": 0, "length": len("دوره خیاطی")}]
    assert screen["text"].startswith(_("Broadcast compose: buttons").split("\n")[0])

    # 2. a course button, by the course's code (picking by name is tested below)
    await press(api, STAFF, screen, compose.data(number, "btn", "course"), edited=True)
    assert current(api, STAFF, screen)["text"].startswith(_("Broadcast compose: ask course"))
    [unknown] = await say(api, STAFF, "C-XXX-999")
    assert unknown["text"].startswith(_("Broadcast compose: no course match").format(text="C-XXX-999"))
    [screen] = await say(api, STAFF, "c-thr-001")
    course_title = _("Broadcast compose: course button title")
    coat = f"دوخت مانتو (تهران، {jalali_date(IN_20_DAYS)})"
    assert (
        _("Broadcast compose: course button line").format(title=course_title, course=coat) in screen["text"]
    )
    assert [b["kind"] for b in broadcast(database, number).buttons] == ["course"]

    # 3. the audience, narrowed to a province and a gender; the count follows
    [audience] = await pressed_new(api, STAFF, screen, text=_("Broadcast button: continue"))
    assert recipients_line(5) in audience["text"]
    await press(api, STAFF, audience, compose.data(number, "f", "province"), edited=True)
    options = current(api, STAFF, audience)
    assert "فارس" not in labels(options) and "تهران" in labels(options)  # 31 provinces, ten a page
    await press(api, STAFF, options, compose.data(number, "pg", "province", 1), edited=True)
    assert "فارس" in labels(current(api, STAFF, audience))
    await press(api, STAFF, audience, compose.data(number, "pg", "province", 0), edited=True)
    tehran = places().provinces.index(TEHRAN)
    await press(api, STAFF, audience, compose.data(number, "t", "province", tehran), edited=True)
    options = current(api, STAFF, audience)
    assert "✅ تهران" in labels(options) and recipients_line(3) in options["text"]
    await press(api, STAFF, audience, compose.data(number, "aud"), edited=True)
    await press(api, STAFF, audience, compose.data(number, "f", "gender"), edited=True)
    await press(api, STAFF, audience, text="زن", edited=True)
    options = current(api, STAFF, audience)
    assert "✅ زن" in labels(options) and recipients_line(2) in options["text"]
    await press(api, STAFF, audience, compose.data(number, "aud"), edited=True)
    audience = current(api, STAFF, audience)
    assert (
        "استان: تهران" in audience["text"]
        and "جنسیت: زن" in audience["text"]
        and recipients_line(2) in audience["text"]
    )
    assert broadcast(database, number).audience == {"province": [TEHRAN], "gender": ["female"]}

    # an age range typed with Persian digits, then taken off again
    await press(api, STAFF, audience, compose.data(number, "f", "age"), edited=True)
    [bad] = await say(api, STAFF, "جوان")
    assert bad["text"] == _("Broadcast compose: bad age")
    [audience] = await say(api, STAFF, "۱۸-۳۵")
    assert broadcast(database, number).audience["age"] == [18, 35]
    await press(api, STAFF, audience, compose.data(number, "f", "age"), edited=True)
    await press(api, STAFF, audience, compose.data(number, "all", "age"), edited=True)
    assert "age" not in broadcast(database, number).audience

    # 4. the preview, exactly as clients will see it, and the summary
    preview, summary = await pressed_new(api, STAFF, audience, compose.data(number, "prev"), count=2)
    assert (preview["text"], preview["entities"]) == (sent["text"], sent["entities"])
    assert buttons(preview) == [
        [(course_title, f"an:{number}:0")],
        [(_("Announcement: unsubscribe button"), f"an:{number}:u")],
    ]
    assert recipients_line(2) in summary["text"] and "استان: تهران؛ جنسیت: زن" in summary["text"]
    assert coat in summary["text"]

    # 5. a Jalali time: the past and impossible days are refused, then stored as the right UTC moment
    [ask_time] = await pressed_new(api, STAFF, summary, text=_("Broadcast button: schedule"))
    assert ask_time["text"].startswith(_("Broadcast compose: ask time").split("\n")[0])
    [past] = await say(api, STAFF, "۱۴۰۰/۰۱/۰۱ ۱۰:۰۰")
    assert past["text"].startswith("این زمان") and "گذشته" in past["text"]
    [impossible] = await say(api, STAFF, "1404/12/30 10:00")
    assert impossible["text"] == _("Broadcast compose: bad time").format(example=compose.time_example())
    [confirm] = await say(api, STAFF, FUTURE_TEXT)
    assert broadcast(database, number).send_at == FUTURE_UTC
    assert "۱۵ فروردین ۱۴۱۰، ساعت ۰۹:۳۰" in confirm["text"]
    assert _("Broadcast button: confirm").format(count=format_number(2)) in labels(confirm)

    # ... and «همین حالا» instead
    _preview, summary = await pressed_new(api, STAFF, confirm, text=_("Broadcast button: back"), count=2)
    [confirm] = await pressed_new(api, STAFF, summary, text=_("Broadcast button: send now"))
    assert broadcast(database, number).send_at is None
    assert confirm["text"] == "\n".join(
        [
            _("Broadcast compose: confirm now").format(count=format_number(2)),
            _("Broadcast compose: linked course").format(course=coat),
        ]
    )

    # 6. confirmed: a delivery row for exactly the matching subscribed, unblocked clients
    [progress] = await pressed_new(
        api, STAFF, confirm, text=_("Broadcast button: confirm").format(count=format_number(2))
    )
    assert current(api, STAFF, confirm)["text"] == _("Broadcast compose: confirmed").format(
        number=format_number(number)
    )
    assert not buttons(current(api, STAFF, confirm))
    confirmed = broadcast(database, number)
    assert (confirmed.status, confirmed.recipients) == (BroadcastStatus.SENDING, 2)
    assert delivery_chats(database, number) == [MATCH_1, MATCH_2]
    assert (confirmed.progress_chat_id, confirmed.progress_message_id) == (STAFF, progress["message_id"])
    assert status_label(BroadcastStatus.SENDING) in progress["text"]
    assert labels(progress) == [_("Broadcast button: pause"), _("Broadcast button: cancel")]

    # every step is in the audit log, without the announcement's words
    entries = audit(database, STAFF)
    actions = [e.action for e in entries]
    assert actions[0] == "broadcast.start" and "broadcast.create" in actions
    assert actions[-2:] == ["broadcast.press.go", "broadcast.confirm"]
    assert "broadcast.confirm" in actions and "broadcast.input.course" in actions
    assert all(e.allowed and e.actor_role == "staff" for e in entries)
    assert "خیاطی" not in str([(e.details, e.target) for e in entries])
    # the flow was never taken for a client's conversation
    with database.unit_of_work() as session:
        assert (
            session.scalar(select(func.count()).select_from(Client).where(Client.telegram_user_id == STAFF))
            == 0
        )


def add_sewing_courses(database: Database) -> dict[str, tuple[int, str]]:
    """Courses sharing a word, in several places and times: code → (id, how staff see it)."""
    today = datetime.now(UTC)
    made = {
        "C-KHZ-003": ("خیاطی مقدماتی", "خوزستان", "اهواز", "in_person", today + timedelta(days=5)),
        "C-KHR-001": ("خیاطی لباس مجلسی", "خراسان رضوی", "مشهد", "in_person", today + timedelta(days=10)),
        "C-ONL-003": ("خیاطی مقدماتی (آموزش آنلاین)", None, None, "online", today + timedelta(days=40)),
        "C-KRM-003": ("خیاطی مقدماتی", "کرمان", "بم", "in_person", today - timedelta(days=3)),
        "C-OLD-001": ("خیاطی سنتی", TEHRAN, TEHRAN, "in_person", today + timedelta(days=7)),
    }
    found = {}
    with database.unit_of_work() as session:
        for code, (title, province, city, mode, starts_at) in made.items():
            row = course(
                code,
                title=title,
                province=province,
                city=city,
                mode=mode,
                starts_at=starts_at,
                active=code != "C-OLD-001",
            )
            session.add(row)
            session.flush()
            place = city or "آنلاین"
            found[code] = (row.id, f"{title} ({place}، {jalali_date(starts_at)})")
    return found


def course_buttons(message: dict[str, Any]) -> list[str]:
    return [text for row in buttons(message) for text, data in row if ":crs:" in data]


@pytest.mark.usefixtures("bot")
async def test_a_course_is_found_by_part_of_its_name_and_shown_by_name_to_the_end(
    api: LocalBotApi, database: Database
) -> None:
    courses = add_sewing_courses(database)
    coat = f"دوخت مانتو (تهران، {jalali_date(IN_20_DAYS)})"
    await say(api, STAFF, "/broadcast")
    [screen] = await say(api, STAFF, "ثبت‌نام دوره‌های خیاطی آغاز شد")
    number = latest_broadcast_id(api, screen)

    # with nothing typed yet: the courses still to start, soonest first (none started, none withdrawn)
    await press(api, STAFF, screen, text=_("Broadcast button: add course"), edited=True)
    ask = current(api, STAFF, screen)
    assert ask["text"].startswith(_("Broadcast compose: ask course"))
    assert _("Broadcast compose: or pick an upcoming course") in ask["text"]
    assert course_buttons(ask) == [
        courses["C-KHZ-003"][1],
        courses["C-KHR-001"][1],
        coat,
        courses["C-ONL-003"][1],
    ]

    # nothing by that name: said plainly, the upcoming courses offered again, and another try is read
    [nothing] = await say(api, STAFF, "ناکجا")
    assert nothing["text"].startswith(_("Broadcast compose: no course match").format(text="ناکجا"))
    assert len(course_buttons(nothing)) == 4

    # part of a name, written with an Arabic yeh: only that course
    [found] = await say(api, STAFF, "مجلسي")
    assert found["text"] == _("Broadcast compose: course matches").format(
        count=format_number(1), text="مجلسي"
    )
    assert course_buttons(found) == [courses["C-KHR-001"][1]]

    # a shared word, with the button's own title: upcoming soonest first, then the one already started
    [found] = await say(api, STAFF, "خياطی | ثبت‌نام در دوره")
    assert found["text"] == _("Broadcast compose: course matches").format(
        count=format_number(4), text="خياطی"
    )
    assert course_buttons(found) == [
        courses["C-KHZ-003"][1],
        courses["C-KHR-001"][1],
        courses["C-ONL-003"][1],
        courses["C-KRM-003"][1],
    ]
    await press(api, STAFF, found, text=courses["C-KHR-001"][1], edited=True)
    gown = courses["C-KHR-001"][1]
    screen = current(api, STAFF, found)
    line = _("Broadcast compose: course button line").format(title="ثبت‌نام در دوره", course=gown)
    assert (
        screen["text"].startswith(_("Broadcast compose: buttons").split("\n")[0]) and line in screen["text"]
    )
    assert broadcast(database, number).buttons == [
        {"kind": "course", "title": "ثبت‌نام در دوره", "course_id": courses["C-KHR-001"][0]}
    ]

    # a withdrawn course's code is refused by its name; a made-up course adds nothing
    await press(api, STAFF, screen, text=_("Broadcast button: add course"), edited=True)
    [withdrawn] = await say(api, STAFF, "C-OLD-001")
    assert withdrawn["text"] == _("Broadcast compose: course inactive").format(
        course=f"خیاطی سنتی (تهران، {jalali_date(datetime.now(UTC) + timedelta(days=7))})"
    )
    await forge(api, STAFF, screen, compose.data(number, "crs", 999_999_999))
    assert len(broadcast(database, number).buttons) == 1

    # the summary and the confirmation name the course; its code is never shown
    await press(api, STAFF, screen, text=_("Broadcast button: back"), edited=True)
    [audience] = await pressed_new(api, STAFF, screen, text=_("Broadcast button: continue"))
    preview, summary = await pressed_new(api, STAFF, audience, compose.data(number, "prev"), count=2)
    assert labels(preview)[0] == "ثبت‌نام در دوره" and line in summary["text"]
    [confirm] = await pressed_new(api, STAFF, summary, text=_("Broadcast button: send now"))
    assert _("Broadcast compose: linked course").format(course=gown) in confirm["text"]
    shown = [*api.bot_messages(STAFF), *api.edits(STAFF)]
    assert not any("C-KHR-001" in f"{m.get('text')} {labels(m)}" for m in shown)
    picked = [e for e in audit(database, STAFF) if e.action == "broadcast.press.crs"]
    assert [e.details for e in picked] == [{"course_id": courses["C-KHR-001"][0]}, {"course_id": 999_999_999}]

    # a colleague of one province sees its courses (and online ones) first
    await say(api, TEHRAN_STAFF, "/broadcast")
    [screen] = await say(api, TEHRAN_STAFF, "برای تهرانی‌ها")
    await press(api, TEHRAN_STAFF, screen, text=_("Broadcast button: add course"), edited=True)
    assert course_buttons(current(api, TEHRAN_STAFF, screen)) == [
        coat,
        courses["C-ONL-003"][1],
        courses["C-KHZ-003"][1],
        courses["C-KHR-001"][1],
    ]


@pytest.mark.usefixtures("bot")
async def test_a_photo_with_a_caption_links_and_refusals_of_other_kinds(
    api: LocalBotApi, database: Database
) -> None:
    await say(api, STAFF, "/broadcast")
    sticker = api.send_sticker(STAFF)
    [refused] = await api.wait_for_bot_messages_async(STAFF, 1, since=sticker)
    assert refused["text"] == _("Broadcast compose: not text or photo")

    photo = api.send_photo(STAFF, caption="نمایشگاه کار https://karyar.ir")
    [screen] = await api.wait_for_bot_messages_async(STAFF, 1, since=photo)
    number = latest_broadcast_id(api, screen)
    content = broadcast(database, number).content
    assert content["photo"] == photo["photo"][-1]["file_id"]
    assert (content["text"], content["entities"]) == (photo["caption"], photo["caption_entities"])

    await press(api, STAFF, screen, compose.data(number, "btn", "link"), edited=True)
    [bad] = await say(api, STAFF, "سایت ftp://karyar.ir")
    assert bad["text"] == _("Broadcast compose: bad link")
    [bad] = await say(api, STAFF, "سایت | ftp://karyar.ir")
    assert bad["text"] == _("Broadcast compose: bad link")
    [screen] = await say(api, STAFF, "سایت کاریار | https://karyar.ir/jobs")
    await press(api, STAFF, screen, text=_("Broadcast button: add interest"), edited=True)
    assert broadcast(database, number).buttons == [
        {"kind": "link", "title": "سایت کاریار", "url": "https://karyar.ir/jobs"},
        {"kind": "interest", "title": "علاقه‌مندم"},
    ]

    [audience] = await pressed_new(api, STAFF, screen, text=_("Broadcast button: continue"))
    # typed filters: cities and fields are checked against the reference lists
    await press(api, STAFF, audience, compose.data(number, "f", "city"), edited=True)
    [unknown] = await say(api, STAFF, "مشهد، ناکجاآباد")
    assert unknown["text"] == _("Broadcast compose: unknown cities").format(names="ناکجاآباد")
    [narrowed] = await say(api, STAFF, "مشهد، نيشابور")  # Arabic yeh
    assert broadcast(database, number).audience == {"city": ["مشهد", "نیشابور"]}
    assert recipients_line(0) in narrowed["text"]  # nobody told us their city
    await press(api, STAFF, narrowed, compose.data(number, "f", "field"), edited=True)
    [narrowed] = await say(api, STAFF, "دوخت")
    assert broadcast(database, number).audience["field"] == ["خیاطی"]
    _preview, summary = await pressed_new(api, STAFF, narrowed, compose.data(number, "prev"), count=2)
    assert _("Broadcast compose: nobody") in summary["text"]
    assert _("Broadcast button: send now") not in labels(summary)
    await press(api, STAFF, summary, text=_("Broadcast button: edit audience"), edited=True)
    for name in ("city", "field"):
        await press(api, STAFF, summary, compose.data(number, "f", name), edited=True)
        await press(api, STAFF, summary, compose.data(number, "all", name), edited=True)
    assert broadcast(database, number).audience == {}
    audience = current(api, STAFF, summary)
    assert recipients_line(5) in audience["text"]

    preview, _summary = await pressed_new(api, STAFF, audience, compose.data(number, "prev"), count=2)
    assert preview["photo"][-1]["file_id"] == content["photo"]
    assert (preview["caption"], preview["caption_entities"]) == (photo["caption"], photo["caption_entities"])
    assert buttons(preview) == [
        [("سایت کاریار", "https://karyar.ir/jobs")],
        [("علاقه‌مندم", f"an:{number}:1")],
        [(_("Announcement: unsubscribe button"), f"an:{number}:u")],
    ]


async def test_the_draft_survives_a_restart_and_quitting_drops_it(
    api: LocalBotApi, database: Database
) -> None:
    async with running_bot(api, database):
        await say(api, STAFF, "/broadcast")
        [screen] = await say(api, STAFF, "خبر مهم")
        number = latest_broadcast_id(api, screen)
    async with running_bot(api, database):
        # the flow's memory is gone with the old process; the draft and its buttons are not
        [offer] = await say(api, STAFF, "/broadcast")
        assert offer["text"] == _("Broadcast compose: resume draft").format(number=format_number(number))
        [screen] = await pressed_new(api, STAFF, offer, text=_("Broadcast button: continue draft"))
        assert screen["text"].startswith(_("Broadcast compose: buttons").split("\n")[0])
        [audience] = await pressed_new(api, STAFF, screen, compose.data(number, "btn", "next"))
        # the message can be written again from the summary; the rest of the draft stays
        _preview, summary = await pressed_new(api, STAFF, audience, compose.data(number, "prev"), count=2)
        [ask] = await pressed_new(api, STAFF, summary, text=_("Broadcast button: edit message"))
        assert ask["text"] == _("Broadcast compose: ask message")
        [screen] = await say(api, STAFF, "خبر مهم‌تر")
        assert broadcast(database, number).content["text"] == "خبر مهم‌تر"
        [audience] = await pressed_new(api, STAFF, screen, compose.data(number, "btn", "next"))
        [bye] = await pressed_new(api, STAFF, audience, text=_("Broadcast button: quit"))
        assert bye["text"] == _("Broadcast compose: cancelled")
        assert broadcast(database, number).status == BroadcastStatus.CANCELLED
        # a button of the dropped draft is answered, not obeyed
        answer = await forge(api, STAFF, audience, compose.data(number, "f", "gender"))
        assert answer["text"] == _("Broadcast compose: draft closed")


# --- who may -------------------------------------------------------------------------------------------------


async def test_counsellors_and_strangers_are_refused_politely_and_audited(
    api: LocalBotApi, database: Database, bot: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    assert [m["text"] for m in await say(api, COUNSELLOR, "/broadcast")] == [_("Staff: not allowed")]
    assert [m["text"] for m in await say(api, STRANGER, "/broadcast")] == [_("Staff: not allowed")]
    assert [m["text"] for m in await say(api, STRANGER, "/broadcasts")] == [_("Staff: not allowed")]

    [counsellor] = audit(database, COUNSELLOR, allowed=False)
    assert (counsellor.action, counsellor.actor_role, counsellor.details) == (
        "broadcast.start",
        "counsellor",
        {"needs": "broadcast"},
    )
    assert [(e.action, e.actor_role) for e in audit(database, STRANGER, allowed=False)] == [
        ("broadcast.start", None),
        ("broadcast.list", None),
    ]
    with database.unit_of_work() as session:
        kept = session.scalars(
            select(Message.text)
            .join(Client, Message.client_id == Client.id)
            .where(Client.telegram_user_id == STRANGER)
        ).all()
        counsellor_clients = session.scalar(
            select(func.count()).select_from(Client).where(Client.telegram_user_id == COUNSELLOR)
        )
    assert (
        "/broadcast" in kept and counsellor_clients == 0
    )  # a client's words are kept; a colleague's are not

    # «اطلاعیه» from a client is a question for Rasa; from a colleague who may announce, the flow
    sent = api.send_text(STRANGER, "اطلاعیه")
    await until(lambda: "اطلاعیه" in stranger_texts(database))
    await asyncio.sleep(0.2)
    assert _("Broadcast compose: ask message") not in [
        m["text"] for m in api.bot_messages(STRANGER, since=sent)
    ]
    assert [e.action for e in audit(database, STRANGER, allowed=False)] == [
        "broadcast.start",
        "broadcast.list",
    ]

    directory = from_bot_data(bot.bot_data).staff
    await until(
        lambda: directory.may(STAFF2, Permission.BROADCAST)
    )  # read from the registry on the periodic check
    [ask] = await say(api, STAFF2, "اطلاعیه")
    assert ask["text"] == _("Broadcast compose: ask message")


def stranger_texts(database: Database) -> list[str | None]:
    with database.unit_of_work() as session:
        return list(
            session.scalars(
                select(Message.text)
                .join(Client, Message.client_id == Client.id)
                .where(Client.telegram_user_id == STRANGER)
            )
        )


@pytest.mark.usefixtures("bot")
async def test_a_supervisor_in_the_flow_is_not_taken_for_a_counsellor(
    api: LocalBotApi, database: Database
) -> None:
    """Supervisors handle cases too: their flow input must reach the flow, not their client."""
    number, confirm = await compose_quickly(api, SUPERVISOR, "دوره‌ی تازه برای همه")
    assert broadcast(database, number).content["text"] == "دوره‌ی تازه برای همه"
    assert confirm["text"] == _("Broadcast compose: confirm now").format(count=format_number(5))


# --- approval ------------------------------------------------------------------------------------------------


async def test_approval_by_another_supervisor_when_required(api: LocalBotApi, database: Database) -> None:
    async with running_bot(api, database, BROADCAST_APPROVAL_REQUIRED=True):
        number, confirm = await compose_quickly(api, STAFF)
        assert _("Broadcast compose: approval note") in confirm["text"]
        supervisor_mark, other_mark = api.mark(SUPERVISOR), api.mark(SUPERVISOR2)
        progress, waiting = await pressed_new(
            api, STAFF, confirm, text=_("Broadcast button: confirm").format(count=format_number(5)), count=2
        )
        assert broadcast(database, number).status == BroadcastStatus.AWAITING_APPROVAL
        assert status_label(BroadcastStatus.AWAITING_APPROVAL) in progress["text"]
        assert labels(progress) == [_("Broadcast button: cancel")]
        assert waiting["text"] == _("Broadcast compose: awaiting approval").format(
            number=format_number(number)
        )

        # every supervisor whose scope covers the author's gets the preview and the question; not the others
        preview, request = await api.wait_for_bot_messages_async(SUPERVISOR, 2, since=supervisor_mark)
        assert preview["text"] == "نمایشگاه کار پنجشنبه"
        assert buttons(request) == [
            [
                (_("Broadcast button: approve"), f"bs:{number}:approve"),
                (_("Broadcast button: reject"), f"bs:{number}:reject"),
            ]
        ]
        [_p, other_request] = await api.wait_for_bot_messages_async(SUPERVISOR2, 2, since=other_mark)
        assert api.bot_messages(FARS_SUPERVISOR) == []

        # a staff member may not approve, even with a forged button
        answer = await forge(api, STAFF2, (await say(api, STAFF2, "/broadcasts"))[0], f"bs:{number}:approve")
        assert answer["text"] == _("Staff: not allowed")
        assert [e.action for e in audit(database, STAFF2, allowed=False)] == ["broadcast.approve"]

        author_mark = api.mark(STAFF)
        answer = await press(api, SUPERVISOR, request, text=_("Broadcast button: approve"), edited=True)
        assert answer["text"] == _("Broadcast approval: approved by you")
        assert current(api, SUPERVISOR, request)["text"].endswith(_("Broadcast approval: approved by you"))
        approved = broadcast(database, number)
        assert approved.status == BroadcastStatus.SENDING and approved.approved_by is not None
        [told] = await api.wait_for_bot_messages_async(STAFF, 1, since=author_mark)
        assert told["text"] == _("Broadcast approval: approved, to author").format(
            number=format_number(number), name=f"همکار {SUPERVISOR}"
        )
        await until(lambda: status_label(BroadcastStatus.SENDING) in current(api, STAFF, progress)["text"])
        assert labels(current(api, STAFF, progress)) == [
            _("Broadcast button: pause"),
            _("Broadcast button: cancel"),
        ]

        answer = await press(api, SUPERVISOR2, other_request, text=_("Broadcast button: approve"))
        assert answer["text"] == _("Broadcast approval: not waiting")

        # a supervisor's own announcement: they cannot approve it; another one rejects it
        own, confirm = await compose_quickly(api, SUPERVISOR, "اطلاعیه‌ی سرپرست")
        other_mark = api.mark(SUPERVISOR2)
        await pressed_new(
            api,
            SUPERVISOR,
            confirm,
            text=_("Broadcast button: confirm").format(count=format_number(5)),
            count=2,
        )
        answer = await forge(api, SUPERVISOR, current(api, SUPERVISOR, request), f"bs:{own}:approve")
        assert answer["text"] == _("Broadcast approval: own")
        assert broadcast(database, own).status == BroadcastStatus.AWAITING_APPROVAL
        [_p, request] = await api.wait_for_bot_messages_async(SUPERVISOR2, 2, since=other_mark)
        author_mark = api.mark(SUPERVISOR)
        answer = await press(api, SUPERVISOR2, request, text=_("Broadcast button: reject"), edited=True)
        assert answer["text"] == _("Broadcast approval: rejected by you")
        assert broadcast(database, own).status == BroadcastStatus.REJECTED
        [told] = await api.wait_for_bot_messages_async(SUPERVISOR, 1, since=author_mark)
        assert told["text"] == _("Broadcast approval: rejected, to author").format(
            number=format_number(own), name=f"همکار {SUPERVISOR2}"
        )


async def test_the_approval_request_names_the_linked_course(api: LocalBotApi, database: Database) -> None:
    async with running_bot(api, database, BROADCAST_APPROVAL_REQUIRED=True):
        await say(api, STAFF, "/broadcast")
        [screen] = await say(api, STAFF, "ثبت‌نام دوره‌ی دوخت مانتو")
        await press(api, STAFF, screen, text=_("Broadcast button: add course"), edited=True)
        [screen] = await say(api, STAFF, "C-THR-001")
        [audience] = await pressed_new(api, STAFF, screen, text=_("Broadcast button: continue"))
        _preview, summary = await pressed_new(
            api, STAFF, audience, text=_("Broadcast button: continue"), count=2
        )
        [confirm] = await pressed_new(api, STAFF, summary, text=_("Broadcast button: send now"))
        mark = api.mark(SUPERVISOR)
        await pressed_new(
            api, STAFF, confirm, text=_("Broadcast button: confirm").format(count=format_number(5)), count=2
        )
        [_p, request] = await api.wait_for_bot_messages_async(SUPERVISOR, 2, since=mark)
        coat = f"دوخت مانتو (تهران، {jalali_date(IN_20_DAYS)})"
        assert request["text"].endswith(_("Broadcast compose: linked course").format(course=coat))


# --- while it is sent -----------------------------------------------------------------------------------------


@pytest.mark.usefixtures("bot")
async def test_pause_resume_and_cancel_edit_the_progress_message(
    api: LocalBotApi, database: Database
) -> None:
    number, confirm = await compose_quickly(api, STAFF)
    [progress] = await pressed_new(
        api, STAFF, confirm, text=_("Broadcast button: confirm").format(count=format_number(5))
    )

    answer = await press(api, STAFF, progress, text=_("Broadcast button: pause"), edited=True)
    assert answer["text"] == _("Broadcast control: paused")
    assert broadcast(database, number).status == BroadcastStatus.PAUSED
    progress = current(api, STAFF, progress)
    assert status_label(BroadcastStatus.PAUSED) in progress["text"]
    assert labels(progress) == [_("Broadcast button: resume"), _("Broadcast button: cancel")]

    answer = await press(api, STAFF, progress, text=_("Broadcast button: resume"), edited=True)
    assert answer["text"] == _("Broadcast control: resumed")
    assert broadcast(database, number).status == BroadcastStatus.SENDING
    progress = current(api, STAFF, progress)
    assert labels(progress) == [_("Broadcast button: pause"), _("Broadcast button: cancel")]

    # not the author, not a supervisor; a counsellor; and made-up buttons: answered, never obeyed
    listing = (await say(api, STAFF2, "/broadcasts"))[0]
    assert (await forge(api, STAFF2, listing, f"bs:{number}:pause"))["text"] == _(
        "Broadcast control: not yours"
    )
    counsellor_message = (await say(api, COUNSELLOR, "/broadcast"))[0]
    assert (await forge(api, COUNSELLOR, counsellor_message, f"bs:{number}:cancel"))["text"] == _(
        "Staff: not allowed"
    )
    assert (await forge(api, STAFF, progress, "bs:99999999:pause"))["text"] == _("Broadcast control: unknown")
    assert (await forge(api, STAFF, progress, "bs:12:explode"))["text"] == _("Unknown button")
    assert (await forge(api, STAFF, progress, "bc:nonsense"))["text"] == _("Unknown button")
    assert broadcast(database, number).status == BroadcastStatus.SENDING
    assert [e.action for e in audit(database, STAFF2, allowed=False)] == ["broadcast.pause"]
    assert [e.action for e in audit(database, COUNSELLOR, allowed=False)] == [
        "broadcast.start",
        "broadcast.cancel",
    ]

    # cancelling asks once more
    [question] = await pressed_new(api, STAFF, progress, text=_("Broadcast button: cancel"))
    assert question["text"] == _("Broadcast control: confirm cancel").format(number=format_number(number))
    answer = await press(api, STAFF, question, text=_("Broadcast button: no keep"), edited=True)
    assert answer["text"] == _("Broadcast control: kept")
    assert broadcast(database, number).status == BroadcastStatus.SENDING
    [question] = await pressed_new(api, STAFF, progress, text=_("Broadcast button: cancel"))
    answer = await press(api, STAFF, question, text=_("Broadcast button: yes cancel"), edited=True)
    assert answer["text"] == _("Broadcast control: cancelled")
    assert broadcast(database, number).status == BroadcastStatus.CANCELLED
    await until(lambda: status_label(BroadcastStatus.CANCELLED) in current(api, STAFF, progress)["text"])
    assert labels(current(api, STAFF, progress)) == [_("Broadcast button: report")]

    # a stale button: pause on an announcement that is over
    answer = await forge(api, STAFF, current(api, STAFF, progress), f"bs:{number}:pause")
    assert answer["text"] == _("Broadcast control: not possible").format(
        status=status_label(BroadcastStatus.CANCELLED)
    )
    # and the old confirmation screen of the flow: the draft is closed
    answer = await forge(api, STAFF, confirm, compose.data(number, "go"))
    assert answer["text"] == _("Broadcast compose: draft closed")
    assert delivery_chats(database, number) != []  # confirmed once only


@pytest.mark.usefixtures("bot")
async def test_broadcasts_lists_the_latest_with_their_reports(api: LocalBotApi, database: Database) -> None:
    [empty] = await say(api, STAFF, "/broadcasts")
    assert empty["text"] == _("Broadcast list: empty")
    mine = []
    for text in ("اطلاعیه‌ی یک", "اطلاعیه‌ی دو"):
        number, confirm = await compose_quickly(api, STAFF, text)
        await pressed_new(
            api, STAFF, confirm, text=_("Broadcast button: confirm").format(count=format_number(5))
        )
        mine.append(number)
    theirs, confirm = await compose_quickly(api, STAFF2, "اطلاعیه‌ی همکار")
    await pressed_new(
        api, STAFF2, confirm, text=_("Broadcast button: confirm").format(count=format_number(5))
    )

    [listing] = await say(api, STAFF, "/broadcasts")
    assert listing["text"].startswith(_("Broadcast list: title"))
    assert "اطلاعیه‌ی دو" in listing["text"] and "اطلاعیه‌ی همکار" not in listing["text"]
    report_label = _("Broadcast button: report")
    assert labels(listing) == [f"{report_label} {format_number(n)}" for n in reversed(mine)]
    [supervised] = await say(api, SUPERVISOR, "/broadcasts")
    assert labels(supervised) == [f"{report_label} {format_number(n)}" for n in (theirs, *reversed(mine))]

    [shown] = await pressed_new(api, STAFF, listing, f"bs:{mine[0]}:report")
    with database.unit_of_work() as session:
        expected = report_text(report.report(session, broadcast_id=mine[0]))
    assert shown["text"] == expected
    assert (await forge(api, STAFF, listing, f"bs:{theirs}:report"))["text"] == _(
        "Broadcast control: not yours"
    )
    [theirs_shown] = await pressed_new(api, SUPERVISOR, supervised, f"bs:{theirs}:report")
    assert theirs_shown["text"].startswith(
        _("Broadcast report: title").format(
            number=format_number(theirs), status=status_label(BroadcastStatus.SENDING)
        )
    )


# --- delivery, with the sender running in the bot ---------------------------------------------------------------


async def test_clients_receive_the_announcement_once_it_is_confirmed(
    api: LocalBotApi, database: Database
) -> None:
    async with running_bot(api, database, BROADCAST_SENDER_IN_BOT=True):
        await say(api, STAFF, "/broadcast")
        sent = api.send_text(STAFF, ANNOUNCEMENT, parse_mode="HTML")
        [screen] = await api.wait_for_bot_messages_async(STAFF, 1, since=sent)
        number = latest_broadcast_id(api, screen)
        await press(api, STAFF, screen, text=_("Broadcast button: add interest"), edited=True)
        [audience] = await pressed_new(api, STAFF, screen, text=_("Broadcast button: continue"))
        await press(api, STAFF, audience, compose.data(number, "f", "gender"), edited=True)
        await press(api, STAFF, audience, text="زن", edited=True)
        await press(api, STAFF, audience, compose.data(number, "aud"), edited=True)
        _preview, summary = await pressed_new(api, STAFF, audience, compose.data(number, "prev"), count=2)
        [confirm] = await pressed_new(api, STAFF, summary, text=_("Broadcast button: send now"))
        await pressed_new(
            api, STAFF, confirm, text=_("Broadcast button: confirm").format(count=format_number(4))
        )

        receivers = [MATCH_1, 8_200_000_003, 8_200_000_007, MATCH_2]
        for chat in receivers:
            [received] = await api.wait_for_bot_messages_async(chat, 1, timeout=10)
            assert (received["text"], received["entities"]) == (sent["text"], sent["entities"])
            assert buttons(received) == [
                [("علاقه‌مندم", f"an:{number}:0")],
                [(_("Announcement: unsubscribe button"), f"an:{number}:u")],
            ]
        for chat in (8_200_000_002, 8_200_000_004, 8_200_000_005, 8_200_000_006):
            assert api.bot_messages(chat) == []
        await until(lambda: broadcast(database, number).status == BroadcastStatus.DONE, seconds=10)
        # the sender reports to the chat of the progress message when it is over
        title = _("Broadcast report: title").format(
            number=format_number(number), status=status_label(BroadcastStatus.DONE)
        )
        await until(lambda: any(m["text"].startswith(title) for m in api.bot_messages(STAFF) if "text" in m))


@pytest.mark.usefixtures("bot")
async def test_a_staff_member_of_one_province_reaches_only_its_clients(
    api: LocalBotApi, database: Database
) -> None:
    await say(api, TEHRAN_STAFF, "/broadcast")
    [screen] = await say(api, TEHRAN_STAFF, "برای تهرانی‌ها")
    number = latest_broadcast_id(api, screen)
    assert broadcast(database, number).audience == {"province": [TEHRAN]}
    [audience] = await pressed_new(api, TEHRAN_STAFF, screen, compose.data(number, "btn", "next"))
    assert recipients_line(3) in audience["text"] and "استان: تهران" in audience["text"]
    await press(api, TEHRAN_STAFF, audience, compose.data(number, "f", "province"), edited=True)
    options = current(api, TEHRAN_STAFF, audience)
    assert labels(options) == ["✅ تهران", _("Broadcast button: all"), _("Broadcast button: done")]
    # a made-up choice of another province finds nothing to choose
    fars = places().provinces.index(FARS)
    answer = await forge(api, TEHRAN_STAFF, options, compose.data(number, "t", "province", fars))
    assert answer.get("text") is None
    assert broadcast(database, number).audience == {"province": [TEHRAN]}
    await press(api, TEHRAN_STAFF, options, compose.data(number, "t", "province", 0))
    assert broadcast(database, number).audience == {"province": [TEHRAN]}  # their only province stays
    await press(api, TEHRAN_STAFF, options, compose.data(number, "all", "province"))
    assert broadcast(database, number).audience == {"province": [TEHRAN]}  # «همه» is all of theirs
    await press(api, TEHRAN_STAFF, options, compose.data(number, "aud"), edited=True)
    _preview, summary = await pressed_new(api, TEHRAN_STAFF, options, compose.data(number, "prev"), count=2)
    [confirm] = await pressed_new(api, TEHRAN_STAFF, summary, text=_("Broadcast button: send now"))
    await pressed_new(
        api, TEHRAN_STAFF, confirm, text=_("Broadcast button: confirm").format(count=format_number(3))
    )
    assert delivery_chats(database, number) == [MATCH_1, 8_200_000_002, MATCH_2]

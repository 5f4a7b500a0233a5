"""The broadcast sender against the local Bot API and a real database (both backends).

The stand-in answers as Telegram does: 403 for a client who blocked the bot, 400 for a chat that does not
exist, 429 with retry_after when asked to. Network failures and content Telegram refuses are scripted by
a Bot that fails chosen sends before passing the rest on.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from telegram import Bot, Message
from telegram.error import BadRequest, NetworkError

from bot.broadcast import sender as sender_module
from bot.broadcast.gate import SendGate
from bot.broadcast.sender import BroadcastSender
from karyar import clients
from karyar.broadcast import delivery, store
from karyar.broadcast.content import Content
from karyar.clients import TelegramIdentity
from karyar.clock import now
from karyar.db.engine import Database
from karyar.db.models import Broadcast, BroadcastDelivery, BroadcastStatus, Client, DeliveryStatus
from karyar.settings import Settings, load_settings
from localapi import LocalBotApi

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
STAFF_CHAT = 7_700_000_001
FIRST_CLIENT = 7_700_000_100


class ScriptedBot(Bot):
    """A Bot whose sends to some chats fail first: `fail(chat, error, …)` errors are raised in turn."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._failures: dict[int, list[Exception]] = {}

    def fail(self, chat_id: int, *errors: Exception) -> None:
        self._failures[chat_id] = list(errors)

    def _scripted(self, chat_id: int | str) -> None:
        waiting = self._failures.get(int(chat_id))
        if waiting:
            raise waiting.pop(0)

    async def send_message(self, chat_id: int | str, *args: Any, **kwargs: Any) -> Message:  # type: ignore[override]
        self._scripted(chat_id)
        return await super().send_message(chat_id, *args, **kwargs)


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    server = LocalBotApi(TOKEN)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def bot(api: LocalBotApi) -> AsyncIterator[ScriptedBot]:
    assert api.url is not None
    scripted = ScriptedBot(TOKEN, base_url=f"{api.url}/bot", base_file_url=f"{api.url}/file/bot")
    async with scripted:
        yield scripted


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sender_module, "backoff", lambda attempts: 0.05)
    monkeypatch.setattr(sender_module, "IDLE_SECONDS", 0.1)
    monkeypatch.setattr(sender_module, "HOUSEKEEPING_SECONDS", 0.1)


def _settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "BROADCAST_RATE_PER_SECOND": 30,
        "BROADCAST_MAX_ATTEMPTS": 3,
        "BROADCAST_PROGRESS_SECONDS": 1,
        **overrides,
    }
    return load_settings(**values)


def _clients(db: Database, api: LocalBotApi, count: int, *, known: bool = True) -> list[int]:
    chats = [FIRST_CLIENT + n for n in range(count)]
    with db.unit_of_work() as session:
        for chat in chats:
            client = clients.ensure_client(session, identity=TelegramIdentity(user_id=chat))
            client.subscribed = True
    if known:
        for chat in chats:
            api.add_user(chat, "مددجو")
    return chats


def _broadcast(db: Database, content: Content | None = None, **fields: Any) -> int:
    with db.unit_of_work() as session:
        broadcast = store.create(
            session, created_by=None, content=content or Content(text="دوره‌ی خیاطی"), **fields
        )
        store.confirm(session, broadcast_id=broadcast.id, approval_required=False)
        return broadcast.id


def _rows(db: Database, broadcast_id: int) -> dict[int, BroadcastDelivery]:
    with db.unit_of_work() as session:
        rows = session.scalars(
            select(BroadcastDelivery).where(BroadcastDelivery.broadcast_id == broadcast_id)
        )
        return {row.chat_id: row for row in rows}


def _broadcast_row(db: Database, broadcast_id: int) -> Broadcast:
    with db.unit_of_work() as session:
        return session.get_one(Broadcast, broadcast_id)


async def _run_until(
    db: Database, bot: Bot, done: Callable[[], bool], *, settings: Settings | None = None, within: float = 20
) -> None:
    settings = settings or _settings()
    sender = BroadcastSender(
        database=db, bot=bot, settings=settings, gate=SendGate(settings.BROADCAST_RATE_PER_SECOND)
    )
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    try:
        deadline = time.monotonic() + within
        while not done():
            assert not task.done(), "the sender stopped by itself"
            assert time.monotonic() < deadline, "the sender did not get there in time"
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


def _open(db: Database, broadcast_id: int) -> int:
    return sum(
        row.status in (DeliveryStatus.PENDING, DeliveryStatus.SENDING)
        for row in _rows(db, broadcast_id).values()
    )


def _status(db: Database, broadcast_id: int) -> str:
    return _broadcast_row(db, broadcast_id).status


async def test_every_subscriber_gets_the_announcement_once_as_composed(
    db: Database, api: LocalBotApi, bot: Bot
) -> None:
    chats = _clients(db, api, 5)
    api.add_user(STAFF_CHAT, "کارشناس")
    bold = {"type": "bold", "offset": 0, "length": 5}
    content = Content(text="دوره‌ی رایگان خیاطی", entities=(bold,))
    buttons = [
        {"kind": "interest", "title": "علاقه‌مندم"},
        {"kind": "link", "title": "سایت", "url": "https://example.org"},
    ]
    broadcast_id = _broadcast(db, content, buttons=buttons)
    staff_message = await bot.send_message(STAFF_CHAT, "…")
    with db.unit_of_work() as session:
        store.set_progress_message(
            session, broadcast_id=broadcast_id, chat_id=STAFF_CHAT, message_id=staff_message.message_id
        )

    await _run_until(
        db,
        bot,
        lambda: _status(db, broadcast_id) == BroadcastStatus.DONE and len(api.bot_messages(STAFF_CHAT)) == 2,
    )

    for chat in chats:
        (received,) = api.bot_messages(chat)
        assert received["text"] == "دوره‌ی رایگان خیاطی"
        assert received["entities"] == [bold]
        rows = received["reply_markup"]["inline_keyboard"]
        assert [row[0]["text"] for row in rows] == ["علاقه‌مندم", "سایت", "🔕 خبر نفرست"]
        assert rows[0][0]["callback_data"] == f"an:{broadcast_id}:0"
        assert rows[1][0]["url"] == "https://example.org"
        assert rows[2][0]["callback_data"] == f"an:{broadcast_id}:u"
    rows_by_chat = _rows(db, broadcast_id)
    assert {row.status for row in rows_by_chat.values()} == {DeliveryStatus.SENT}
    assert all(row.telegram_message_id and row.sent_at for row in rows_by_chat.values())
    # The progress message now shows the end, and the report went to the author once.
    edited, report = api.bot_messages(STAFF_CHAT)
    assert "۱۰۰٪" in edited["text"] and "۵ از ۵" in edited["text"]
    assert "گزارش اطلاعیه" in report["text"] and "رسیده: ۵" in report["text"]


async def test_blocked_and_missing_chats_are_recorded_and_the_clients_marked(
    db: Database, api: LocalBotApi, bot: Bot
) -> None:
    reachable = _clients(db, api, 3)
    (blocker,) = [reachable.pop()]
    api.block_bot(blocker)
    with db.unit_of_work() as session:
        ghost = clients.ensure_client(session, identity=TelegramIdentity(user_id=7_700_009_999))
        ghost.subscribed = True  # known to us, but Telegram has no such chat
    broadcast_id = _broadcast(db)

    await _run_until(db, bot, lambda: _open(db, broadcast_id) == 0)

    rows = _rows(db, broadcast_id)
    assert rows[blocker].status == DeliveryStatus.BLOCKED
    assert rows[7_700_009_999].status == DeliveryStatus.CHAT_MISSING
    assert (rows[7_700_009_999].last_error or "").lower() == "chat not found"
    assert all(rows[chat].status == DeliveryStatus.SENT for chat in reachable)
    with db.unit_of_work() as session:
        assert clients.find_client(session, telegram_user_id=blocker).blocked_bot  # type: ignore[union-attr]
        assert clients.find_client(session, telegram_user_id=7_700_009_999).chat_missing  # type: ignore[union-attr]
    # Neither is chosen for the next announcement.
    assert set(_rows(db, _broadcast(db))) == set(reachable)


async def test_a_flood_wait_is_obeyed_and_does_not_use_up_an_attempt(
    db: Database, api: LocalBotApi, bot: Bot
) -> None:
    chats = _clients(db, api, 4)
    api.limiter.add_flood_waits([chats[0]], retry_after=1, times=2)
    broadcast_id = _broadcast(db)
    started = time.monotonic()

    await _run_until(db, bot, lambda: _open(db, broadcast_id) == 0)

    row = _rows(db, broadcast_id)[chats[0]]
    assert row.status == DeliveryStatus.SENT
    assert row.attempts == 1  # two flood waits, one real attempt
    assert time.monotonic() - started >= 2.0  # waited out both retry_after seconds
    assert len(api.bot_messages(chats[0])) == 1


async def test_network_errors_are_retried_and_a_message_that_keeps_failing_is_given_up(
    db: Database, api: LocalBotApi, bot: ScriptedBot
) -> None:
    flaky, broken, fine = _clients(db, api, 3)
    bot.fail(flaky, NetworkError("Connection reset by peer"), NetworkError("Timed out"))
    bot.fail(broken, *(NetworkError("Connection reset by peer") for _ in range(5)))
    broadcast_id = _broadcast(db)

    await _run_until(db, bot, lambda: _open(db, broadcast_id) == 0)

    rows = _rows(db, broadcast_id)
    assert (rows[flaky].status, rows[flaky].attempts) == (DeliveryStatus.SENT, 3)
    assert (rows[broken].status, rows[broken].attempts) == (DeliveryStatus.FAILED, 3)
    assert rows[broken].last_error == "Connection reset by peer"
    assert rows[fine].status == DeliveryStatus.SENT
    assert len(api.bot_messages(flaky)) == 1 and api.bot_messages(broken) == []


async def test_content_telegram_refuses_pauses_the_broadcast_with_the_reason(
    db: Database, api: LocalBotApi, bot: ScriptedBot
) -> None:
    chats = _clients(db, api, 3)
    bot.fail(chats[0], BadRequest("Can't parse entities: unsupported start tag"))
    broadcast_id = _broadcast(db)

    await _run_until(db, bot, lambda: _status(db, broadcast_id) == BroadcastStatus.PAUSED)
    await asyncio.sleep(0.3)

    broadcast = _broadcast_row(db, broadcast_id)
    assert broadcast.pause_reason and "Can't parse entities" in broadcast.pause_reason
    assert _rows(db, broadcast_id)[chats[0]].status == DeliveryStatus.FAILED
    with db.unit_of_work() as session:
        assert store.resume(session, broadcast_id=broadcast_id)
    await _run_until(db, bot, lambda: _open(db, broadcast_id) == 0)
    assert [len(api.bot_messages(chat)) for chat in chats] == [0, 1, 1]


async def test_a_photo_is_uploaded_once_and_then_sent_by_its_file_id(
    db: Database, api: LocalBotApi, bot: Bot, tmp_path: Path
) -> None:
    chats = _clients(db, api, 4)
    image = tmp_path / "poster.png"
    image.write_bytes(_png())
    broadcast_id = _broadcast(db, Content(text="پوستر نمایشگاه کار", photo_path=str(image)))

    await _run_until(db, bot, lambda: _open(db, broadcast_id) == 0)

    calls = api.api_calls("sendPhoto")
    uploads = [call for call in calls if not isinstance(call["params"].get("photo"), str)]
    assert len(calls) == 4 and len(uploads) == 1
    file_id = _broadcast_row(db, broadcast_id).content["photo"]
    assert all(call["params"]["photo"] == file_id for call in calls if call not in uploads)
    for chat in chats:
        (received,) = api.bot_messages(chat)
        assert received["caption"] == "پوستر نمایشگاه کار" and received["photo"]


async def test_rows_left_claimed_by_a_crashed_sender_are_sent_after_their_lease(
    db: Database, api: LocalBotApi, bot: Bot
) -> None:
    chats = _clients(db, api, 6)
    broadcast_id = _broadcast(db)
    with db.unit_of_work() as session:
        crashed = delivery.claim(session, broadcast_id=broadcast_id, limit=2, lease_seconds=60)
    assert len(crashed) == 2

    # A new sender leaves the claimed rows alone while their lease runs…
    await _run_until(db, bot, lambda: _open(db, broadcast_id) == 2)
    assert sum(len(api.bot_messages(chat)) for chat in chats) == 4
    # …and sends them once it has run out: nobody is skipped.
    with db.unit_of_work() as session:
        session.execute(update(BroadcastDelivery).values(lease_until=now() - timedelta(seconds=1)))
    await _run_until(db, bot, lambda: _open(db, broadcast_id) == 0)
    assert [len(api.bot_messages(chat)) for chat in chats] == [1] * 6


async def test_pause_stops_sending_resume_finishes_and_cancel_leaves_the_rest(
    db: Database, api: LocalBotApi, bot: Bot
) -> None:
    chats = _clients(db, api, 30)
    broadcast_id = _broadcast(db)
    settings = _settings(BROADCAST_RATE_PER_SECOND=10, BROADCAST_CONCURRENCY=1)

    def some_sent() -> bool:
        return sum(row.status == DeliveryStatus.SENT for row in _rows(db, broadcast_id).values()) >= 5

    await _run_until(db, bot, some_sent, settings=settings)
    with db.unit_of_work() as session:
        assert store.pause(session, broadcast_id=broadcast_id)
    sent_at_pause = sum(len(api.bot_messages(chat)) for chat in chats)
    await _run_until(db, bot, lambda: True, settings=settings)
    await asyncio.sleep(0.5)
    assert sum(len(api.bot_messages(chat)) for chat in chats) == sent_at_pause
    with db.unit_of_work() as session:
        assert store.resume(session, broadcast_id=broadcast_id)
        assert store.cancel(session, broadcast_id=broadcast_id)
    await _run_until(db, bot, lambda: _open(db, broadcast_id) == 0, settings=settings)
    statuses = [row.status for row in _rows(db, broadcast_id).values()]
    assert statuses.count(DeliveryStatus.SENT) == sent_at_pause
    assert statuses.count(DeliveryStatus.CANCELLED) == 30 - sent_at_pause


async def test_a_scheduled_broadcast_waits_for_its_time(db: Database, api: LocalBotApi, bot: Bot) -> None:
    (chat,) = _clients(db, api, 1)
    broadcast_id = _broadcast(db, send_at=now() + timedelta(seconds=1.5))
    assert _status(db, broadcast_id) == BroadcastStatus.SCHEDULED

    await _run_until(db, bot, lambda: True)
    await asyncio.sleep(0.3)
    assert api.bot_messages(chat) == []
    await _run_until(db, bot, lambda: _status(db, broadcast_id) == BroadcastStatus.DONE)
    assert len(api.bot_messages(chat)) == 1


async def test_clients_who_unsubscribe_before_their_turn_are_skipped(
    db: Database, api: LocalBotApi, bot: Bot
) -> None:
    stays, leaves = _clients(db, api, 2)
    broadcast_id = _broadcast(db)
    with db.unit_of_work() as session:
        session.execute(update(Client).where(Client.telegram_user_id == leaves).values(subscribed=False))

    await _run_until(db, bot, lambda: _open(db, broadcast_id) == 0)

    rows = _rows(db, broadcast_id)
    assert rows[stays].status == DeliveryStatus.SENT
    assert rows[leaves].status == DeliveryStatus.SKIPPED
    assert api.bot_messages(leaves) == []


def _png() -> bytes:
    return base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )


async def test_two_senders_on_postgresql_never_send_the_same_row(
    db: Database, api: LocalBotApi, bot: Bot
) -> None:
    if not db.url.startswith("postgresql"):
        pytest.skip("several senders share the work on PostgreSQL only (row locks); SQLite has one writer")
    chats = _clients(db, api, 120)
    broadcast_id = _broadcast(db)
    settings = _settings(BROADCAST_RATE_PER_SECOND=30, BROADCAST_CONCURRENCY=4)
    other_db = Database(db.url)  # a second process's connections
    try:
        senders = [
            BroadcastSender(database=database, bot=bot, settings=settings, gate=SendGate(30))
            for database in (db, other_db)
        ]
        stop = asyncio.Event()
        tasks = [asyncio.create_task(sender.run(stop)) for sender in senders]
        deadline = time.monotonic() + 30
        while _open(db, broadcast_id):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.1)
        stop.set()
        await asyncio.gather(*tasks)
    finally:
        other_db.dispose()
    assert [len(api.bot_messages(chat)) for chat in chats] == [1] * len(chats)
    assert {row.attempts for row in _rows(db, broadcast_id).values()} == {1}

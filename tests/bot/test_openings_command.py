"""`/openings` through python-telegram-bot and the local Bot API, on a migrated SQLite database: staff see
their scope's pending openings, approve one into the catalogue, reject another with the reason typed next."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from telegram.ext import Application

from bot.app import build_application
from bot.services import from_bot_data
from karyar.catalogue.search import JobQuery, search_jobs
from karyar.db.engine import Database
from karyar.db.models import AuditEntry, EmployerOpening
from karyar.identity.cipher import DataCipher
from karyar.settings import load_settings
from karyar.texts import _
from localapi import LocalBotApi
from tests.karyar.employers.conftest import COUNSELLOR, TEHRAN_STAFF, add_reviewers, sewing_opening, workshop
from tests.support.databases import migrated_database_or_skip
from tests.support.stack import DATA_KEY

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    """Three pending openings: two in Tehran (Tehran's staff review them), one in Fars (they do not)."""
    with migrated_database_or_skip("sqlite", tmp_path) as url:
        database = Database(url)
        cipher = DataCipher([DATA_KEY])
        with database.unit_of_work() as session:
            add_reviewers(session)
            tehran = workshop(session, cipher)
            sewing_opening(session, tehran)
            sewing_opening(session, tehran, title="اتوکار", field="خیاطی")
            sewing_opening(session, workshop(session, cipher, province="فارس", city="شیراز"), title="برشکار")
        yield database
        database.dispose()


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    server = LocalBotApi(TOKEN)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def application(
    api: LocalBotApi, database: Database
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """The bot as the factory wires it, so /openings meets the counsellor and client handlers too."""
    assert api.url is not None
    settings = load_settings(
        TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.url, DATABASE_URL=database.url
    )
    app = build_application(settings, database)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
            await from_bot_data(app.bot_data).rasa.close()


async def until(predicate: Callable[[], Any], seconds: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting for the bot")
        await asyncio.sleep(0.02)


async def say(api: LocalBotApi, user: int, text: str, *, count: int = 1) -> list[dict[str, Any]]:
    sent = api.send_text(user, text)
    await api.wait_for_bot_messages_async(user, count, since=sent, timeout=5)
    await asyncio.sleep(0.2)  # time for anything more, which the caller checks
    return api.bot_messages(user, since=sent)


async def press(api: LocalBotApi, user: int, message: dict[str, Any], text: str) -> dict[str, Any]:
    query = api.press_button(user, message["message_id"], text=text)
    await until(lambda: api.callback_answers(query))
    await asyncio.sleep(0.1)
    return api.callback_answers(query)[0]


def current(api: LocalBotApi, user: int, message: dict[str, Any]) -> dict[str, Any]:
    return next(m for m in api.transcript(user) if m["message_id"] == message["message_id"])


def _opening(database: Database, title: str) -> EmployerOpening:
    with database.unit_of_work() as session:
        return session.scalars(select(EmployerOpening).where(EmployerOpening.title == title)).one()


@pytest.mark.usefixtures("application")
async def test_staff_approve_one_opening_and_reject_another_with_the_reason_typed_next(
    api: LocalBotApi, database: Database
) -> None:
    header, first, second = await say(api, TEHRAN_STAFF, "/openings", count=3)
    assert header["text"] == _("Openings: header").format(count="۲")
    assert "چرخ‌کار" in first["text"] and "اتوکار" in second["text"]
    assert "برشکار" not in first["text"] + second["text"]  # Fars is not this colleague's province
    assert [b["text"] for b in first["reply_markup"]["inline_keyboard"][0]] == [
        _("Openings: approve button"),
        _("Openings: reject button"),
    ]

    await press(api, TEHRAN_STAFF, first, _("Openings: approve button"))
    await until(
        lambda: "inline_keyboard" not in str(current(api, TEHRAN_STAFF, first).get("reply_markup") or "")
    )
    assert _("Openings: approved").format(number="۱") in current(api, TEHRAN_STAFF, first)["text"]
    with database.unit_of_work() as session:
        (job,) = search_jobs(session, query=JobQuery(field="خیاطی", province="تهران")).items
        assert job.title == "چرخ‌کار"

    mark = api.mark(TEHRAN_STAFF)
    await press(api, TEHRAN_STAFF, second, _("Openings: reject button"))
    (asked,) = await api.wait_for_bot_messages_async(TEHRAN_STAFF, 1, since=mark, timeout=5)
    assert asked["text"] == _("Openings: ask reason").format(number="۲")
    (done,) = await say(api, TEHRAN_STAFF, "دستمزد کمتر از حداقل قانونی است")
    assert done["text"].startswith(_("Openings: rejected").format(number="۲"))
    rejected = _opening(database, "اتوکار")
    assert (rejected.status, rejected.reject_reason) == ("rejected", "دستمزد کمتر از حداقل قانونی است")

    assert (await say(api, TEHRAN_STAFF, "/openings"))[0]["text"] == _("Openings: none pending")
    with database.unit_of_work() as session:
        decided = session.scalars(
            select(AuditEntry).where(AuditEntry.action.in_(["opening.approve", "opening.reject"]))
        )
        assert [(e.action, e.actor_telegram_user_id, e.allowed) for e in decided] == [
            ("opening.approve", TEHRAN_STAFF, True),
            ("opening.reject", TEHRAN_STAFF, True),
        ]


@pytest.mark.usefixtures("application")
async def test_a_counsellor_is_refused_and_a_cancelled_rejection_leaves_the_opening_pending(
    api: LocalBotApi, database: Database
) -> None:
    (refused,) = await say(api, COUNSELLOR, "/openings")
    assert refused["text"] == _("Staff: not allowed")

    _header, first, _second = await say(api, TEHRAN_STAFF, "/openings", count=3)
    mark = api.mark(TEHRAN_STAFF)
    await press(api, TEHRAN_STAFF, first, _("Openings: reject button"))
    (asked,) = await api.wait_for_bot_messages_async(TEHRAN_STAFF, 1, since=mark, timeout=5)
    await press(api, TEHRAN_STAFF, asked, _("Openings: cancel button"))
    await until(lambda: current(api, TEHRAN_STAFF, asked)["text"] != asked["text"])
    assert _opening(database, "چرخ‌کار").status == "pending"

"""`/staff` through python-telegram-bot and the local Bot API, on a migrated SQLite database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from telegram.ext import Application

from bot.app import build_application
from bot.handlers import admin
from bot.services import from_bot_data
from karyar.db.engine import Database
from karyar.db.models import AuditEntry, Client, StaffMember
from karyar.settings import load_settings
from karyar.staff import registry
from karyar.texts import _
from localapi import LocalBotApi
from tests.support.databases import migrated_database_or_skip

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
ADMIN, COUNSELLOR, STRANGER = 9001, 9002, 9003


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    with migrated_database_or_skip("sqlite", tmp_path) as url:
        database = Database(url)
        with database.unit_of_work() as session:
            registry.add_member(session, telegram_user_id=ADMIN, name="مدیر کاریار", role="admin")
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
    """The bot as the factory wires it, so /staff meets the counsellor and client handlers too."""
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


async def _say(api: LocalBotApi, user: int, text: str) -> str:
    """What the bot answers, after checking it answered with exactly one message."""
    sent = api.send_text(user, text)
    (reply,) = await api.wait_for_bot_messages_async(user, 1, since=sent, timeout=5)
    await asyncio.sleep(0.2)  # time for a second answer, if something else wrongly handled the command
    assert len(api.bot_messages(user, since=sent)) == 1
    return str(reply["text"])


def _refusals(database: Database, actor: int) -> list[AuditEntry]:
    with database.unit_of_work() as session:
        query = select(AuditEntry).where(
            AuditEntry.actor_telegram_user_id == actor, AuditEntry.allowed.is_(False)
        )
        return list(session.scalars(query))


def _member(database: Database, telegram_user_id: int) -> StaffMember | None:
    with database.unit_of_work() as session:
        return registry.find_member(session, telegram_user_id=telegram_user_id)


@pytest.mark.usefixtures("application")
async def test_an_admin_adds_a_counsellor_and_sees_them_in_the_list(
    api: LocalBotApi, database: Database
) -> None:
    reply = await _say(api, ADMIN, f"/staff add {COUNSELLOR} مشاور مریم احمدی org=emdad prov=تهران، البرز")
    assert reply.startswith(_("Staff added").format(name="مریم احمدی"))
    assert "مشاور" in reply and "کمیته امداد" in reply and "تهران، البرز" in reply
    assert _("Staff: office hours") in reply
    member = _member(database, COUNSELLOR)
    assert member is not None
    assert (member.role, member.organisations, member.provinces) == (
        "counsellor",
        ["emdad"],
        ["تهران", "البرز"],
    )

    listing = await _say(api, ADMIN, "/staff")
    assert listing.startswith(_("Staff list header").format(count="۲"))
    assert "مریم احمدی" in listing and str(COUNSELLOR) in listing and "مدیر کاریار" in listing

    with database.unit_of_work() as session:
        added = session.scalars(select(AuditEntry).where(AuditEntry.action == "staff.add")).all()
    assert [(e.actor_telegram_user_id, e.actor_role, e.target) for e in added][-1] == (
        ADMIN,
        "admin",
        f"staff:{COUNSELLOR}",
    )


@pytest.mark.usefixtures("application")
async def test_a_counsellor_and_a_stranger_are_refused_and_the_refusal_is_audited(
    api: LocalBotApi, database: Database
) -> None:
    with database.unit_of_work() as session:
        registry.add_member(session, telegram_user_id=COUNSELLOR, name="رضا", role="counsellor")

    assert await _say(api, COUNSELLOR, "/staff") == _("Staff command refused")
    assert await _say(api, STRANGER, f"/staff add {STRANGER} مدیر خودم") == _("Staff command refused")
    assert await _say(api, STRANGER, "/staff nonsense") == _("Staff command refused")  # not even the syntax

    [counsellor] = _refusals(database, COUNSELLOR)
    assert (counsellor.action, counsellor.actor_role) == ("staff.list", "counsellor")
    assert counsellor.details == {"needs": "manage_staff"}
    assert [(e.action, e.actor_role, e.target) for e in _refusals(database, STRANGER)] == [
        ("staff.add", None, f"staff:{STRANGER}"),
        ("staff.command", None, None),
    ]
    assert _member(database, STRANGER) is None
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Client)) == 0  # no client handler saw it


@pytest.mark.usefixtures("application")
async def test_changes_are_confirmed_and_refused_changes_explained(
    api: LocalBotApi, database: Database
) -> None:
    await _say(api, ADMIN, f"/staff add {COUNSELLOR} counsellor Sara Rahimi")

    reply = await _say(api, ADMIN, f"/staff role {COUNSELLOR} سرپرست")
    assert reply.startswith(_("Staff role changed").format(name="Sara Rahimi")) and "سرپرست" in reply
    reply = await _say(api, ADMIN, f"/staff set {COUNSELLOR} prov=آذربایجان شرقی name=سارا رحیمی org=بهزیستی")
    assert reply.startswith(_("Staff updated").format(name="سارا رحیمی"))
    member = _member(database, COUNSELLOR)
    assert member is not None
    assert (member.name, member.role, member.provinces, member.organisations) == (
        "سارا رحیمی",
        "supervisor",
        ["آذربایجان شرقی"],
        ["behzisti"],
    )

    reply = await _say(api, ADMIN, f"/staff set {COUNSELLOR} hours=شنبه تا چهارشنبه ۸ تا ۱۴")
    assert "ساعت کاری: شنبه تا چهارشنبه ۸ تا ۱۴" in reply
    member = _member(database, COUNSELLOR)
    assert member is not None and member.hours == "sat-wed 08:00-14:00"
    assert await _say(api, ADMIN, f"/staff set {COUNSELLOR} hours=8-14") == _(
        "Staff error: bad hours"
    ).format(value="8-14")

    unknown = await _say(api, ADMIN, f"/staff set {COUNSELLOR} prov=ناکجاآباد")
    assert unknown == _("Staff error: unknown province").format(value="ناکجاآباد")
    assert await _say(api, ADMIN, "/staff remove 9001") == _("Staff error: last admin")
    assert await _say(api, ADMIN, "/staff add 77") == _("Staff usage")

    reply = await _say(api, ADMIN, f"/staff remove {COUNSELLOR}")
    assert reply.startswith(_("Staff removed").format(name="سارا رحیمی")) and _("Staff: inactive") in reply
    assert "سارا" not in await _say(api, ADMIN, "/staff list")
    assert "سارا" in await _say(api, ADMIN, "/staff list all")


def test_the_example_in_the_usage_text_works(database: Database) -> None:
    example = _("Staff usage").splitlines()[-1]
    reply = asyncio.run(admin.answer(database, actor=ADMIN, command=admin.parse_command(example)))
    assert reply.startswith(_("Staff added").format(name="مریم احمدی"))
    member = _member(database, 123456789)
    assert member is not None
    assert (member.role, member.provinces, member.hours) == (
        "counsellor",
        ["تهران", "البرز"],
        "sat-wed 08:00-14:00",
    )


def test_options_run_to_the_next_option_and_ids_may_be_persian_digits() -> None:
    command = admin.parse_command(
        "/staff@karyar_bot add ۹۰۰۲ مشاور مریم احمدی hours=sat-wed 08:00-14:00, thu 08:00-12:00 prov=\u200fتهران"
    )
    assert (command.action, command.telegram_user_id, command.role, command.name) == (
        "add",
        9002,
        "مشاور",
        "مریم احمدی",
    )
    assert command.options == {"hours": "sat-wed 08:00-14:00, thu 08:00-12:00", "prov": "تهران"}
    assert admin.parse_command("/staff set 5 prov= hours=").options == {"prov": "", "hours": ""}
    assert admin.parse_command("/staff").action == "list"
    assert admin.parse_command("/staff list all").include_inactive


@pytest.mark.parametrize(
    "text",
    [
        "/staff add 5 مشاور",  # no name
        "/staff add x مشاور نام",
        "/staff add 5 مشاور نام name=دیگر",
        "/staff set 5",  # nothing to set
        "/staff set 5 org=emdad org=behzisti",
        "/staff remove",
        "/staff role 5",
        "/staff list everyone",
        "/staff promote 5",
    ],
)
def test_commands_off_the_syntax_are_usage_errors(text: str) -> None:
    with pytest.raises(admin.UsageError):
        admin.parse_command(text)

"""/report through the Bot API stand-in: a staff member limited to one province gets the summary, the
three charts as one album and the files behind the buttons; a counsellor is refused; a client's /report is
answered and kept like any unknown command; forged buttons and other provinces are refused; all audited."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from karyar import cases, clients
from karyar.clients import TelegramIdentity
from karyar.db.engine import Database
from karyar.db.models import AuditEntry, CaseEventKind
from karyar.facts import ProfileFactName
from karyar.profile import record_fact
from karyar.reports import figures, periods
from karyar.reports.activity import Activity
from karyar.reports.scope import Scope
from karyar.staff import registry
from localapi import UserDriver
from persian.format import format_number, ltr
from tests.support.chat import button_titles
from tests.support.records import inbound_messages
from tests.support.stack import Stack

pytestmark = pytest.mark.e2e

PROVINCE = "خراسان جنوبی"
WAIT = 60.0
_ids = itertools.count(8_300_000_001)


@pytest.fixture
def colleagues(stack: Stack, stack_db: Database) -> Iterator[dict[str, int]]:
    made = {"staff": next(_ids), "counsellor": next(_ids)}
    for role, telegram_id in made.items():
        stack.api.add_user(telegram_id, "همکار")
        with stack_db.unit_of_work() as session:
            registry.add_member(
                session, telegram_user_id=telegram_id, name="همکار", role=role, provinces=[PROVINCE]
            )
    yield made
    with stack_db.unit_of_work() as session:
        for telegram_id in made.values():
            registry.deactivate_member(session, telegram_user_id=telegram_id)


def _clients_in_the_province(db: Database) -> None:
    """Three clients of the province this month (straight into the database), one of them placed."""
    with db.unit_of_work() as session:
        for n, gender in enumerate(("female", "female", "male")):
            client = clients.ensure_client(session, identity=TelegramIdentity(user_id=next(_ids)))
            clients.record_consent(session, client_id=client.id)
            for name, value in ((ProfileFactName.PROVINCE, PROVINCE), (ProfileFactName.GENDER, gender)):
                record_fact(session, client_id=client.id, name=name, value=value, source="test")
            if n == 0:
                case = cases.open_case(session, client_id=client.id)
                cases.record_event(session, case=case, kind=CaseEventKind.PLACEMENT, data={})


def _download(stack: Stack, file_id: str) -> bytes:
    api = stack.api
    found = httpx.get(f"{api.bot_url}{api.token}/getFile", params={"file_id": file_id}).json()["result"]
    return httpx.get(f"{api.file_url}{api.token}/{found['file_path']}").content


def _report_messages(api: UserDriver, chat_id: int, mark: int) -> list[dict[str, Any]]:
    """The summary (one or more texts) and the three photos of the album."""
    messages = api.wait_for_bot_messages(chat_id, 4, since=mark, timeout=WAIT)
    while sum(1 for m in messages if "photo" in m) < 3:
        messages = api.wait_for_bot_messages(chat_id, len(messages) + 1, since=mark, timeout=WAIT)
    return messages


def test_staff_get_the_summary_charts_and_files_of_their_province(
    stack: Stack, stack_db: Database, colleagues: dict[str, int]
) -> None:
    api, staff = stack.api, colleagues["staff"]
    _clients_in_the_province(stack_db)
    mark = api.mark(staff)
    api.send_text(staff, "/report")
    messages = _report_messages(api, staff, mark)
    with stack_db.unit_of_work() as session:
        expected = figures.build(session, period=periods.parse(""), scope=Scope(provinces=(PROVINCE,)))
    texts = [m["text"] for m in messages if "text" in m]
    summary = "\n".join(texts)
    assert summary.startswith(f"📊 گزارش کاریار — {periods.parse('').label}")
    assert f"همه‌ی نهادها؛ {PROVINCE}" in summary  # the registry's province, without asking for it
    new_clients = expected.figures[Activity.NEW_CLIENTS].total
    assert new_clients >= 3
    assert f"• مددجویان تازه: {format_number(new_clients)}" in summary
    assert "جنسیت: زن" in summary

    photos = [m for m in messages if "photo" in m]
    assert len({m["media_group_id"] for m in photos}) == 1
    assert [m["caption"] for m in photos] == ["قیف مددجویان", "روند هفتگی", "استان‌ها"]
    for photo in photos:
        image = Image.open(io.BytesIO(_download(stack, photo["photo"][-1]["file_id"])))
        assert image.format == "PNG" and image.size == (1080, 810)

    with_buttons = next(m for m in messages if "reply_markup" in m)
    assert button_titles(with_buttons) == ["📥 ارقام (CSV)", "📥 ردیف‌های بی‌نام (CSV)", "📥 فایل اکسل"]
    mark = api.mark(staff)
    api.press_button(staff, with_buttons["message_id"], text="📥 فایل اکسل")
    document = api.wait_for_bot_messages(staff, 1, since=mark, timeout=WAIT)[0]
    assert document["document"]["file_name"] == "report.xlsx"
    workbook = load_workbook(io.BytesIO(_download(stack, document["document"]["file_id"])))
    first_figure = next(workbook["ارقام"].iter_rows(min_row=3, max_row=3, values_only=True))
    assert first_figure[1:] == ("مددجویان تازه", "کل", None, new_clients)

    with stack_db.unit_of_work() as session:
        audited = session.scalars(
            select(AuditEntry).where(
                AuditEntry.actor_telegram_user_id == staff, AuditEntry.action == "report.run"
            )
        ).all()
    assert [entry.allowed for entry in audited] == [True, True]  # the report and the file


def test_other_provinces_forged_buttons_and_counsellors_are_refused(
    stack: Stack, stack_db: Database, colleagues: dict[str, int]
) -> None:
    api, staff, counsellor = stack.api, colleagues["staff"], colleagues["counsellor"]
    mark = api.mark(staff)
    api.send_text(staff, "/report ماه قبل تهران")
    refusal = api.wait_for_bot_messages(staff, 1, since=mark, timeout=WAIT)[0]
    assert refusal["text"] == "گزارش استان تهران در دسترس شما نیست؛ گزارش استان خودتان را بخواهید."

    mark = api.mark(staff)
    api.send_text(staff, "/report ۱۴۰۵/۱۳")
    assert "ماه ۱۳ نداریم" in api.wait_for_bot_messages(staff, 1, since=mark, timeout=WAIT)[0]["text"]

    query = api.forge_press(staff, refusal["message_id"], "rp:xlsx:1:2:9:")
    assert (
        api.wait_for_callback_answer(query, timeout=WAIT)["text"]
        == f"این دکمه دیگر معتبر نیست؛ لطفاً دوباره {ltr('/report')} بفرستید."
    )

    mark = api.mark(counsellor)
    api.send_text(counsellor, "/report")
    answer = api.wait_for_bot_messages(counsellor, 1, since=mark, timeout=WAIT)[0]
    assert answer["text"].startswith("گزارش‌ها فقط برای کارشناسان و سرپرستان است")
    with stack_db.unit_of_work() as session:
        refused = session.scalar(
            select(AuditEntry).where(
                AuditEntry.actor_telegram_user_id == counsellor, AuditEntry.allowed.is_(False)
            )
        )
    assert refused is not None and refused.action == "report.run" and refused.actor_role == "counsellor"


def test_a_clients_report_command_is_answered_and_kept(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    api = stack.api
    api.add_user(user_id, "مریم")
    mark = api.mark(user_id)
    api.send_text(user_id, "/report")
    assert api.wait_for_bot_messages(user_id, 1, since=mark, timeout=WAIT)[0]["text"]
    assert [message.text for message in inbound_messages(stack_db, user_id)] == ["/report"]

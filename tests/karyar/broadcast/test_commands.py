"""`karyar broadcast …` on both backends: counting, creating (and confirming), listing, reports, approval,
pause/resume/cancel, one-line refusals; and the Jalali times staff type, shared with the Telegram flow."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from karyar.broadcast import store
from karyar.db.engine import Database
from karyar.db.models import AuditEntry, Broadcast, StaffRole
from karyar.settings import get_settings
from ops import cli
from persian.format import parse_jalali_datetime
from tests.karyar.broadcast.conftest import (
    ALBORZ,
    BEHZISTI,
    EMDAD,
    FARS,
    TEHRAN,
    add_client,
    add_member,
    deliveries,
)
from tests.karyar.catalogue.factories import course

STAFF = 5_300_000_001
SUPERVISOR = 5_300_000_002
OTHER_SUPERVISOR = 5_300_000_003
FUTURE = "1410/01/15 09:30"  # 2031-04-04 09:30 in Tehran (+03:30)
FUTURE_UTC = datetime(2031, 4, 4, 6, 0, tzinfo=UTC)


@pytest.fixture
def cli_db(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """The CLI reads DATABASE_URL from the environment; its settings are cached, so cleared around the test."""
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.delenv("BROADCAST_APPROVAL_REQUIRED", raising=False)
    get_settings.cache_clear()
    yield db
    get_settings.cache_clear()


@pytest.fixture
def people(cli_db: Database) -> Database:
    """Five subscribers in three provinces, one unsubscribed and one who blocked the bot."""
    with cli_db.unit_of_work() as session:
        add_client(session, 8_100_000_001, organisation=EMDAD, province=TEHRAN, gender="female", age=25)
        add_client(session, 8_100_000_002, organisation=EMDAD, province=TEHRAN, gender="male", age=40)
        add_client(session, 8_100_000_003, organisation=BEHZISTI, province=ALBORZ, gender="female", age=30)
        add_client(session, 8_100_000_004, organisation=EMDAD, province=FARS, gender="female", age=19)
        add_client(session, 8_100_000_005, province=TEHRAN, gender="female", subscribed=False)
        add_client(session, 8_100_000_006, province=TEHRAN, gender="female", blocked=True)
        session.add(course("C-THR-001", province=TEHRAN, city=TEHRAN))
        session.add(course("C-OLD-001", active=False))
    return cli_db


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert cli.main(["broadcast", *args]) == 0
    return capsys.readouterr().out


def _refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as exited:
        cli.main(["broadcast", *args])
    assert exited.value.code == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err, captured.err
    return lines[0]


def _broadcast(db: Database, number: int) -> Broadcast:
    with db.unit_of_work() as session:
        found = store.get(session, number)
        assert found is not None
        return found


def _number(output: str) -> int:
    return int(output.split()[1].rstrip(":"))


# --- count and create --------------------------------------------------------------------------------------


def test_count_reaches_only_subscribed_reachable_clients_of_the_audience(
    people: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "count").strip() == "4"
    assert _run(capsys, "count", "--audience", json.dumps({"province": [TEHRAN]})).strip() == "2"
    audience = {"gender": ["female"], "age": [18, 26]}
    assert _run(capsys, "count", "--audience", json.dumps(audience)).strip() == "2"


def test_create_confirms_at_once_with_buttons_and_a_jalali_time(
    people: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _run(
        capsys,
        "create",
        "--text",
        "ثبت‌نام دوره خیاطی آغاز شد",
        "--button",
        json.dumps({"kind": "course", "course": "C-THR-001"}),
        "--button",
        json.dumps({"kind": "interest"}),
        "--button",
        json.dumps({"kind": "link", "title": "سایت", "url": "https://emdad.ir"}),
        "--audience",
        json.dumps({"province": [TEHRAN, FARS], "gender": ["female"]}),
        "--at",
        "۱۴۱۰/۰۱/۱۵ ۰۹:۳۰",
    )
    number = _number(out)
    assert out.strip() == f"broadcast {number}: scheduled, 2 recipients, at 1410/01/15 09:30 Iran time"
    broadcast = _broadcast(people, number)
    assert broadcast.send_at == FUTURE_UTC and broadcast.created_by is None
    assert [b["kind"] for b in broadcast.buttons] == ["course", "interest", "link"]
    assert broadcast.buttons[0]["title"] == "ثبت‌نام / علاقه‌مندم" and "course_id" in broadcast.buttons[0]
    assert broadcast.buttons[1]["title"] == "علاقه‌مندم"
    with people.unit_of_work() as session:
        chats = sorted(row.chat_id for row in deliveries(session, number))
        audit = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert chats == [8_100_000_001, 8_100_000_004]
    assert [(e.action, e.target, (e.details or {}).get("via")) for e in audit] == [
        ("broadcast.create", f"broadcast:{number}", "cli"),
        ("broadcast.confirm", f"broadcast:{number}", "cli"),
    ]
    assert "خیاطی" not in str([e.details for e in audit])  # the text stays out of the audit log


def test_create_from_a_file_with_a_photo_as_a_draft(
    people: Database, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = tmp_path / "announcement.txt"
    text.write_text("نمایشگاه کار تهران\nپنجشنبه ساعت ۹\n", encoding="utf-8")
    photo = tmp_path / "poster.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    out = _run(capsys, "create", "--text-file", str(text), "--photo", str(photo), "--draft")
    number = _number(out)
    assert out.strip() == f"broadcast {number}: draft, 0 recipients"
    broadcast = _broadcast(people, number)
    assert broadcast.content == {
        "text": "نمایشگاه کار تهران\nپنجشنبه ساعت ۹",
        "entities": [],
        "photo_path": str(photo.resolve()),
    }
    with people.unit_of_work() as session:
        assert deliveries(session, number) == []


def test_an_author_keeps_the_audience_within_their_scope(
    people: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    with people.unit_of_work() as session:
        author = add_member(session, STAFF, organisations=(EMDAD,), provinces=(TEHRAN,))
        author_id = author.id
    number = _number(_run(capsys, "create", "--text", "خبر", "--author", str(STAFF)))
    broadcast = _broadcast(people, number)
    assert broadcast.created_by == author_id and broadcast.recipients == 2
    assert broadcast.audience == {"organisation": [EMDAD], "province": [TEHRAN]}
    assert _refused(
        capsys,
        "create",
        "--text",
        "خبر",
        "--author",
        str(STAFF),
        "--audience",
        json.dumps({"province": [FARS]}),
    ).startswith("error: province ['فارس'] is outside the sender's provinces")


def test_approval_by_another_supervisor_when_the_setting_requires_it(
    people: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BROADCAST_APPROVAL_REQUIRED", "true")
    get_settings.cache_clear()
    with people.unit_of_work() as session:
        add_member(session, STAFF)
        add_member(session, SUPERVISOR, role=StaffRole.SUPERVISOR)
        add_member(session, OTHER_SUPERVISOR, role=StaffRole.SUPERVISOR)
    out = _run(capsys, "create", "--text", "خبر", "--author", str(SUPERVISOR))
    number = _number(out)
    assert out.strip() == f"broadcast {number}: awaiting_approval, 4 recipients"

    assert _refused(capsys, "approve", str(number), "--by", str(STAFF)) == (
        f"error: {STAFF} is not an active supervisor who may approve announcements"
    )
    assert _refused(capsys, "approve", str(number), "--by", str(SUPERVISOR)) == (
        "error: an announcement must be approved by someone other than its author"
    )
    assert _run(capsys, "approve", str(number), "--by", str(OTHER_SUPERVISOR)).strip() == (
        f"broadcast {number}: sending"
    )
    assert _refused(capsys, "approve", str(number), "--by", str(OTHER_SUPERVISOR)) == (
        f"error: broadcast {number} is not waiting for approval"
    )
    assert _broadcast(people, number).approved_by is not None


# --- list, show and the controls ----------------------------------------------------------------------------


def test_list_show_pause_resume_and_cancel(people: Database, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "list").strip() == "no broadcasts"
    first = _number(
        _run(capsys, "create", "--text", "اطلاعیه اول", "--audience", json.dumps({"province": [TEHRAN]}))
    )
    second = _number(_run(capsys, "create", "--text", "اطلاعیه دوم", "--at", FUTURE))

    lines = _run(capsys, "list").splitlines()
    assert lines[0].split()[:4] == ["ID", "STATUS", "RECIPIENTS", "SENT"]
    assert lines[1].split()[:4] == [str(second), "scheduled", "4", "0"] and "1410/01/15 09:30" in lines[1]
    assert lines[2].split()[:4] == [str(first), "sending", "2", "0"] and lines[2].endswith("اطلاعیه اول")

    shown = _run(capsys, "show", str(first)).splitlines()
    assert shown[0] == f"broadcast {first}: sending"
    assert "recipients: 2" in shown and "delivered: 0" in shown and "still to send: 2" in shown
    assert f"audience: {json.dumps({'province': [TEHRAN]}, ensure_ascii=False)}" in shown

    assert _run(capsys, "pause", str(first)).strip() == f"broadcast {first}: paused"
    assert _refused(capsys, "pause", str(first)) == f"error: broadcast {first} is paused; it cannot be paused"
    assert _run(capsys, "resume", str(first)).strip() == f"broadcast {first}: sending"
    assert (
        _refused(capsys, "resume", str(first)) == f"error: broadcast {first} is sending; it cannot be resumed"
    )
    assert _run(capsys, "pause", str(second)).strip() == f"broadcast {second}: paused"
    assert _run(capsys, "resume", str(second)).strip() == f"broadcast {second}: scheduled"
    assert _run(capsys, "cancel", str(first)).strip() == f"broadcast {first}: cancelled"
    assert _refused(capsys, "cancel", str(first)) == (
        f"error: broadcast {first} is cancelled; it cannot be cancelled"
    )
    assert _broadcast(people, first).finished_at is not None
    assert "not sent (cancelled, unsubscribed): 2" in _run(capsys, "show", str(first)).splitlines()


# --- refusals ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["show", "999"], "error: there is no broadcast 999"),
        (["pause", "999"], "error: there is no broadcast 999"),
        (
            ["approve", "999", "--by", "1"],
            "error: 1 is not an active supervisor who may approve announcements",
        ),
        (["count", "--audience", "{province"], "error: --audience is not valid JSON"),
        (["count", "--audience", '["تهران"]'], "error: --audience must be a JSON object"),
        (["count", "--audience", '{"colour": ["blue"]}'], "error: unknown audience filter 'colour'"),
        (["count", "--audience", '{"age": [40, 20]}'], "error: the youngest age 40 is above the oldest 20"),
        (
            ["create", "--text", "خبر", "--at", "1400/01/01 10:00"],
            "error: 1400/01/01 10:00 (Iran time) is in the past",
        ),
        (
            ["create", "--text", "خبر", "--at", "1404/12/30 10:00"],
            "error: 1404/12/30 10:00 is not a valid date",
        ),
        (["create", "--text", "خبر", "--at", "فردا"], "error: 'فردا' is not a Jalali date and time"),
        (["create", "--text", "   "], "error: an announcement needs a text or a photo"),
        (["create", "--text", "خ" * 4097], "error: a text may have at most 4096 characters"),
        (
            ["create", "--text", "خبر", "--photo", "/nonexistent/poster.jpg"],
            "error: the photo /nonexistent/poster.jpg does not exist",
        ),
        (
            ["create", "--text", "خبر", "--button", '{"kind": "course", "course": "X-1"}'],
            "error: there is no course with the code 'X-1'",
        ),
        (
            ["create", "--text", "خبر", "--button", '{"kind": "course", "course": "C-OLD-001"}'],
            "error: the course 'C-OLD-001' is no longer offered",
        ),
        (
            ["create", "--text", "خبر", "--button", '{"kind": "link", "title": "x", "url": "ftp://a"}'],
            "error: button 1: 'ftp://a' is not an http(s) or tg:// link",
        ),
        (["create", "--text", "خبر", "--button", '{"kind": "poll"}'], "error: button 1: kind must be one of"),
        (
            ["create", "--text", "خبر", "--author", "42"],
            "error: 42 is not an active staff member who may send announcements",
        ),
    ],
)
def test_refusals_are_one_line_and_change_nothing(
    people: Database, capsys: pytest.CaptureFixture[str], args: list[str], error: str
) -> None:
    assert _refused(capsys, *args).startswith(error)
    with people.unit_of_work() as session:
        assert session.scalars(select(Broadcast)).all() == []


def test_six_buttons_are_refused(people: Database, capsys: pytest.CaptureFixture[str]) -> None:
    buttons = [arg for _ in range(6) for arg in ("--button", '{"kind": "interest"}')]
    assert _refused(capsys, "create", "--text", "خبر", *buttons) == "error: at most 5 buttons, got 6"


def test_on_an_unmigrated_database_it_says_to_migrate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    get_settings.cache_clear()
    try:
        assert cli.main(["broadcast", "list"]) == 1
    finally:
        get_settings.cache_clear()
    error = capsys.readouterr().err
    assert "no such table: broadcasts" in error and "make migrate" in error


# --- Jalali times ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("۱۴۰۵/۰۹/۱۰ ۱۴:۳۰", datetime(2026, 12, 1, 11, 0, tzinfo=UTC)),  # Persian digits
        ("1405/09/10 14:30", datetime(2026, 12, 1, 11, 0, tzinfo=UTC)),
        ("١٤٠٥/٩/١٠ ١٤:٣٠", datetime(2026, 12, 1, 11, 0, tzinfo=UTC)),  # Arabic digits, no leading zeros
        ("1405-09-10 ساعت 14:30", datetime(2026, 12, 1, 11, 0, tzinfo=UTC)),
        ("\u200f۱۴۰۵/۰۹/۱۰\u200f  ۱۴:۳۰ ", datetime(2026, 12, 1, 11, 0, tzinfo=UTC)),  # direction marks
        ("1403/12/30 08:00", datetime(2025, 3, 20, 4, 30, tzinfo=UTC)),  # 1403 is a leap year
        ("1404/01/01 00:00", datetime(2025, 3, 20, 20, 30, tzinfo=UTC)),  # Nowruz, the next day
        ("1405/01/01 00:00", datetime(2026, 3, 20, 20, 30, tzinfo=UTC)),
    ],
)
def test_jalali_times_are_read_as_iran_time(text: str, moment: datetime) -> None:
    assert parse_jalali_datetime(text) == moment
    assert parse_jalali_datetime(text).tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("1404/12/30 08:00", "day is out of range"),  # 1404 is not a leap year
        ("1405/13/01 10:00", "month must be in 1..12"),
        ("1405/07/31 10:00", "day is out of range"),  # the second half of the year has 30 days a month
        ("1405/01/01 24:00", "hour must be in 0..23"),
        ("1405/01/01 10:60", "minute must be in 0..59"),
        ("1405/01/01", "is not a Jalali date and time"),  # the time is required
        ("10:00 1405/01/01", "is not a Jalali date and time"),
        ("2026/12/01 10:00", "is not a plausible Jalali year"),
        ("", "is not a Jalali date and time"),
    ],
)
def test_impossible_jalali_times_are_refused(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_jalali_datetime(text)


def test_a_time_in_the_past_is_refused_by_its_user_not_the_parser(
    people: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    yesterday = datetime.now(UTC) - timedelta(days=1)
    assert parse_jalali_datetime("1400/01/01 10:00") < yesterday
    assert _refused(capsys, "create", "--text", "خبر", "--at", "۱۴۰۰/۰۱/۰۱ ۱۰:۰۰").endswith("is in the past")
    assert _broadcast_count(people) == 0


def _broadcast_count(db: Database) -> int:
    with db.unit_of_work() as session:
        return len(session.scalars(select(Broadcast)).all())

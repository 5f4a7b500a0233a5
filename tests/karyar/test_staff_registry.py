"""The staff registry on both backends: validation, audited changes, the last admin, and the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from karyar.db.engine import Database
from karyar.db.models import AuditEntry, StaffMember, StaffRole
from karyar.office_hours import PersonalHours
from karyar.settings import get_settings
from karyar.staff import registry
from karyar.staff.registry import Problem, StaffError
from ops import cli

ADMIN = 5_000_000_001
COUNSELLOR = 5_000_000_002
HOURS = "sat-wed 08:00-14:00, thu 08:00-12:00"


def _audit(db: Database) -> list[AuditEntry]:
    with db.unit_of_work() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _member(db: Database, telegram_user_id: int) -> StaffMember:
    with db.unit_of_work() as session:
        member = registry.find_member(session, telegram_user_id=telegram_user_id)
        assert member is not None
        return member


def _add_admin(db: Database, telegram_user_id: int = ADMIN) -> None:
    with db.unit_of_work() as session:
        registry.add_member(session, telegram_user_id=telegram_user_id, name="مدیر سامانه", role="admin")


def test_adding_stores_canonical_values_and_audits_without_the_name(db: Database) -> None:
    _add_admin(db)
    with db.unit_of_work() as session:
        registry.add_member(
            session,
            telegram_user_id=COUNSELLOR,
            name="  مریم   احمدی ",
            role="مشاور",
            organisations=["بهزیستی", "emdad", "behzisti"],
            provinces=["تهران", "آذربايجان شرقي", "كرمان"],  # Arabic yeh and kaf
            hours=HOURS,
            actor_telegram_user_id=ADMIN,
        )
    member = _member(db, COUNSELLOR)
    assert (member.name, member.role, member.active) == ("مریم احمدی", StaffRole.COUNSELLOR, True)
    assert member.organisations == ["behzisti", "emdad"]
    assert member.provinces == ["تهران", "آذربایجان شرقی", "کرمان"]
    assert member.hours == str(PersonalHours.parse(HOURS))
    assert str(PersonalHours.parse(member.hours)) == member.hours

    entry = _audit(db)[-1]
    assert (entry.action, entry.actor_telegram_user_id, entry.actor_role) == ("staff.add", ADMIN, "admin")
    assert entry.target == f"staff:{COUNSELLOR}" and entry.allowed
    assert entry.details is not None and entry.details["via"] == "telegram"
    assert entry.details["changes"]["role"] == {"from": None, "to": "counsellor"}
    assert entry.details["changes"]["provinces"]["to"] == ["تهران", "آذربایجان شرقی", "کرمان"]
    assert "مریم" not in str(entry.details)


def test_adding_an_active_member_again_is_refused(db: Database) -> None:
    _add_admin(db)
    with pytest.raises(StaffError) as refused, db.unit_of_work() as session:
        registry.add_member(session, telegram_user_id=ADMIN, name="دوباره", role="counsellor")
    assert refused.value.problem is Problem.ALREADY_ACTIVE
    assert "already an active staff member" in str(refused.value)
    assert _member(db, ADMIN).role == StaffRole.ADMIN


def test_deactivating_keeps_the_row_and_adding_again_reactivates(db: Database) -> None:
    _add_admin(db)
    with db.unit_of_work() as session:
        registry.add_member(
            session, telegram_user_id=COUNSELLOR, name="رضا", role="counsellor", provinces=["قم"]
        )
        registry.deactivate_member(session, telegram_user_id=COUNSELLOR, actor_telegram_user_id=ADMIN)
    with db.unit_of_work() as session:
        assert [m.telegram_user_id for m in registry.list_members(session)] == [ADMIN]
        everyone = registry.list_members(session, include_inactive=True)
        assert [(m.telegram_user_id, m.active) for m in everyone] == [(ADMIN, True), (COUNSELLOR, False)]
    with pytest.raises(StaffError) as refused, db.unit_of_work() as session:
        registry.deactivate_member(session, telegram_user_id=COUNSELLOR)
    assert refused.value.problem is Problem.NOT_FOUND

    with db.unit_of_work() as session:
        registry.add_member(session, telegram_user_id=COUNSELLOR, name="رضا کریمی", role="supervisor")
    member = _member(db, COUNSELLOR)
    assert (member.active, member.role, member.provinces, member.name) == (
        True,
        "supervisor",
        [],
        "رضا کریمی",
    )

    actions = [(e.action, e.actor_telegram_user_id, (e.details or {}).get("via")) for e in _audit(db)]
    assert actions[-3:] == [
        ("staff.add", None, "cli"),
        ("staff.deactivate", ADMIN, "telegram"),
        ("staff.add", None, "cli"),
    ]
    details = _audit(db)[-1].details or {}
    assert details["reactivated"] is True
    assert details["changes"]["active"] == {"from": False, "to": True}


def test_updating_changes_only_the_fields_given(db: Database) -> None:
    _add_admin(db)
    with db.unit_of_work() as session:
        registry.add_member(
            session,
            telegram_user_id=COUNSELLOR,
            name="سارا",
            role="counsellor",
            organisations=["emdad"],
            hours=HOURS,
        )
    with db.unit_of_work() as session:
        registry.update_member(
            session, telegram_user_id=COUNSELLOR, provinces=["اصفهان"], actor_telegram_user_id=ADMIN
        )
    member = _member(db, COUNSELLOR)
    assert (member.organisations, member.provinces, member.hours) == (
        ["emdad"],
        ["اصفهان"],
        str(PersonalHours.parse(HOURS)),
    )

    with db.unit_of_work() as session:
        registry.update_member(
            session, telegram_user_id=COUNSELLOR, name="سارا رحیمی", hours=None, organisations=[]
        )
    member = _member(db, COUNSELLOR)
    assert (member.name, member.organisations, member.provinces, member.hours) == (
        "سارا رحیمی",
        [],
        ["اصفهان"],
        None,
    )

    first, second = (e.details or {} for e in _audit(db)[-2:])
    assert first["changes"] == {"provinces": {"from": [], "to": ["اصفهان"]}}
    assert set(second["changes"]) == {"organisations", "hours"} and second["renamed"] is True
    assert "سارا" not in str(second)


def test_an_update_that_changes_nothing_is_not_audited(db: Database) -> None:
    _add_admin(db)
    before = len(_audit(db))
    with db.unit_of_work() as session:
        registry.update_member(session, telegram_user_id=ADMIN, role="مدیر")
    assert len(_audit(db)) == before


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"role": "boss"}, Problem.UNKNOWN_ROLE),
        ({"organisations": ["red crescent"]}, Problem.UNKNOWN_ORGANISATION),
        ({"provinces": ["تهرانستان"]}, Problem.UNKNOWN_PROVINCE),
        ({"hours": "whenever"}, Problem.BAD_HOURS),
        ({"name": "   "}, Problem.BAD_NAME),
        ({"name": "ن" * 129}, Problem.BAD_NAME),
        ({"telegram_user_id": -5}, Problem.BAD_TELEGRAM_ID),
    ],
)
def test_invalid_values_are_refused_and_nothing_is_written(
    db: Database, values: dict[str, object], problem: Problem
) -> None:
    fields: dict[str, object] = {
        "telegram_user_id": COUNSELLOR,
        "name": "نرگس",
        "role": "counsellor",
        **values,
    }
    with pytest.raises(StaffError) as refused, db.unit_of_work() as session:
        registry.add_member(session, **fields)  # type: ignore[arg-type]
    assert refused.value.problem is problem
    with db.unit_of_work() as session:
        assert registry.list_members(session, include_inactive=True) == []
    assert _audit(db) == []


def test_invalid_hours_explain_themselves(db: Database) -> None:
    with pytest.raises(StaffError) as refused, db.unit_of_work() as session:
        registry.add_member(
            session, telegram_user_id=COUNSELLOR, name="نرگس", role="counsellor", hours="25:00-26:00"
        )
    assert str(refused.value).startswith("cannot read the hours '25:00-26:00': ")
    assert refused.value.value == "25:00-26:00"


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(db: Database) -> None:
    _add_admin(db)
    for change in (
        lambda session: registry.deactivate_member(
            session, telegram_user_id=ADMIN, actor_telegram_user_id=ADMIN
        ),
        lambda session: registry.update_member(
            session, telegram_user_id=ADMIN, role="counsellor", actor_telegram_user_id=ADMIN
        ),
    ):
        with pytest.raises(StaffError) as refused, db.unit_of_work() as session:
            change(session)
        assert refused.value.problem is Problem.LAST_ADMIN
        assert "last active admin" in str(refused.value)
    assert _member(db, ADMIN).role == StaffRole.ADMIN and _member(db, ADMIN).active

    second = ADMIN + 10
    _add_admin(db, second)
    with db.unit_of_work() as session:
        registry.update_member(
            session, telegram_user_id=ADMIN, role="supervisor", actor_telegram_user_id=ADMIN
        )
    entry = _audit(db)[-1]
    # The role the actor had when acting, not the one they gave themselves.
    assert (entry.action, entry.actor_role) == ("staff.update", "admin")
    assert entry.details == {"via": "telegram", "changes": {"role": {"from": "admin", "to": "supervisor"}}}
    with pytest.raises(StaffError), db.unit_of_work() as session:
        registry.deactivate_member(session, telegram_user_id=second)


@pytest.fixture
def cli_database(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """The CLI reads DATABASE_URL from the environment; its settings are cached, so cleared around the test."""
    monkeypatch.setenv("DATABASE_URL", db.url)
    get_settings.cache_clear()
    yield db
    get_settings.cache_clear()


def test_cli_manages_the_registry_and_audits_as_cli(
    cli_database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    add = ["staff", "add", "--telegram-id", str(COUNSELLOR), "--name", "مریم احمدی", "--role", "counsellor"]
    assert cli.main([*add, "--organisation", "emdad", "--province", "تهران", "--province", "البرز"]) == 0
    assert "added: telegram id: 5000000002" in capsys.readouterr().out
    assert (
        cli.main(
            ["staff", "update", "--telegram-id", str(COUNSELLOR), "--role", "supervisor", "--hours", HOURS]
        )
        == 0
    )
    assert cli.main(["staff", "update", "--telegram-id", str(COUNSELLOR), "--all-provinces"]) == 0
    capsys.readouterr()

    assert cli.main(["staff", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "TELEGRAM",
        "ID",
        "NAME",
        "ROLE",
        "ORGANISATIONS",
        "PROVINCES",
        "HOURS",
        "ACTIVE",
    ]
    assert lines[1].startswith("5000000002") and "مریم احمدی" in lines[1] and "supervisor" in lines[1]
    assert " emdad " in lines[1] and " all " in lines[1] and lines[1].endswith("yes")

    assert cli.main(["staff", "remove", "--telegram-id", str(COUNSELLOR)]) == 0
    assert cli.main(["staff", "list"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "no active staff members"
    assert cli.main(["staff", "list", "--all"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith("no")

    entries = _audit(cli_database)
    assert [e.action for e in entries] == ["staff.add", "staff.update", "staff.update", "staff.deactivate"]
    assert all(e.actor_telegram_user_id is None and (e.details or {})["via"] == "cli" for e in entries)


def test_cli_refusals_are_one_line_and_exit_non_zero(
    cli_database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    add = ["staff", "add", "--telegram-id", str(COUNSELLOR), "--name", "رضا", "--role", "counsellor"]
    with pytest.raises(SystemExit) as exited:
        cli.main([*add, "--province", "تهرانستان"])
    assert exited.value.code == 1
    assert capsys.readouterr().err.splitlines() == [
        "error: unknown province 'تهرانستان'; use its Persian name"
    ]
    with pytest.raises(SystemExit) as exited:
        cli.main(["staff", "remove", "--telegram-id", "42"])
    assert exited.value.code == 1
    assert capsys.readouterr().err.strip() == "error: no active staff member with Telegram id 42"


def test_cli_on_an_unmigrated_database_says_to_migrate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    get_settings.cache_clear()
    try:
        assert cli.main(["staff", "list"]) == 1
    finally:
        get_settings.cache_clear()
    error = capsys.readouterr().err
    assert "no such table: staff_members" in error and "make migrate" in error

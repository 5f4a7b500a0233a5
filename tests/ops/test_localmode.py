"""Local mode's own database, its colleagues and the environment its services run with."""

from __future__ import annotations

import socket
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from karyar.db.engine import database_for
from karyar.db.models import Course, JobOpening, StaffMember
from karyar.settings import load_settings
from ops.localmode.launcher import LocalModeError, LocalOptions, service_environment, start_api
from ops.localmode.personas import COUNSELLOR, COUNSELLOR_GROUP_ID, PERSONAS, STAFF
from ops.localmode.sample_data import FIRST_COURSE_IN_DAYS, prepare
from persian.format import IRAN_TIME

TODAY = date(2026, 12, 2)
# The settings local mode decides for its services.
LOCAL_SETTINGS = {
    "TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "TELEGRAM_PROXY_URL", "TELEGRAM_WEBHOOK_URL",
    "TELEGRAM_WEBHOOK_SECRET", "DATABASE_URL", "OFFICE_CALENDAR_FILE", "COUNSELLOR_GROUP_ID",
}  # fmt: skip


def _counts(url: str) -> tuple[int, int, list[tuple[int, str]]]:
    database = database_for(url)
    try:
        with database.unit_of_work() as session:
            courses = session.scalar(select(func.count()).select_from(Course)) or 0
            jobs = session.scalar(select(func.count()).select_from(JobOpening)) or 0
            staff = [(m.telegram_user_id, str(m.role)) for m in session.scalars(select(StaffMember))]
            return courses, jobs, sorted(staff)
    finally:
        database.dispose()


def test_the_demo_database_has_the_catalogue_and_the_colleagues(tmp_path: Path) -> None:
    summary = prepare(tmp_path / "state", today=TODAY)
    assert summary.database_url.startswith("sqlite:///") and str(tmp_path) in summary.database_url
    courses, jobs, staff = _counts(summary.database_url)
    assert courses > 0 and jobs > 0 and summary.courses_and_jobs == courses + jobs
    assert staff == sorted([(COUNSELLOR.persona.user_id, "counsellor"), (STAFF.persona.user_id, "staff")])
    database = database_for(summary.database_url)
    try:
        with database.unit_of_work() as session:
            first = session.scalar(select(func.min(Course.starts_at)))
    finally:
        database.dispose()
    # Courses start a week after the day local mode starts, so a course search always finds open ones.
    assert first is not None and first.astimezone(IRAN_TIME).date() == TODAY + timedelta(
        days=FIRST_COURSE_IN_DAYS
    )


def test_starting_again_changes_nothing_but_the_dates(tmp_path: Path) -> None:
    state = tmp_path / "state"
    first = prepare(state, today=TODAY)
    again = prepare(state, today=TODAY + timedelta(days=30))
    assert again.staff_added == 0 and first.staff_added == 2
    assert _counts(first.database_url) == _counts(again.database_url)


def test_services_use_the_local_server_and_database_whatever_the_environment_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://production.example/karyar")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:production-token-production-token")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://karyar.example/telegram")
    local_url = f"sqlite:///{tmp_path / 'karyar.sqlite3'}"
    env = service_environment(LocalOptions(state_dir=tmp_path), "http://127.0.0.1:8081", local_url)
    assert env["DATABASE_URL"] == local_url
    settings = load_settings(_env_file=None, **{k: v for k, v in env.items() if k in LOCAL_SETTINGS})
    assert settings.telegram_base_url == "http://127.0.0.1:8081/bot"
    assert (
        settings.webhook_mode is False
        and settings.TELEGRAM_BOT_TOKEN != "123456:production-token-production-token"
    )
    assert settings.COUNSELLOR_GROUP_ID == COUNSELLOR_GROUP_ID

    private = service_environment(LocalOptions(state_dir=tmp_path, handoffs="private"), "http://x", local_url)
    assert (
        load_settings(_env_file=None, COUNSELLOR_GROUP_ID=private["COUNSELLOR_GROUP_ID"]).COUNSELLOR_GROUP_ID
        is None
    )


def test_the_local_server_has_every_persona_and_the_counsellors_forum(tmp_path: Path) -> None:
    api = start_api(LocalOptions(state_dir=tmp_path, port=0))
    try:
        assert [p.user_id for p in api.server.personas] == [p.user_id for p in PERSONAS]
        assert api.topics(COUNSELLOR_GROUP_ID) == []  # no case yet, so no topic
        group = api.world.read(lambda w: w.chats[COUNSELLOR_GROUP_ID])
        assert group.is_forum and group.bot_is_admin and COUNSELLOR.persona.user_id in group.members
        assert STAFF.persona.user_id not in group.members
    finally:
        api.stop()


def test_a_port_in_use_is_explained(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(LocalModeError, match=f"127.0.0.1:{port}.*--port"):
            start_api(LocalOptions(state_dir=tmp_path, port=port))

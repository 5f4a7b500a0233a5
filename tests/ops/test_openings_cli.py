"""`karyar openings …` on both backends: listing, showing, approving into the catalogue, rejecting with a
reason, editing, acting for a staff member within their scope, and one-line refusals."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from karyar.catalogue.search import JobQuery, search_jobs
from karyar.db.engine import Database
from karyar.db.models import AuditEntry, EmployerOpening
from karyar.identity.cipher import DataCipher
from karyar.settings import get_settings
from ops import cli
from tests.karyar.employers.conftest import FARS_STAFF, TEHRAN_STAFF, add_reviewers, sewing_opening, workshop
from tests.support.stack import DATA_KEY


@pytest.fixture
def cli_db(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """The CLI reads DATABASE_URL from the environment; its settings are cached, so cleared around the test."""
    monkeypatch.setenv("DATABASE_URL", db.url)
    get_settings.cache_clear()
    yield db
    get_settings.cache_clear()


@pytest.fixture
def opening_id(cli_db: Database) -> int:
    with cli_db.unit_of_work() as session:
        add_reviewers(session)
        employer = workshop(session, DataCipher([DATA_KEY]))
        return sewing_opening(session, employer).id


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert cli.main(["openings", *args]) == 0
    return capsys.readouterr().out


def _refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as exited:
        cli.main(["openings", *args])
    assert exited.value.code == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err, captured.err
    return lines[0]


def _status(db: Database, opening_id: int) -> str:
    with db.unit_of_work() as session:
        opening = session.get(EmployerOpening, opening_id)
        assert opening is not None
        return opening.status


def test_list_show_and_approve_put_the_opening_in_search(
    capsys: pytest.CaptureFixture[str], cli_db: Database, opening_id: int
) -> None:
    listed = _run(capsys, "list").splitlines()
    assert listed[0].split() == [
        "ID",
        "STATUS",
        "CREATED",
        "ORGANISATION",
        "PROVINCE",
        "EMPLOYER",
        "TITLE",
        "INTERESTED",
    ]
    assert str(opening_id) in listed[1] and "pending" in listed[1] and "چرخ‌کار" in listed[1]

    shown = _run(capsys, "show", str(opening_id))
    assert "در انتظار بررسی" in shown and "تولیدی پوشاک نسیم" in shown
    assert "۰۹۱۲•••۴۵۶۷" in shown and "09121234567" not in shown  # staff see the mask only

    approved = _run(capsys, "approve", str(opening_id))
    assert approved.startswith(f"opening {opening_id}: approved")
    with cli_db.unit_of_work() as session:
        assert search_jobs(session, query=JobQuery(field="خیاطی", province="تهران")).total == 1
    assert _run(capsys, "list").strip() == "no openings"
    assert "approved" in _run(capsys, "list", "--status", "all")
    with cli_db.unit_of_work() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "opening.approve")).one()
    assert entry.details is not None and entry.details["via"] == "cli"

    assert _refused(capsys, "approve", str(opening_id)) == f"error: opening {opening_id} is approved already"


def test_reject_with_a_reason_and_edit(
    capsys: pytest.CaptureFixture[str], cli_db: Database, opening_id: int
) -> None:
    edited = _run(
        capsys, "edit", str(opening_id), "--positions", "5", "--insured", "نه", "--hours", "پاره‌وقت"
    )
    assert "تعداد: ۵ نفر" in edited and "بدون بیمه" in edited and "پاره‌وقت" in edited
    assert _refused(capsys, "edit", str(opening_id), "--field", "فضانوردی").startswith("error: unknown field")
    assert _refused(capsys, "edit", str(opening_id)).startswith("error: nothing to change")

    assert _run(capsys, "reject", str(opening_id), "--reason", "دستمزد کمتر از حداقل قانونی است").strip() == (
        f"opening {opening_id}: rejected"
    )
    assert "دلیل رد: دستمزد کمتر از حداقل قانونی است" in _run(capsys, "show", str(opening_id))


def test_acting_for_a_staff_member_keeps_to_their_scope_and_audits_the_refusal(
    capsys: pytest.CaptureFixture[str], cli_db: Database, opening_id: int
) -> None:
    assert _run(capsys, "list", "--by", str(FARS_STAFF)).strip() == "no openings"
    refusal = _refused(capsys, "approve", str(opening_id), "--by", str(FARS_STAFF))
    assert (
        refusal
        == f"error: {FARS_STAFF} may not review opening {opening_id} (not staff of its organisation and province)"
    )
    assert _status(cli_db, opening_id) == "pending"
    with cli_db.unit_of_work() as session:
        refused = session.scalars(select(AuditEntry).where(AuditEntry.allowed.is_(False))).all()
    assert [(e.actor_telegram_user_id, e.action) for e in refused] == [(FARS_STAFF, "opening.approve")]

    assert "approved" in _run(capsys, "approve", str(opening_id), "--by", str(TEHRAN_STAFF))
    assert _refused(capsys, "show", "999999") == "error: there is no opening 999999"

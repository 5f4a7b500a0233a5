"""`karyar report` on both backends: the Persian summary on the terminal, the files on disk matching it,
an audit entry for the operator, and a clear refusal of a period that cannot be read."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from bench.history import HistoryShape, generate
from karyar.db.engine import Database
from karyar.db.models import AuditEntry
from karyar.reports import figures, periods
from karyar.reports.activity import Activity
from karyar.reports.scope import Scope
from persian.format import format_number

ROOT = Path(__file__).resolve().parents[3]


def _report_command(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "RASA_"))}
    return subprocess.run(
        [sys.executable, "-m", "ops.cli", "report", *args],
        cwd=ROOT,
        env={**environment, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_report_prints_the_summary_and_writes_the_files(db: Database, tmp_path: Path) -> None:
    generate(
        db,
        HistoryShape(
            clients=400,
            messages_per_client=1,
            start=datetime(2026, 6, 1, tzinfo=UTC),
            end=datetime(2026, 11, 30, tzinfo=UTC),
        ),
    )
    url = db.engine.url.render_as_string(hide_password=False)
    done = _report_command(url, "1405/08", "بهزیستی", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    with db.unit_of_work() as session:
        expected = figures.build(session, period=periods.parse("1405/08"), scope=Scope(("behzisti",)))
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "report.run")).all()
    assert "📊 گزارش کاریار — آبان ۱۴۰۵" in done.stdout and "بهزیستی؛ همه‌ی استان‌ها" in done.stdout
    new_clients = expected.figures[Activity.NEW_CLIENTS].total
    assert f"• مددجویان تازه: {format_number(new_clients)}" in done.stdout
    assert len(audit) == 1 and audit[0].actor_role == "operator" and audit[0].details
    assert audit[0].details["organisations"] == ["behzisti"]

    with (tmp_path / "rows.csv").open(encoding="utf-8-sig") as rows:
        body = list(csv.reader(rows))[1:]
    assert sum(int(row[7]) for row in body) == new_clients  # the first count column is new clients
    assert load_workbook(tmp_path / "report.xlsx").sheetnames == ["ارقام", "ردیف‌ها"]
    for name in ("funnel", "trend", "provinces"):
        assert Image.open(tmp_path / f"{name}.png").size == (1080, 810)
    assert (tmp_path / "figures.csv").read_bytes().startswith("\ufeff".encode())


def test_a_period_that_cannot_be_read_is_refused_in_one_line(db: Database) -> None:
    done = _report_command(db.engine.url.render_as_string(hide_password=False), "1405/13")
    assert done.returncode == 2
    assert done.stderr.strip() == "error: ماه ۱۳ نداریم؛ ماه‌ها از ۱ تا ۱۲ هستند."
    assert "Traceback" not in done.stderr

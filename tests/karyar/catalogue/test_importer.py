"""Importing the catalogue from staff spreadsheets: checked first, stored together, updated by code."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from karyar.catalogue.columns import CatalogueKind
from karyar.catalogue.importer import SAMPLE_FILES, CatalogueImportError, import_catalogue, import_samples
from karyar.db.engine import Database
from karyar.db.models import Course, JobOpening
from ops.migrate import upgrade

ROOT = Path(__file__).resolve().parents[3]
HEADER = ["code", "title", "field", "provider", "province", "city", "mode", "level", "starts_at", "min_age", "max_age"]  # fmt: skip
GOOD = ("K-1", "دوخت مانتو", "دوخت", "مرکز آموزش کمیته امداد کاشان", "اصفهان", "کاشان", "حضوری", "skill", "1405-10-15", "16", "50")  # fmt: skip


def _write_csv(
    path: Path, rows: Sequence[Sequence[str]], *, header: list[str] = HEADER, bom: bool = False
) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _count(db: Database, model: type[Course] | type[JobOpening]) -> int:
    with db.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_sample_files_import_with_enough_items_and_provinces(db: Database) -> None:
    with db.unit_of_work() as session:
        reports = import_samples(session)
    assert [(r.kind, r.created >= 45, r.updated) for r in reports] == [
        (CatalogueKind.COURSES, True, 0),
        (CatalogueKind.JOBS, True, 0),
    ]
    with db.unit_of_work() as session:
        for model in (Course, JobOpening):
            provinces = set(session.scalars(select(model.province).where(model.province.is_not(None))))
            assert len(provinces) >= 12
        course = session.scalars(select(Course).where(Course.code == "C-THR-001")).one()
        # 1405-09-20 at midnight in Iran is 20:30 UTC the day before.
        assert course.starts_at == datetime(2026, 12, 10, 20, 30, tzinfo=UTC)
        assert course.organisations == ["emdad"] and course.target_groups == ["female_head_of_household"]
    with db.unit_of_work() as session:
        again = import_samples(session)
    assert all(r.created == 0 and r.updated == 0 and r.unchanged > 0 for r in again)


def test_a_variant_field_is_stored_as_its_canonical_name_with_search_keys(
    db: Database, tmp_path: Path
) -> None:
    path = _write_csv(tmp_path / "courses.csv", [GOOD], bom=True)
    with db.unit_of_work() as session:
        import_catalogue(session, path=path)
    with db.unit_of_work() as session:
        course = session.scalars(select(Course)).one()
        assert (course.field, course.field_key) == ("خیاطی", "خیاطی")
        assert (course.mode, course.gender) == ("in_person", "any")
        assert course.title_key == "دوخت مانتو" and course.cost_toman == 0


def test_bad_rows_are_all_listed_by_row_and_column_and_nothing_changes(db: Database, tmp_path: Path) -> None:
    rows = [
        [*GOOD],
        [*GOOD[:2], "فضانوردی", *GOOD[3:]],  # unknown field
        ["K-3", "خیاطی", "خیاطی", "آموزشگاه", "فارس", "کاشان", "in_person", "skill", "1405-10-15", "", ""],
        [*GOOD[:8], "1405-13-40", "", ""],  # no such date
        [*GOOD[:9], "40", "20"],  # min_age > max_age
        [*GOOD[:9], "بیست", "پنجاه"],  # number words are fine
    ]
    for number, row in enumerate(rows):
        row[0] = f"K-{number}"
    path = _write_csv(tmp_path / "courses.csv", rows)
    with pytest.raises(CatalogueImportError) as raised, db.unit_of_work() as session:
        import_catalogue(session, path=path)
    where = [(p.row, p.column) for p in raised.value.problems]
    assert where == [(3, "field"), (4, "city"), (5, "starts_at"), (6, "max_age")]
    assert "فارس" in raised.value.problems[1].message
    assert "row 3, column field" in str(raised.value)
    assert _count(db, Course) == 0


def test_a_missing_required_column_is_reported_on_the_header_row(db: Database, tmp_path: Path) -> None:
    header = [name for name in HEADER if name != "level"]
    path = _write_csv(tmp_path / "courses.csv", [[*GOOD[:7], *GOOD[8:]]], header=header)
    with pytest.raises(CatalogueImportError) as raised, db.unit_of_work() as session:
        import_catalogue(session, path=path, kind=CatalogueKind.COURSES)
    assert [(p.row, p.column) for p in raised.value.problems] == [(1, "level")]


def test_rows_are_updated_by_code_and_replace_deactivates_the_missing(db: Database, tmp_path: Path) -> None:
    second = ["K-2", "قالی‌بافی", "قالی", "آموزشگاه فرش", "", "کاشان", "in_person", "skill", "1405-11-01", "", ""]  # fmt: skip
    with db.unit_of_work() as session:
        import_catalogue(session, path=_write_csv(tmp_path / "a.csv", [GOOD, second]))
    changed = [*GOOD[:1], "دوخت مانتو و شلوار", *GOOD[2:]]
    with db.unit_of_work() as session:
        report = import_catalogue(session, path=_write_csv(tmp_path / "b.csv", [changed]), replace=True)
    assert (report.created, report.updated, report.unchanged, report.deactivated) == (0, 1, 0, 1)
    with db.unit_of_work() as session:
        by_code = {c.code: c for c in session.scalars(select(Course))}
        assert by_code["K-1"].title == "دوخت مانتو و شلوار" and by_code["K-1"].active
        assert not by_code["K-2"].active and by_code["K-2"].province == "اصفهان"  # taken from the city


def test_xlsx_import_reads_typed_cells_and_rejects_wrong_types(db: Database, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["code", "title", "field", "employer", "city", "mode", "employment_type", "wage_toman", "closes_at", "min_age"])  # fmt: skip
    sheet.append([1001, "چرخ‌کار", "خیاطی", "تولیدی پوشاک نسیم", "تهران", "in_person", "تمام‌وقت", 18_000_000, datetime(2027, 1, 5), 18.0])  # fmt: skip
    sheet.append([1002, "چرخ‌کار", "خیاطی", "تولیدی پوشاک نسیم", "تهران", "in_person", "full_time", None, None, datetime(2027, 1, 5)])  # fmt: skip
    bad = tmp_path / "jobs.xlsx"
    workbook.save(bad)
    with pytest.raises(CatalogueImportError) as raised, db.unit_of_work() as session:
        import_catalogue(session, path=bad)
    assert [(p.row, p.column) for p in raised.value.problems] == [(3, "min_age")]
    assert _count(db, JobOpening) == 0

    sheet.delete_rows(3)
    good = tmp_path / "jobs-fixed.xlsx"
    workbook.save(good)
    with db.unit_of_work() as session:
        report = import_catalogue(session, path=good)
    assert (report.kind, report.created) == (CatalogueKind.JOBS, 1)
    with db.unit_of_work() as session:
        job = session.scalars(select(JobOpening)).one()
        assert (job.code, job.employment_type) == ("1001", "full_time")
        assert (job.wage_toman, job.min_age) == (18_000_000, 18)
        assert job.closes_at == datetime(2027, 1, 5, 20, 29, 59, tzinfo=UTC)  # end of that day in Iran


def test_cli_loads_the_samples_and_refuses_a_bad_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    upgrade(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL", "RASA_"))}
    env["DATABASE_URL"] = url

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "ops.cli", "catalogue", *args]
        return subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
        )

    sample = cli("sample")
    assert sample.returncode == 0, sample.stderr
    assert sample.stdout.splitlines()[0].startswith("courses: ")
    bad = _write_csv(tmp_path / "bad.csv", [[*GOOD[:2], "فضانوردی", *GOOD[3:]]])
    refused = cli("import", str(bad), "--kind", "courses")
    assert refused.returncode == 1 and "row 2, column field" in refused.stderr
    assert SAMPLE_FILES[CatalogueKind.JOBS].name == "jobs.csv"

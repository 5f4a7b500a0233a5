"""Importing a catalogue spreadsheet: all rows are checked first, then stored together, updating rows by code."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import cast

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from karyar.alerts.announce import announce
from karyar.catalogue.cells import Problem
from karyar.catalogue.columns import CatalogueKind, guess_kind
from karyar.catalogue.reference import REFERENCE_DIR
from karyar.catalogue.sheets import Row, Sheet, read_sheet
from karyar.catalogue.validation import ValidRow, validate_sheet
from karyar.clock import now
from karyar.db.models import Course, JobOpening
from karyar.texts import _

SAMPLE_DIR = REFERENCE_DIR / "catalogue"
SAMPLE_FILES = {
    CatalogueKind.COURSES: SAMPLE_DIR / "courses.csv",
    CatalogueKind.JOBS: SAMPLE_DIR / "jobs.csv",
}
MODELS: dict[CatalogueKind, type[Course] | type[JobOpening]] = {
    CatalogueKind.COURSES: Course,
    CatalogueKind.JOBS: JobOpening,
}
_DATE_COLUMNS = ("starts_at", "closes_at")
# Codes of the openings employers post through Karyar (karyar/employers): staff publish and withdraw those,
# so a spreadsheet imported with `replace` never deactivates them.
POSTED_CODE_PREFIX = "EMP-"
# Codes looked up per query; well under every backend's limit on bound parameters.
_LOOKUP_BATCH = 500


@dataclass(frozen=True, slots=True)
class ImportReport:
    kind: CatalogueKind
    created: int
    updated: int
    unchanged: int
    deactivated: int

    def __str__(self) -> str:
        return (
            f"{self.kind}: {self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.deactivated} deactivated"
        )


class CatalogueImportError(ValueError):
    """A file that was not imported, with every problem found in it."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(
            f"{source}: {len(problems)} problem(s), nothing imported\n" + "\n".join(map(str, problems))
        )


def import_catalogue(
    session: Session, *, path: Path, kind: CatalogueKind | None = None, replace: bool = False
) -> ImportReport:
    """Import a .csv or .xlsx file of courses or job openings; a file with any problem changes nothing.

    Rows whose code exists are updated. With `replace`, active rows whose code is not in the file are
    deactivated (never deleted: clients' interests refer to them).
    """
    return import_sheet(session, read_sheet(path), source=path.name, kind=kind, replace=replace)


def import_sheet(
    session: Session, sheet: Sheet, *, source: str, kind: CatalogueKind | None = None, replace: bool = False
) -> ImportReport:
    kind = kind or guess_kind(sheet.header)
    if kind is None:
        raise CatalogueImportError(source, [Problem(1, None, _("Catalogue import: unknown kind"))])
    rows, problems = validate_sheet(sheet, kind)
    if problems:
        raise CatalogueImportError(source, problems)
    return _store(session, kind=kind, rows=rows, replace=replace)


def import_samples(session: Session, *, first_date: date | None = None) -> list[ImportReport]:
    """Load the sample courses and jobs shipped in karyar/reference/catalogue/.

    With `first_date`, their start and closing dates become one a day from that date on, so a demo or a
    test sees the same open courses and jobs whatever day it runs.
    """
    reports = []
    for kind, path in SAMPLE_FILES.items():
        sheet = read_sheet(path)
        if first_date is not None:
            sheet = _dated_from(sheet, first_date)
        reports.append(import_sheet(session, sheet, source=path.name, kind=kind))
    return reports


def _dated_from(sheet: Sheet, first_date: date) -> Sheet:
    rows = [
        Row(
            row.number,
            {
                column: (first_date + timedelta(days=index)).isoformat()
                if column in _DATE_COLUMNS and value
                else value
                for column, value in row.cells.items()
            },
        )
        for index, row in enumerate(sheet.rows)
    ]
    return Sheet(sheet.header, rows)


def _store(session: Session, *, kind: CatalogueKind, rows: list[ValidRow], replace: bool) -> ImportReport:
    model = MODELS[kind]
    existing: dict[str, Course | JobOpening] = {}
    for codes in _chunks([row.code for row in rows]):
        found = cast(
            Sequence[Course | JobOpening], session.scalars(select(model).where(model.code.in_(codes))).all()
        )
        existing.update((item.code, item) for item in found)
    moment = now()
    created: list[Course | JobOpening] = []
    updated = 0
    for row in rows:
        item = existing.get(row.code)
        if item is None:
            created.append(model(**row.values, created_at=moment, updated_at=moment))
            session.add(created[-1])
        elif any(getattr(item, name) != value for name, value in row.values.items()):
            for name, value in row.values.items():
                setattr(item, name, value)
            item.updated_at = moment
            updated += 1
    deactivated = _deactivate_missing(session, model, {row.code for row in rows}, moment) if replace else 0
    session.flush()
    announce(session, created)
    return ImportReport(
        kind=kind,
        created=len(created),
        updated=updated,
        unchanged=len(rows) - len(created) - updated,
        deactivated=deactivated,
    )


def _deactivate_missing(
    session: Session, model: type[Course] | type[JobOpening], codes: set[str], moment: datetime
) -> int:
    active = select(model.code).where(model.active.is_(True), model.code.not_like(f"{POSTED_CODE_PREFIX}%"))
    active_codes = set(session.scalars(active))
    missing = sorted(active_codes - codes)
    for batch in _chunks(missing):
        session.execute(update(model).where(model.code.in_(batch)).values(active=False, updated_at=moment))
    return len(missing)


def _chunks(codes: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(codes), _LOOKUP_BATCH):
        yield codes[start : start + _LOOKUP_BATCH]

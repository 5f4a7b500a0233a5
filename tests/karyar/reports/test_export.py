"""Exports: the figures CSV, the anonymised rows CSV and the Excel workbook open in the usual readers, hold
the same numbers as the report, and carry nothing that names a client."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bench.history import HistoryShape, generate
from karyar.catalogue.reference import places
from karyar.db.engine import Database
from karyar.db.models import Client, ProfileFact
from karyar.reports import export, figures, labels, periods
from karyar.reports.activity import Activity
from karyar.reports.dimensions import SPLIT_LABELS, Split, value_label
from karyar.reports.figures import Report
from karyar.reports.scope import Scope


@pytest.fixture
def report(db: Database) -> Report:
    generate(
        db,
        HistoryShape(
            clients=800,
            messages_per_client=0,
            start=datetime(2026, 6, 1, tzinfo=UTC),
            end=datetime(2026, 11, 30, tzinfo=UTC),
        ),
    )
    with db.unit_of_work() as session:
        return figures.build(session, period=periods.parse("1405/08"), scope=Scope())


def _csv(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())  # Excel reads Persian CSV only with the mark
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_figures_csv_holds_every_total_and_split(report: Report) -> None:
    rows = _csv(export.figures_csv(report))
    assert rows[0] == list(export.FIGURE_HEADER)
    keys = [tuple(r[:4]) for r in rows[1:]]
    assert len(keys) == len(set(keys))  # every number is named once
    by_key = {key: row[4] for key, row in zip(keys, rows[1:], strict=True)}
    section = "مددجویان و پرونده‌ها"
    for kind in Activity:
        figure = report.figures[kind]
        assert by_key[(section, labels.FIGURES[kind], export.TOTAL, "")] == str(figure.total)
        for split in Split:
            for value, count in figure.splits[split].items():
                key = (section, labels.FIGURES[kind], SPLIT_LABELS[split], value_label(split, value))
                assert by_key[key] == str(count)
    assert by_key[("ارجاع به مشاور", "درخواست", export.TOTAL, "")] == str(report.handoffs.requested)


def test_rows_add_up_to_the_figures_and_name_nobody(db: Database, report: Report) -> None:
    with db.unit_of_work() as session:
        rows = _csv(export.rows_csv(session, report))
        identities = {str(i) for i in session.scalars(select(Client.telegram_user_id))}
        identities |= {str(i) for i in session.scalars(select(Client.id))}
        cities = set(session.scalars(select(ProfileFact.value).where(ProfileFact.name == "city")))
    header, body = rows[0], rows[1:]
    assert header == export.row_header()
    first_count = header.index(labels.FIGURES[Activity.NEW_CLIENTS])
    for offset, kind in enumerate(Activity):
        assert sum(int(row[first_count + offset]) for row in body) == report.figures[kind].total, kind
    gender = header.index(SPLIT_LABELS[Split.GENDER])
    new_women = sum(int(row[first_count]) for row in body if row[gender] == "زن")
    assert new_women == report.figures[Activity.NEW_CLIENTS].splits[Split.GENDER]["female"]
    cells = {cell for row in body for cell in row}
    assert not cells & (cities - set(places().provinces))  # the area is given, never the city or village
    assert not cells & identities - {row[0] for row in body}
    assert [row[0] for row in body] == [str(n) for n in range(1, len(body) + 1)]  # row numbers, not ids


def test_the_workbook_opens_right_to_left_with_the_same_numbers(db: Database, report: Report) -> None:
    with db.unit_of_work() as session:
        workbook = load_workbook(io.BytesIO(export.xlsx_bytes(session, report)))
        rows_csv = _csv(export.rows_csv(session, report))
    assert workbook.sheetnames == ["ارقام", "ردیف‌ها"]
    figures_sheet, rows_sheet = workbook["ارقام"], workbook["ردیف‌ها"]
    assert all(sheet.sheet_view.rightToLeft for sheet in (figures_sheet, rows_sheet))
    figure_values = [list(row) for row in figures_sheet.iter_rows(min_row=3, values_only=True)]
    expected = [[None if cell == "" else cell for cell in row] for row in export.figure_rows(report)]
    assert figure_values == expected
    sheet_rows = [
        ["" if c is None else str(c) for c in row] for row in rows_sheet.iter_rows(values_only=True)
    ]
    assert sheet_rows == rows_csv

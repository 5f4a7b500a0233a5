"""A report's figures and its underlying anonymised rows as CSV and Excel files.

The rows are one per client active in the period: no name, id, city or text, only the splits, an age band
and how many of each counted thing they did, so the columns add up to the figures. Rows are streamed from
the database into the file (Excel in write-only mode), so an export of a year stays small in memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import IO, Any

from openpyxl import Workbook
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from karyar.reports import labels
from karyar.reports.activity import Activity, activity
from karyar.reports.dimensions import SPLIT_LABELS, UNKNOWN_LABEL, Split, classifier, value_label
from karyar.reports.figures import Report
from karyar.reports.scope import condition, join_facts
from karyar.reports.summary import service_title
from karyar.vocabulary import VALUE_LABELS
from persian.text import to_ascii_digits

FIGURE_HEADER = ("بخش", "رقم", "تفکیک", "مقدار", "تعداد")
ROW_FACTS = ("gender", "province", "city", "field", "organisation", "age")
AGE_BANDS = ((15, 17), (18, 29), (30, 44), (45, 59), (60, 200))
TOTAL = "کل"


def figure_rows(report: Report) -> Iterator[tuple[str, str, str, str, int | float]]:
    """Every number of the report as (section, figure, split, value, count)."""
    section = "مددجویان و پرونده‌ها"
    for activity_kind in Activity:
        figure = report.figures[activity_kind]
        name = labels.FIGURES[activity_kind]
        yield section, name, TOTAL, "", figure.total
        for split in Split:
            for value, count in sorted(figure.splits[split].items()):
                yield section, name, SPLIT_LABELS[split], value_label(split, value), count
        if figure.target is not None and figure.year_to_date is not None:
            yield section, name, "هدف سال", str(figure.target.year), figure.target.target
            yield section, name, "از آغاز سال", str(figure.target.year), figure.year_to_date
    for service, statuses in sorted(report.eligibility.items()):
        for status, count in sorted(statuses.items()):
            yield "بررسی شرایط", service_title(service), "نتیجه", labels.STATUSES.get(status, status), count
    for kind, count in sorted(report.interests_by_kind.items()):
        yield (
            "علاقه‌ها",
            labels.FIGURES[Activity.INTERESTS],
            "نوع",
            labels.INTEREST_KINDS.get(kind, kind),
            count,
        )
    yield from _handoff_rows(report)
    for months, answers in sorted(report.follow_ups.items()):
        for answer, count in sorted(answers.items()):
            yield "پیگیری", f"{months} ماه پس از شروع", "پاسخ", labels.ANSWERS.get(answer, answer), count
    broadcasts = report.broadcasts
    yield "اطلاعیه‌ها", "اطلاعیه", TOTAL, "", broadcasts.broadcasts
    for status, count in sorted(broadcasts.deliveries.items()):
        yield "اطلاعیه‌ها", "تحویل", "وضعیت", labels.DELIVERIES.get(status, status), count
    yield "اطلاعیه‌ها", "زدن دکمه", TOTAL, "", broadcasts.presses
    yield "اطلاعیه‌ها", "زدن دکمه", "نفر", "", broadcasts.pressing_clients
    for direction, name in labels.DIRECTIONS.items():
        yield "پیام‌ها", name, TOTAL, "", report.messages.get(direction, 0)
    for step, count in report.funnel:
        yield "قیف مددجویان این دوره", labels.FUNNEL[step], TOTAL, "", count


def _handoff_rows(report: Report) -> Iterator[tuple[str, str, str, str, int | float]]:
    handoffs, section = report.handoffs, "ارجاع به مشاور"
    yield section, "درخواست", TOTAL, "", handoffs.requested
    yield section, "پذیرفته", TOTAL, "", handoffs.claimed
    yield section, f"پذیرفته در {handoffs.target_minutes:g} دقیقه", TOTAL, "", handoffs.claimed_within_target
    if handoffs.median_wait_minutes is not None and handoffs.p90_wait_minutes is not None:
        yield section, "میانه‌ی انتظار (دقیقه)", TOTAL, "", round(handoffs.median_wait_minutes, 1)
        yield section, "صدک ۹۰ انتظار (دقیقه)", TOTAL, "", round(handoffs.p90_wait_minutes, 1)
    for outcome, count in sorted(handoffs.outcomes.items()):
        yield section, "نتیجه", "نتیجه", labels.OUTCOMES.get(outcome, outcome), count
    if handoffs.average_rating is not None:
        yield section, "میانگین امتیاز", TOTAL, "", round(handoffs.average_rating, 2)


def row_header() -> list[str]:
    return [
        "ردیف",
        SPLIT_LABELS[Split.GENDER],
        "گروه سنی",
        SPLIT_LABELS[Split.PROVINCE],
        SPLIT_LABELS[Split.AREA],
        SPLIT_LABELS[Split.SECTOR],
        "نهاد حمایتی",
        *(labels.FIGURES[kind] for kind in Activity),
    ]


def age_band(age: str | None) -> str:
    try:
        years = int(to_ascii_digits(age or ""))
    except ValueError:
        return UNKNOWN_LABEL
    for low, high in AGE_BANDS:
        if low <= years <= high:
            return f"{low} تا {high}" if high < 200 else f"{low} و بیشتر"
    return UNKNOWN_LABEL


def client_rows(session: Session, *, report: Report) -> Iterator[list[Any]]:
    """One anonymised row per client active in the period, with how many of each activity they had."""
    rows = activity(report.period.start, report.period.end)
    per_kind = [func.sum(case((rows.c.kind == kind.value, 1), else_=0)) for kind in Activity]
    statement, facts = join_facts(select(rows.c.client_id), rows.c.client_id, ROW_FACTS)
    columns = [facts[name] for name in ROW_FACTS]
    statement = (
        statement.add_columns(*columns, *per_kind)
        .where(condition(report.scope, facts))
        .group_by(rows.c.client_id, *columns)
        .order_by(rows.c.client_id)
        .execution_options(yield_per=2000)
    )
    classify = classifier()
    organisations = VALUE_LABELS["organisation"]
    for number, (_, gender, province, city, field_name, organisation, age, *counts) in enumerate(
        session.execute(statement), start=1
    ):
        splits = classify.splits(gender=gender, province=province, city=city, field=field_name)
        yield [
            number,
            value_label(Split.GENDER, splits[Split.GENDER]),
            age_band(age),
            value_label(Split.PROVINCE, splits[Split.PROVINCE]),
            value_label(Split.AREA, splits[Split.AREA]),
            value_label(Split.SECTOR, splits[Split.SECTOR]),
            organisations.get(organisation or "", UNKNOWN_LABEL),
            *(int(count) for count in counts),
        ]


def write_figures_csv(report: Report, stream: IO[str]) -> None:
    writer = csv.writer(stream)
    writer.writerow(FIGURE_HEADER)
    writer.writerows(figure_rows(report))


def write_rows_csv(session: Session, report: Report, stream: IO[str]) -> int:
    writer = csv.writer(stream)
    writer.writerow(row_header())
    written = 0
    for row in client_rows(session, report=report):
        writer.writerow(row)
        written += 1
    return written


def csv_bytes(write: Any, *args: Any) -> bytes:
    """A CSV written by `write(*args, stream)`, with the byte-order mark Excel needs to read Persian."""
    buffer = io.StringIO()
    write(*args, buffer)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def figures_csv(report: Report) -> bytes:
    return csv_bytes(write_figures_csv, report)


def rows_csv(session: Session, report: Report) -> bytes:
    return csv_bytes(write_rows_csv, session, report)


def write_xlsx(session: Session, report: Report, stream: IO[bytes]) -> None:
    """One workbook: the figures, then the anonymised rows; both sheets right to left."""
    workbook = Workbook(write_only=True)
    figures_sheet = workbook.create_sheet("ارقام")
    rows_sheet = workbook.create_sheet("ردیف‌ها")
    for sheet in (figures_sheet, rows_sheet):
        sheet.sheet_view.rightToLeft = True
    figures_sheet.append([f"گزارش کاریار — {report.period.label}", report.scope.label()])
    figures_sheet.append(list(FIGURE_HEADER))
    for row in figure_rows(report):
        figures_sheet.append(list(row))
    rows_sheet.append(row_header())
    for client_row in client_rows(session, report=report):
        rows_sheet.append(client_row)
    workbook.save(stream)


def xlsx_bytes(session: Session, report: Report) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(session, report, buffer)
    return buffer.getvalue()

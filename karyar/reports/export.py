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

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from karyar.employers import cards
from karyar.members import member_label
from karyar.reports import labels
from karyar.reports.activity import Activity, activity
from karyar.reports.dimensions import SPLIT_LABELS, UNKNOWN_LABEL, Split, classifier, value_label
from karyar.reports.figures import Report
from karyar.reports.scope import condition, join_facts
from karyar.reports.summary import service_title
from karyar.texts import _
from karyar.vocabulary import VALUE_LABELS
from persian.text import to_ascii_digits

FIGURE_HEADER = (
    _("Report export: section"),
    _("Report export: figure"),
    _("Report export: split"),
    _("Report export: value"),
    _("Report export: count"),
)
ROW_FACTS = ("gender", "province", "city", "field", "organisation", "age")
AGE_BANDS = ((15, 17), (18, 29), (30, 44), (45, 59), (60, 200))
TOTAL = _("Report export: total")


def figure_rows(report: Report) -> Iterator[tuple[str, str, str, str, int | float]]:
    """Every number of the report as (section, figure, split, value, count)."""
    section = _("Report section: clients")
    for activity_kind in Activity:
        figure = report.figures[activity_kind]
        name = labels.FIGURES[activity_kind]
        yield section, name, TOTAL, "", figure.total
        for split in Split:
            for value, count in sorted(figure.splits[split].items()):
                yield section, name, SPLIT_LABELS[split], value_label(split, value), count
        if figure.target is not None and figure.year_to_date is not None:
            year = str(figure.target.year)
            yield section, name, _("Report export: target of the year"), year, figure.target.target
            yield section, name, _("Report export: since the start of the year"), year, figure.year_to_date
    yield section, labels.FOR_A_MEMBER, TOTAL, "", report.family.clients
    for member, count in report.family.ordered():
        yield section, labels.FOR_A_MEMBER, labels.FOR_WHOM, member_label(member), count
    section, result = _("Report section: eligibility"), _("Report export: result")
    for service, statuses in sorted(report.eligibility.items()):
        for status, count in sorted(statuses.items()):
            yield section, service_title(service), result, labels.STATUSES.get(status, status), count
    for kind, count in sorted(report.interests_by_kind.items()):
        yield (
            _("Report section: interests"),
            labels.FIGURES[Activity.INTERESTS],
            _("Report export: kind"),
            labels.INTEREST_KINDS.get(kind, kind),
            count,
        )
    yield from _handoff_rows(report)
    yield from _follow_up_rows(report)
    yield from _broadcast_rows(report)
    yield from _employer_rows(report)
    for direction, name in labels.DIRECTIONS.items():
        yield _("Report section: messages"), name, TOTAL, "", report.messages.get(direction, 0)
    for step, count in report.funnel:
        yield _("Report section: funnel"), labels.FUNNEL[step], TOTAL, "", count


def _handoff_rows(report: Report) -> Iterator[tuple[str, str, str, str, int | float]]:
    handoffs, section = report.handoffs, _("Report section: handoffs")
    yield section, _("Report export: requested"), TOTAL, "", handoffs.requested
    yield section, _("Report export: claimed"), TOTAL, "", handoffs.claimed
    within = _("Report export: claimed within").format(minutes=f"{handoffs.target_minutes:g}")
    yield section, within, TOTAL, "", handoffs.claimed_within_target
    if handoffs.median_wait_minutes is not None and handoffs.p90_wait_minutes is not None:
        median, p90 = round(handoffs.median_wait_minutes, 1), round(handoffs.p90_wait_minutes, 1)
        yield section, _("Report export: median wait"), TOTAL, "", median
        yield section, _("Report export: 90th percentile wait"), TOTAL, "", p90
    result = _("Report export: result")
    for outcome, count in sorted(handoffs.outcomes.items()):
        yield section, result, result, labels.OUTCOMES.get(outcome, outcome), count
    if handoffs.average_rating is not None:
        yield section, _("Report export: average rating"), TOTAL, "", round(handoffs.average_rating, 2)


def _follow_up_rows(report: Report) -> Iterator[tuple[str, str, str, str, int | float]]:
    section, answer_label = _("Report section: follow-ups"), _("Report export: answer")
    for months, answers in sorted(report.follow_ups.items()):
        after = _("Report export: months after the start").format(months=months)
        for answer, count in sorted(answers.items()):
            yield section, after, answer_label, labels.ANSWERS.get(answer, answer), count


def _broadcast_rows(report: Report) -> Iterator[tuple[str, str, str, str, int | float]]:
    broadcasts, section = report.broadcasts, _("Report section: broadcasts")
    yield section, _("Report export: broadcast"), TOTAL, "", broadcasts.broadcasts
    delivery, status_label = _("Report export: delivery"), _("Report export: status")
    for status, count in sorted(broadcasts.deliveries.items()):
        yield section, delivery, status_label, labels.DELIVERIES.get(status, status), count
    presses = _("Report export: button presses")
    yield section, presses, TOTAL, "", broadcasts.presses
    yield section, presses, _("Report export: people"), "", broadcasts.pressing_clients


def _employer_rows(report: Report) -> Iterator[tuple[str, str, str, str, int | float]]:
    employers, section = report.employers, _("Report section: employers")
    openings = _("Report export: employer openings")
    yield section, openings, TOTAL, "", employers.posted
    for status, label in cards.STATUS.items():
        yield section, openings, _("Report export: status"), label, employers.by_status.get(status, 0)
    yield section, _("Report export: openings with interest"), TOTAL, "", employers.with_interest
    if employers.median_days_to_first_interest is not None:
        days = _("Report export: median days to first interest")
        yield section, days, TOTAL, "", employers.median_days_to_first_interest


def row_header() -> list[str]:
    return [
        _("Report export: row"),
        SPLIT_LABELS[Split.GENDER],
        _("Report export: age band"),
        SPLIT_LABELS[Split.PROVINCE],
        SPLIT_LABELS[Split.AREA],
        SPLIT_LABELS[Split.SECTOR],
        _("Report export: organisation"),
        *(labels.FIGURES[kind] for kind in Activity),
    ]


def age_band(age: str | None) -> str:
    try:
        years = int(to_ascii_digits(age or ""))
    except ValueError:
        return UNKNOWN_LABEL
    for low, high in AGE_BANDS:
        if low <= years <= high:
            if high < 200:
                return _("Report export: ages from to").format(low=low, high=high)
            return _("Report export: ages and over").format(low=low)
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
    for number, (_client_id, gender, province, city, field_name, organisation, age, *counts) in enumerate(
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
    from openpyxl import Workbook  # only a staff export needs it: not loaded when the bot starts

    workbook = Workbook(write_only=True)
    figures_sheet = workbook.create_sheet(_("Report export: figures sheet"))
    rows_sheet = workbook.create_sheet(_("Report export: rows sheet"))
    for sheet in (figures_sheet, rows_sheet):
        sheet.sheet_view.rightToLeft = True
    heading = _("Report export: heading").format(period=report.period.label)
    figures_sheet.append([heading, report.scope.label()])
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

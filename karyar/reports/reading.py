"""The units of work behind `/report` in Telegram: a staff member or supervisor reads the figures of a
period, or asks for them as a file.

Both check the registry again (a file asked for with an old button too, since the reader's scope may have
narrowed since) and return a snapshot, or the reason the reader is told there is none.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from karyar.reports import export, service
from karyar.reports.figures import Report
from karyar.reports.periods import PeriodError
from karyar.reports.request import ReportRequest, RequestError, parse, within
from karyar.staff.access import active_member
from karyar.texts import _


class FileFormat(enum.StrEnum):
    FIGURES_CSV = "csv"
    ROWS_CSV = "rows"
    XLSX = "xlsx"


@dataclass(frozen=True, slots=True)
class Refusal:
    reason: str  # what the reader is told


@dataclass(frozen=True, slots=True)
class ReportFile:
    name: str
    content: bytes


def prepare(
    session: Session, *, telegram_user_id: int, request_text: str, claim_target_minutes: float
) -> Report | Refusal | None:
    """The report asked for in `request_text`, or why there is none (not allowed, or a request that cannot
    be read); None for someone who is not in the staff registry at all."""
    member = service.reader(session, telegram_user_id=telegram_user_id)
    if member is None:
        if active_member(session, telegram_user_id=telegram_user_id) is None:
            return None
        return Refusal(_("Report: not allowed"))
    try:
        request = parse(request_text, allowed=service.allowed_scope(member))
    except (PeriodError, RequestError) as error:
        return Refusal(str(error))
    return service.build(
        session,
        request=request,
        actor_telegram_user_id=telegram_user_id,
        actor_role=member.role,
        claim_target_minutes=claim_target_minutes,
    )


def export_file(
    session: Session,
    *,
    telegram_user_id: int,
    request: ReportRequest,
    file_format: FileFormat,
    claim_target_minutes: float,
) -> ReportFile | Refusal:
    """The report of `request` as a file, audited like the report itself."""
    member = service.reader(session, telegram_user_id=telegram_user_id)
    if member is None:
        return Refusal(_("Report: not allowed"))
    try:
        # A file button is data the client sent back: its scope is bounded again, never trusted.
        bounded = replace(request, scope=within(request.scope, service.allowed_scope(member)))
    except RequestError as error:
        return Refusal(str(error))
    report = service.build(
        session,
        request=bounded,
        actor_telegram_user_id=telegram_user_id,
        actor_role=member.role,
        claim_target_minutes=claim_target_minutes,
    )
    if file_format is FileFormat.FIGURES_CSV:
        return ReportFile("figures.csv", export.figures_csv(report))
    if file_format is FileFormat.ROWS_CSV:
        return ReportFile("rows.csv", export.rows_csv(session, report))
    return ReportFile("report.xlsx", export.xlsx_bytes(session, report))

"""/report's units of work: a client gets nothing (the client handlers answer), a colleague who may not
read is told so, a reader gets the report or the file asked for, within their scope as it is now."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from karyar.db.engine import Database
from karyar.db.models import StaffRole
from karyar.reports import periods, reading
from karyar.reports.figures import Report
from karyar.reports.reading import FileFormat, Refusal, ReportFile
from karyar.reports.request import ReportRequest
from karyar.reports.scope import Scope
from karyar.staff import registry
from karyar.texts import _

READER = 5_900_000_011
COUNSELLOR = 5_900_000_012


def _add(db: Database, telegram_user_id: int, role: StaffRole, provinces: list[str] | None = None) -> None:
    with db.unit_of_work() as session:
        registry.add_member(
            session, telegram_user_id=telegram_user_id, name="x", role=role, provinces=provinces or []
        )


def test_a_client_gets_nothing_and_a_counsellor_is_refused(db: Database) -> None:
    _add(db, COUNSELLOR, StaffRole.COUNSELLOR)

    def prepare(telegram_user_id: int) -> Report | Refusal | None:
        return db.run(
            reading.prepare, telegram_user_id=telegram_user_id, request_text="", claim_target_minutes=15.0
        )

    assert prepare(5_900_000_099) is None
    assert prepare(COUNSELLOR) == Refusal(_("Report: not allowed"))


def test_a_reader_gets_the_report_and_its_files_within_their_scope(db: Database) -> None:
    _add(db, READER, StaffRole.STAFF, provinces=["فارس"])
    report = db.run(reading.prepare, telegram_user_id=READER, request_text="", claim_target_minutes=15.0)
    assert isinstance(report, Report) and report.scope == Scope((), ("فارس",))
    request = ReportRequest(periods.parse("1405/08"), report.scope)
    for file_format, name in ((FileFormat.FIGURES_CSV, "figures.csv"), (FileFormat.XLSX, "report.xlsx")):
        file = db.run(
            reading.export_file,
            telegram_user_id=READER,
            request=request,
            file_format=file_format,
            claim_target_minutes=15.0,
        )
        assert isinstance(file, ReportFile) and file.name == name and file.content
    elsewhere = ReportRequest(request.period, Scope((), ("تهران",)))
    refused = db.run(
        reading.export_file,
        telegram_user_id=READER,
        request=elsewhere,
        file_format=FileFormat.ROWS_CSV,
        claim_target_minutes=15.0,
    )
    assert isinstance(refused, Refusal)


def test_a_file_button_that_names_no_province_still_gets_only_the_readers_province(db: Database) -> None:
    # The scope inside a button comes back from the client's side; a forged one must not widen it.
    _add(db, READER, StaffRole.STAFF, provinces=["فارس"])
    forged = ReportRequest(periods.parse("1405/08"), Scope((), ()))
    file = db.run(
        reading.export_file,
        telegram_user_id=READER,
        request=forged,
        file_format=FileFormat.XLSX,
        claim_target_minutes=15.0,
    )
    assert isinstance(file, ReportFile)
    first_row = next(load_workbook(io.BytesIO(file.content)).worksheets[0].iter_rows(values_only=True))
    assert first_row[1] == Scope((), ("فارس",)).label()

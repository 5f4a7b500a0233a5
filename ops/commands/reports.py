"""`karyar report …`: the report of a period on the terminal, and its files (CSV, Excel, charts) on disk."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from karyar.db.engine import database_for
from karyar.reports import charts, export, service
from karyar.reports.periods import PeriodError
from karyar.reports.request import RequestError, parse
from karyar.reports.summary import text
from karyar.reports.words import request_words
from karyar.settings import get_settings


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    examples = request_words().examples
    report = commands.add_parser(
        "report",
        help="figures of a period by gender, urban/rural, sector and province; CSV, Excel and charts",
        description="The request is what staff write after /report: a period (this week, this month, "
        f"last-month, this year, a Jalali month 1405/09, a year 1404, or two dates '{examples['days']}'), "
        "optionally an organisation (emdad, behzisti) and a province, e.g. "
        f"`karyar report {examples['request']}`.",
    )
    report.add_argument("request", nargs="*", help="period, organisation and province (default: this month)")
    report.add_argument(
        "--out", type=Path, help="directory for figures.csv, rows.csv, report.xlsx and the charts"
    )
    report.set_defaults(handler=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    settings = get_settings()
    try:
        request = parse(" ".join(args.request))
    except (PeriodError, RequestError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    database = database_for(settings.DATABASE_URL)
    try:
        with database.unit_of_work() as session:
            report = service.build(
                session,
                request=request,
                actor_telegram_user_id=None,
                actor_role="operator",
                claim_target_minutes=settings.HANDOFF_ESCALATE_MINUTES,
            )
        print(text(report))
        if args.out is not None:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / "figures.csv").write_bytes(export.figures_csv(report))
            with database.unit_of_work() as session:
                with (args.out / "rows.csv").open("w", encoding="utf-8-sig", newline="") as rows:
                    export.write_rows_csv(session, report, rows)
                with (args.out / "report.xlsx").open("wb") as stream:
                    export.write_xlsx(session, report, stream)
            for chart in charts.all_charts(report):
                (args.out / f"{chart.name}.png").write_bytes(chart.png)
            print(
                f"\nfiles written to {args.out}: figures.csv, rows.csv, report.xlsx, funnel.png, trend.png, "
                "provinces.png"
            )
    finally:
        database.dispose()
    return 0

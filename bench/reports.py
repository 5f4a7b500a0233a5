"""Reports on a national-size history: a monthly report with every split, and its charts, on PostgreSQL.

Generates a history (default 100,000 clients and 2,000,000 messages over two years) into a fresh, migrated
PostgreSQL database, then times the report of the last whole Jalali month: the figures with every split,
the three charts, and the exports. Memory is traced (tracemalloc) while the report runs, first on a tenth
of the history and then on all of it: flat memory means the report reads counts, not tables.

    python -m bench.reports [--clients 100000] [--messages 2000000] [--backend postgresql]
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import text

from bench.history import HistoryShape, generate
from bench.results_file import write_results
from karyar.clock import now
from karyar.db.engine import Database
from karyar.reports import charts, export, figures, periods
from karyar.reports.activity import Activity
from karyar.reports.figures import Report
from karyar.reports.periods import Period
from karyar.reports.scope import Scope
from tests.support.databases import migrated_database

RESULTS = Path(__file__).resolve().parent / "results" / "reports.json"
REPEATS = 3
T = TypeVar("T")


def _seconds(work: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def _peak_mib(work: Callable[[], object]) -> float:
    """The peak MiB Python allocated while `work` ran (traced separately: tracing slows everything)."""
    gc.collect()
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return round(peak, 1)


def _measure(database: Database, period: Period, scope: Scope) -> dict[str, Any]:
    def report() -> Report:
        with database.unit_of_work() as session:
            return figures.build(session, period=period, scope=scope)

    def workbook(built: Report) -> int:
        with database.unit_of_work() as session:
            return len(export.xlsx_bytes(session, built))

    runs = []
    for _ in range(REPEATS):
        built, seconds = _seconds(report)
        _, chart_seconds = _seconds(lambda built=built: charts.all_charts(built))  # type: ignore[misc]
        runs.append((seconds, chart_seconds))
    size, export_seconds = _seconds(lambda: workbook(built))
    return {
        "scope": scope.label(),
        "report_seconds_median": round(statistics.median(r[0] for r in runs), 3),
        "charts_seconds_median": round(statistics.median(r[1] for r in runs), 3),
        "report_with_charts_seconds_median": round(statistics.median(sum(r) for r in runs), 3),
        "report_with_charts_seconds_worst": round(max(sum(r) for r in runs), 3),
        "report_and_charts_peak_traced_mib": _peak_mib(lambda: charts.all_charts(report())),
        "excel_seconds": round(export_seconds, 2),
        "excel_peak_traced_mib": _peak_mib(lambda: workbook(built)),
        "excel_bytes": size,
        "new_clients": built.figures[Activity.NEW_CLIENTS].total,
        "placements": built.figures[Activity.PLACEMENTS].total,
        "handoffs": built.handoffs.requested,
        "messages_in_period": sum(built.messages.values()),
    }


def _counts(database: Database) -> dict[str, int]:
    with database.unit_of_work() as session:
        return {
            table: int(session.scalar(text(f"SELECT count(*) FROM {table}")) or 0)
            for table in ("clients", "messages", "case_events", "handoffs", "profile_facts", "follow_ups")
        }


def run(*, clients: int, messages: int, backend: str) -> dict[str, Any]:
    end = now()
    start = end - timedelta(days=730)
    last_month = periods.parse("ماه قبل")
    per_client = max(messages // clients, 0)
    results: dict[str, Any] = {"backend": backend, "period": last_month.label, "history_days": 730}
    with tempfile.TemporaryDirectory() as workdir, migrated_database(backend, Path(workdir)) as url:
        database = Database(url)
        try:
            stages = [("tenth", clients // 10, 1405), ("full", clients - clients // 10, 1406)]
            for name, count, seed in stages:
                shape = HistoryShape(
                    clients=count,
                    messages_per_client=per_client,
                    start=start,
                    end=end,
                    seed=seed,
                    broadcasts=6,
                    keep_messages=False,
                )
                generated_at = time.perf_counter()
                generate(database, shape, telegram_id_base=9_000_000_000 + seed * 1_000_000)
                with database.unit_of_work() as session:
                    if backend == "postgresql":
                        session.execute(text("ANALYZE"))
                results[f"{name}_generate_seconds"] = round(time.perf_counter() - generated_at, 1)
                results[f"{name}_rows"] = _counts(database)
                results[f"{name}_monthly_report"] = _measure(database, last_month, Scope())
            results["full_monthly_report_one_organisation_and_province"] = _measure(
                database, last_month, Scope(organisations=("behzisti",), provinces=("تهران",))
            )
            results["full_yearly_report"] = _measure(database, periods.parse("پارسال"), Scope())
        finally:
            database.dispose()
    results["max_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=2_000_000)
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    args = parser.parse_args(argv)
    results = run(clients=args.clients, messages=args.messages, backend=args.backend)
    write_results(
        RESULTS if args.backend == "postgresql" else RESULTS.with_name("reports_sqlite.json"), results
    )


if __name__ == "__main__":
    main()

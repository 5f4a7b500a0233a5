"""How catalogue search grows with the catalogue: 1k, 20k and 100k courses and as many job openings, on
SQLite and PostgreSQL, for a mix of real questions (a field word, a title word, an unknown field; a city and
province or no place; age, gender, organisation and target-group filters; pages 0 and 1).

The sample rows are copied with new codes and places until each table holds the size. PostgreSQL is
VACUUMed and ANALYZEd after each growth, as its autovacuum does after a catalogue import (index-only scans
need the visibility map); SQLite is left as the product leaves it. For the slowest question at each size
the benchmark also times each SQL statement of that search and prints the plan of the slowest one.

`python -m bench.catalogue_growth [--label before|after] [--searches N]` prints the numbers and stores
them under the label in bench/results/catalogue_growth.json (other labels in the file are kept).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, insert, select, text

from bench.stats import percentile
from karyar.catalogue.importer import import_samples
from karyar.catalogue.listing import ItemKind, search_for
from karyar.db.engine import Database
from karyar.db.models import Course, JobOpening
from karyar.eligibility.model import Profile
from tests.support.databases import migrated_database

RESULTS = Path(__file__).resolve().parent / "results" / "catalogue_growth.json"
SIZES = (1_000, 20_000, 100_000)
KINDS: tuple[ItemKind, ...] = ("course", "job")
PAGES = (0, 1)
MIX = {
    "field word, city": Profile(organisation="emdad", age=23, gender="female", province="خراسان رضوی",
                                city="مشهد", fields=("خیاطی",)),
    "field word, target group": Profile(organisation="behzisti", age=34, gender="male", province="فارس",
                                        city="شیراز", target_groups=frozenset({"recovered_addict"}),
                                        target_groups_known=True, fields=("جوشکاری",)),
    "field absent from province": Profile(organisation="none", age=17, gender="male", province="ایلام",
                                          city="ایلام", fields=("زنبورداری",)),
    "field variant, no place": Profile(age=30, gender="female", fields=("برنامه نویسی",)),
    "title word": Profile(organisation="emdad", age=40, gender="female", province="تهران", city="تهران",
                          fields=("مانتو",)),
    "unknown field": Profile(age=28, gender="male", province="اصفهان", city="کاشان", fields=("فضانوردی",)),
    "no field": Profile(organisation="behzisti", age=45, province="کرمان", city="کرمان"),
}  # fmt: skip
# Questions naming no known field count the whole suitable catalogue (the heading says how many there are).
WITHOUT_FIELD = {"unknown field", "no field"}


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _summary(durations: list[float]) -> dict[str, float]:
    return {"p50_ms": _ms(percentile(durations, 0.5)), "p95_ms": _ms(percentile(durations, 0.95))}


def dated_samples(database: Database) -> dict[type[Course] | type[JobOpening], list[dict[str, Any]]]:
    """The shipped sample rows, dated from today so the mix finds the same upcoming items on any day."""
    with database.unit_of_work() as session:
        import_samples(session, first_date=datetime.now(UTC).date())
    samples = {}
    with database.unit_of_work() as session:
        for model in (Course, JobOpening):
            samples[model] = [
                {c.key: getattr(row, c.key) for c in model.__table__.columns if c.key != "id"}
                for row in session.scalars(select(model))
            ]
    return samples


def grow_catalogue(database: Database, rows: int, samples: dict[Any, list[dict[str, Any]]]) -> None:
    """Copy the samples, with new codes and shuffled places, until each table holds `rows`."""
    for model, originals in samples.items():
        places = [(s["province"], s["city"]) for s in originals if s["province"]]
        with database.unit_of_work() as session:
            present = session.scalar(select(func.count()).select_from(model)) or 0
            rng = random.Random(present)
            copies = []
            for number in range(present, rows):
                row = dict(originals[number % len(originals)])
                row["code"] = f"{row['code']}-{number}"
                if row["province"]:
                    row["province"], row["city"] = rng.choice(places)
                copies.append(row)
            for start in range(0, len(copies), 5000):
                session.execute(insert(model), copies[start : start + 5000])
    if database.engine.dialect.name == "postgresql":
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE courses"))
            connection.execute(text("VACUUM ANALYZE job_openings"))


@dataclass(frozen=True)
class _Case:
    question: str
    kind: ItemKind
    page: int

    def run(self, database: Database) -> None:
        with database.unit_of_work() as session:
            search_for(session, kind=self.kind, profile=MIX[self.question], page=self.page)


CASES = [_Case(question, kind, page) for question in MIX for kind in KINDS for page in PAGES]


@contextmanager
def _statements(database: Database) -> Iterator[list[tuple[float, str, Any]]]:
    """Record (seconds, SQL, parameters) of every statement run on the database meanwhile."""
    recorded: list[tuple[float, str, Any]] = []
    starts: list[float] = []

    def before(*_: Any) -> None:
        starts.append(time.perf_counter())

    def after(_connection: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        recorded.append((time.perf_counter() - starts.pop(), statement, parameters))

    event.listen(database.engine, "before_cursor_execute", before)
    event.listen(database.engine, "after_cursor_execute", after)
    try:
        yield recorded
    finally:
        event.remove(database.engine, "before_cursor_execute", before)
        event.remove(database.engine, "after_cursor_execute", after)


def _explain(database: Database, statement: str, parameters: Any) -> list[str]:
    prefix = (
        "EXPLAIN (ANALYZE, BUFFERS) "
        if database.engine.dialect.name == "postgresql"
        else "EXPLAIN QUERY PLAN "
    )
    with database.engine.connect() as connection:
        rows = connection.exec_driver_sql(prefix + statement, parameters).all()
    return [" | ".join(str(value) for value in row) for row in rows]


def _slowest_statement(database: Database, case: _Case) -> dict[str, Any]:
    case.run(database)  # warm the caches for this question
    with _statements(database) as recorded:
        case.run(database)
    _seconds, statement, parameters = max(recorded, key=lambda entry: entry[0])
    return {
        "statements_ms": [_ms(entry[0]) for entry in recorded],
        "slowest_sql": " ".join(statement.split()),
        "plan": _explain(database, statement, parameters),
    }


def _measure(database: Database, searches: int) -> dict[str, Any]:
    for case in CASES:
        case.run(database)  # warm-up: first-use costs are not what grows with the catalogue
    durations: dict[_Case, list[float]] = {case: [] for case in CASES}
    for number in range(searches):
        case = CASES[number % len(CASES)]
        start = time.perf_counter()
        case.run(database)
        durations[case].append(time.perf_counter() - start)
    by_kind: dict[str, Any] = {
        kind: _summary([d for case, ds in durations.items() if case.kind == kind for d in ds])
        for kind in KINDS
    }
    slowest = max(durations, key=lambda case: percentile(durations[case], 0.5))
    return {
        "all": _summary([d for ds in durations.values() for d in ds]),
        "with_a_field_word": _summary(
            [d for case, ds in durations.items() if case.question not in WITHOUT_FIELD for d in ds]
        ),
        **by_kind,
        "by_question_p50_ms": {
            f"{case.question} / {case.kind} / page {case.page}": _ms(percentile(ds, 0.5))
            for case, ds in durations.items()
        },
        "slowest_question": f"{slowest.question} / {slowest.kind} / page {slowest.page}",
        **_slowest_statement(database, slowest),
    }


def backend_numbers(backend: str, searches: int, sizes: tuple[int, ...]) -> dict[str, Any]:
    numbers: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as workdir, migrated_database(backend, Path(workdir)) as url:
        database = Database(url)
        try:
            samples = dated_samples(database)
            for rows in sizes:
                grow_catalogue(database, rows, samples)
                numbers[str(rows)] = _measure(database, searches)
                print(backend, rows, json.dumps(numbers[str(rows)]["all"]), flush=True)
        finally:
            database.dispose()
    return numbers


def _store(label: str, numbers: dict[str, Any]) -> None:
    stored = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    stored[label] = numbers
    RESULTS.write_text(json.dumps(stored, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _table(numbers: dict[str, Any]) -> str:
    lines = ["database    rows/table   p50 ms   p95 ms   (course p95, job p95; field word p50, p95)"]
    for backend in ("postgresql", "sqlite"):
        for rows, result in numbers.get(backend, {}).items():
            lines.append(
                f"{backend:<11} {int(rows):>10}  {result['all']['p50_ms']:>7}  {result['all']['p95_ms']:>7}"
                f"   ({result['course']['p95_ms']}, {result['job']['p95_ms']};"
                f" {result['with_a_field_word']['p50_ms']}, {result['with_a_field_word']['p95_ms']})"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="current", help="the key the numbers are stored under")
    parser.add_argument("--searches", type=int, default=280, help="timed searches per size and database")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="rows per table, comma-separated")
    parser.add_argument("--backends", default="postgresql,sqlite")
    arguments = parser.parse_args(argv)
    sizes = tuple(int(size) for size in arguments.sizes.split(","))
    numbers: dict[str, Any] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "searches_per_size": arguments.searches,
        # The machine is shared: a busy one slows every number, so the load before the run is kept.
        "load_average_1_5_15": [round(load, 2) for load in os.getloadavg()],
        "mix": [f"{case.question} / {case.kind} / page {case.page}" for case in CASES],
    }
    for backend in arguments.backends.split(","):
        numbers[backend] = backend_numbers(backend, arguments.searches, sizes)
    _store(arguments.label, numbers)
    print(_table(numbers))


if __name__ == "__main__":
    main()

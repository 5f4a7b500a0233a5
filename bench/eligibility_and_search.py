"""How long a personal answer takes to compute: the eligibility engine, and a catalogue search over a large
catalogue (the sample rows, dated from today, copied to 20,000 courses and 20,000 openings) on SQLite and
PostgreSQL. bench/catalogue_growth.py follows search as the catalogue grows.

`python -m bench.eligibility_and_search` prints the numbers and writes bench/results/eligibility_and_search.json.
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.catalogue_growth import dated_samples, grow_catalogue
from bench.stats import percentile
from karyar.catalogue.listing import search_for
from karyar.db.engine import Database
from karyar.eligibility.engine import assess
from karyar.eligibility.model import Profile, Topic
from karyar.policies import policies
from tests.support.databases import migrated_database

RESULTS = Path(__file__).resolve().parent / "results" / "eligibility_and_search.json"
ROWS_PER_TABLE = 20_000
SEARCHES = 300
PROFILES = [
    Profile(organisation="emdad", age=23, gender="female", household_role="head", province="خراسان رضوی",
            city="مشهد", fields=("خیاطی",), employment_status="unemployed"),
    Profile(organisation="behzisti", age=34, gender="male", target_groups=frozenset({"recovered_addict"}),
            target_groups_known=True, province="فارس", city="شیراز", fields=("جوشکاری",)),
    Profile(organisation="none", age=17, gender="male", province="ایلام", city="ایلام", fields=("زنبورداری",)),
]  # fmt: skip


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _timed(calls: int, call: Any) -> dict[str, float]:
    durations = []
    for number in range(calls):
        start = time.perf_counter()
        call(number)
        durations.append(time.perf_counter() - start)
    return {"p50_ms": _ms(percentile(durations, 0.5)), "p95_ms": _ms(percentile(durations, 0.95))}


def engine_numbers() -> dict[str, float]:
    rules = policies()
    return _timed(
        3000, lambda n: assess(PROFILES[n % len(PROFILES)], rules, topic=list(Topic)[n % len(Topic)])
    )


def search_numbers(url: str) -> dict[str, Any]:
    database = Database(url)
    try:
        grow_catalogue(database, ROWS_PER_TABLE, dated_samples(database))
        results = {}
        for kind in ("course", "job"):

            def search(number: int, kind: Any = kind) -> None:
                profile = PROFILES[number % len(PROFILES)]
                with database.unit_of_work() as session:
                    search_for(session, kind=kind, profile=replace(profile), page=number % 3)

            results[kind] = _timed(SEARCHES, search)
        return results
    finally:
        database.dispose()


def main() -> None:
    with tempfile.TemporaryDirectory() as workdir:
        with migrated_database("sqlite", Path(workdir)) as url:
            sqlite = search_numbers(url)
        with migrated_database("postgresql", Path(workdir)) as url:
            postgresql = search_numbers(url)
    numbers = {
        "catalogue_rows_per_table": ROWS_PER_TABLE,
        "engine_assess": engine_numbers(),
        "search_sqlite": sqlite,
        "search_postgresql": postgresql,
    }
    RESULTS.write_text(json.dumps(numbers, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(numbers, indent=2))


if __name__ == "__main__":
    main()

"""How long matching new job openings against every subscribed client's alerts takes (karyar.alerts): the
issue asks for 100,000 subscribed clients × 1,000 new openings in ≤ 30 s on PostgreSQL.

Clients get the facts the intake gathers (gender, age, province, a field for some, an organisation and a
target group for a few) and one alert each: most name a field and a place, some only a field (the place
is then their own), some nothing (their facts decide). Openings spread over the reference fields and
provinces, a few limited to one gender, an age or a target group. The time measured is one call of
`announce` as staff approval or a catalogue import makes it: the broadcasts made, matching, the weekly
cap and the delivery rows written.

`python -m bench.alert_matching [--clients N] [--items N] [--backend postgresql|sqlite]` prints the numbers
and stores them under "<backend> <clients>x<items>" in bench/results/alert_matching.json (other entries kept).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

from bench.results_file import write_results
from karyar.alerts import announce as announce_module
from karyar.catalogue.reference import fields, places
from karyar.db.alert_models import Alert
from karyar.db.engine import Database
from karyar.db.models import BroadcastDelivery, Client, JobOpening, ProfileFact
from persian.text import search_key
from tests.support.databases import migrated_database

RESULTS = Path(__file__).resolve().parent / "results" / "alert_matching.json"
GROUPS = ("female_head_of_household", "person_with_disability", "recovered_addict", "care_leaver")
BATCH = 5_000


def _insert(database: Database, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        with database.unit_of_work() as session:
            session.execute(insert(model), rows[start : start + BATCH])


def populate(database: Database, *, clients: int, items: int, seed: int = 26) -> list[int]:
    """The clients with facts and alerts, and the new openings; the openings' ids."""
    rng = random.Random(seed)
    field_names = list(fields().names)
    provinces = list(places().provinces)
    moment = datetime.now(UTC)
    first_user = 9_000_000_000
    _insert(
        database,
        Client,
        [
            {"telegram_user_id": first_user + n, "subscribed": True, "consent_given_at": moment,
             "first_seen_at": moment, "last_seen_at": moment}
            for n in range(clients)
        ],
    )  # fmt: skip
    with database.unit_of_work() as session:
        ids = list(session.scalars(select(Client.id).order_by(Client.id)))
    facts, alerts = [], []
    for client_id in ids:
        province, field = rng.choice(provinces), rng.choice(field_names)

        def fact(name: str, value: str, client_id: int = client_id) -> None:
            facts.append({"client_id": client_id, "name": name, "value": value, "source": "bench",
                          "recorded_at": moment})  # fmt: skip

        fact("gender", rng.choice(("female", "female", "male")))
        fact("age", str(rng.randint(16, 60)))
        fact("province", province)
        if rng.random() < 0.6:
            fact("field", field)
        if rng.random() < 0.3:
            fact("organisation", rng.choice(("emdad", "behzisti", "none")))
        if rng.random() < 0.2:
            fact("target_group", rng.choice(GROUPS))
        shape = rng.random()
        alert_field = field if shape < 0.9 else None
        alert_province = province if shape < 0.7 else None
        alerts.append({
            "client_id": client_id, "kind": rng.choice(("job", "any")), "field": alert_field,
            "field_key": search_key(alert_field) if alert_field else None, "province": alert_province,
            "city": None, "created_at": moment,
        })  # fmt: skip
    _insert(database, ProfileFact, facts)
    _insert(database, Alert, alerts)
    jobs = []
    for n in range(items):
        field = rng.choice(field_names)
        limited = rng.random()
        jobs.append({
            "code": f"BENCH-{n}", "title": f"{field} {n}", "title_key": search_key(f"{field} {n}"),
            "field": field, "field_key": search_key(field), "province": rng.choice(provinces), "city": None,
            "mode": "online" if rng.random() < 0.05 else "in_person",
            "gender": rng.choice(("female", "male")) if limited < 0.2 else "any",
            "min_age": 18 if limited < 0.4 else None, "max_age": 45 if 0.3 < limited < 0.5 else None,
            "target_groups": [rng.choice(GROUPS)] if limited > 0.9 else [], "organisations": [],
            "employer": "bench workshop", "employment_type": "full_time", "active": True,
            "created_at": moment, "updated_at": moment,
        })  # fmt: skip
    _insert(database, JobOpening, jobs)
    if database.engine.dialect.name == "postgresql":
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    with database.unit_of_work() as session:
        return list(session.scalars(select(JobOpening.id).where(JobOpening.code.like("BENCH-%"))))


def measure(database: Database, item_ids: list[int], *, per_week: int) -> dict[str, Any]:
    announce_module.is_open = lambda at: True  # measure sending now, at any hour
    started = time.perf_counter()
    with database.unit_of_work() as session:
        items = list(session.scalars(select(JobOpening).where(JobOpening.id.in_(item_ids))))
        planned = announce_module.announce(session, items, per_week=per_week)
    seconds = time.perf_counter() - started
    with database.unit_of_work() as session:
        reached = session.scalar(select(func.count(func.distinct(BroadcastDelivery.client_id)))) or 0
        per_client = (
            select(func.count().label("alerts"))
            .select_from(BroadcastDelivery)
            .group_by(BroadcastDelivery.client_id)
            .subquery("per_client")
        )
        most = session.scalar(select(func.max(per_client.c.alerts)))
    return {
        "seconds": round(seconds, 2),
        "alerts_planned": planned,
        "clients_reached": int(reached),
        "most_for_one_client": most,
        "per_week": per_week,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=1_000)
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--per-week", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir, migrated_database(args.backend, Path(workdir)) as url:
        database = Database(url)
        started = time.perf_counter()
        item_ids = populate(database, clients=args.clients, items=args.items)
        print(f"populated in {time.perf_counter() - started:.1f}s")
        numbers = measure(database, item_ids, per_week=args.per_week)
        database.dispose()
    previous = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    previous.pop("measured_at", None)
    key = f"{args.backend} {args.clients}x{args.items}"
    write_results(RESULTS, {**previous, key: {**numbers, "target_seconds": 30}})


if __name__ == "__main__":
    main()

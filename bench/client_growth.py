"""Reply latency as the case database grows: 10,000, 100,000 and 1,000,000 clients, on PostgreSQL.

The stack runs as in bench/load.py. Before each size the generated history of bench/history.py is added
until the database holds that many clients (MESSAGES_PER_CLIENT messages each, with their cases, facts,
handoffs and follow-ups; its past settled, see SETTLE_HISTORY), then PostgreSQL is VACUUMed and ANALYZEd,
as its autovacuum would after such growth. At each size: replies one message at a time (half of the
clients from the history who have consented, with their cases and messages; half new), and one step of
the load benchmark at LOAD_RATE messages a second.

`python -m bench.client_growth [--sizes 10000,100000,1000000]` prints the numbers and writes
bench/results/client_growth.json.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text

from bench.history import HistoryShape, generate
from bench.load import CONVERSATION, cpu_per_message, run_step, sequential_turn, stack_cpu_meter
from bench.results_file import write_results
from bench.stats import latency_summary
from karyar.clock import now
from karyar.db.engine import Database
from karyar.db.models import Client
from tests.support.catalogue import catalogued_database
from tests.support.stack import Stack, running_stack

RESULTS = Path(__file__).resolve().parent / "results" / "client_growth.json"
SIZES = (10_000, 100_000, 1_000_000)
MESSAGES_PER_CLIENT = 6
HISTORY_BASE = 9_100_000_000  # Telegram ids of the generated clients
SEQUENTIAL_CLIENTS = 6  # each says the whole conversation, one message at a time
LOAD_RATE = 12.0
LOAD_SECONDS = 20.0


# The generated past has happened: its due check-ins were sent, its handoffs ended, its messages answered.
# Otherwise the bot's periodic work would spend the measured minutes on years of backlog at once.
SETTLE_HISTORY = (
    "UPDATE follow_ups SET sent_at = due_at"
    " WHERE sent_at IS NULL AND cancelled_at IS NULL AND due_at <= now()",
    "UPDATE handoffs SET status = 'closed', ended_at = requested_at + interval '1 day',"
    " client_told_at = coalesce(client_told_at, requested_at),"
    " cards_posted_at = coalesce(cards_posted_at, requested_at) WHERE ended_at IS NULL",
    "UPDATE messages SET status = 'answered' WHERE status = 'pending'",
)


def _clients(database: Database) -> int:
    with database.unit_of_work() as session:
        return int(session.scalar(select(func.count()).select_from(Client)) or 0)


def _grow(database: Database, url: str, size: int, added: int) -> int:
    """Adds generated clients until the database holds `size`; returns how many were generated in all."""
    missing = size - _clients(database)
    if missing > 0:
        end = now()
        shape = HistoryShape(
            clients=missing,
            messages_per_client=MESSAGES_PER_CLIENT,
            start=end - timedelta(days=730),
            end=end,
            broadcasts=0,
            seed=size,
            keep_messages=False,
        )
        generate(database, shape, telegram_id_base=HISTORY_BASE + added)
        added += missing
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        for statement in SETTLE_HISTORY:
            connection.execute(text(statement))
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return added


def _ordinary_known_clients(database: Database, count: int) -> list[int]:
    """Generated clients who have consented (the settled history has no handoff going on): their messages
    go to Rasa."""
    with database.unit_of_work() as session:
        return list(
            session.scalars(
                select(Client.telegram_user_id)
                .where(Client.telegram_user_id >= HISTORY_BASE, Client.consent_given_at.is_not(None))
                .order_by(func.random())
                .limit(count)
            )
        )


def _sequential(stack: Stack, users: list[int]) -> list[float]:
    return [sequential_turn(stack, user, line) for user in users for line in CONVERSATION]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="clients in the database")
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as workdir:
        work = Path(workdir)
        with (
            catalogued_database("postgresql", work) as url,
            running_stack(
                database_url=url, log_dir=work, through_gate=False, production_timings=True
            ) as stack,
        ):
            database = Database(url)
            added = 0
            fresh = 8_600_000_000
            for number, size in enumerate(int(s) for s in args.sizes.split(",")):
                started = time.perf_counter()
                added = _grow(database, url, size, added)
                grown_in = time.perf_counter() - started
                half = SEQUENTIAL_CLIENTS // 2
                known = _ordinary_known_clients(database, half)
                new = [fresh + number * 100 + k for k in range(half)]
                _sequential(stack, [fresh + 99 + number * 100])  # warm-up after the growth
                sequential = _sequential(stack, known + new)
                meter = stack_cpu_meter(stack)
                meter.start()
                step = run_step(
                    stack, LOAD_RATE, first_user=fresh + 10_000 * (number + 1), seconds=LOAD_SECONDS
                )
                cpu = cpu_per_message(meter.stop(), int(step["sent"]))
                row = {
                    "clients": _clients(database),
                    "generated_in_seconds": round(grown_in, 1),
                    "sequential_reply_ms": latency_summary(sequential),
                    f"at_{LOAD_RATE:g}_per_second": {k: v for k, v in step.items() if k != "cpu"},
                    "postgresql_cpu_ms_per_message": cpu["postgresql"]["cpu_ms_per_message"],
                    "bot_cpu_ms_per_message": cpu["bot"]["cpu_ms_per_message"],
                }
                print(row, flush=True)
                rows.append(row)
            database.dispose()
    write_results(
        RESULTS,
        {
            "database": "postgresql",
            "messages_per_generated_client": MESSAGES_PER_CLIENT,
            "conversation": CONVERSATION,
            "sizes": rows,
        },
    )


if __name__ == "__main__":
    main()

"""Faults under load: Rasa killed and restarted, the action server killed and restarted, the bot killed with
kill -9 and restarted, PostgreSQL restarted, each while simulated clients keep talking (5 messages a
second, on PostgreSQL). For each fault: messages lost (sent but never recorded; target 0), duplicates
(recorded twice), messages Rasa's conversations hold twice, messages never answered, the longest time a
client waited for an answer, and what clients were told meanwhile.

`--rasa-servers 2` runs the same faults with two Rasa servers sharing conversations (the tracker store in
PostgreSQL, the locks in Redis): the first is the one killed, and its conversations must go on on the other
with nothing lost and nothing answered twice. Results in `faults_2_rasa.json`. The bot calls Rasa directly,
as in production (the tests' outage gate would answer for a dead server instead of refusing the
connection, and the bot moves to the next server only when one refuses)."""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import select

from bench.results_file import write_results
from karyar.db.engine import Database
from karyar.db.models import Client, Message
from karyar.messages import RASA_MESSAGE_ID_KEY
from tests.support.databases import migrated_database
from tests.support.processes import ManagedProcess
from tests.support.stack import RASA_LOAD_SECONDS, RASA_TOKEN, Stack, running_stack

RESULTS = Path(__file__).resolve().parent / "results" / "faults.json"
RATE = 5.0
LOAD_SECONDS = 45.0
FAULT_AT = 10.0
ANSWER_TIMEOUT = 180.0
LINES = ["سلام", "دوره خیاطی تو مشهد دارین؟", "کار میخوام", "وام میخوام", "ممنون"]


def _restart(stack: Stack, name: str, ready_url: str, timeout: float) -> None:
    old = stack.processes[name]
    old.kill()
    time.sleep(2.0)  # down for a moment, as after a crash
    command = [str(part) for part in old.process.args]  # type: ignore[union-attr]
    stack.processes[name] = ManagedProcess(f"{name}-restarted", command, env=old.env, log_dir=stack.log_dir)
    stack.processes[name].wait_http(ready_url, timeout=timeout)


def _restart_postgresql() -> None:
    version = subprocess.run(
        ["ls", "/etc/postgresql"], capture_output=True, text=True, check=True
    ).stdout.split()[0]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
    )


def faults(stack: Stack) -> dict[str, Callable[[], None]]:
    return {
        "rasa_killed_and_restarted": lambda: _restart(
            stack, "rasa", f"{stack.rasa_url}/status?token={RASA_TOKEN}", RASA_LOAD_SECONDS
        ),
        "action_server_killed_and_restarted": lambda: _restart(
            stack, "actions", f"{stack.action_server_url}/health", 60
        ),
        "bot_killed_with_kill_9_and_restarted": lambda: stack.restart_bot(kill=True),
        "postgresql_restarted": _restart_postgresql,
    }


def _under_fault(
    stack: Stack, database: Database, fault: Callable[[], None], first_user: int
) -> dict[str, object]:
    users = list(range(first_user, first_user + 60))
    sent: list[tuple[int, str]] = []
    waits: list[float] = []
    unanswered = 0
    lock = threading.Lock()

    def turn(user: int, text: str) -> None:
        nonlocal unanswered
        started = time.perf_counter()
        message = stack.api.send_text(user, text)
        with lock:
            sent.append((user, text))
        try:
            stack.api.wait_for_bot_messages(user, 1, since=message, timeout=ANSWER_TIMEOUT)
            with lock:
                waits.append(time.perf_counter() - started)
        except TimeoutError:
            with lock:
                unanswered += 1

    marks = {user: stack.api.mark(user) for user in users}
    started = time.perf_counter()
    fault_thread = threading.Timer(FAULT_AT, fault)
    fault_thread.start()
    with ThreadPoolExecutor(max_workers=64) as pool:
        n = 0
        while time.perf_counter() - started < LOAD_SECONDS:
            user = users[n % len(users)]
            pool.submit(turn, user, LINES[(n // len(users)) % len(LINES)])
            n += 1
            time.sleep(1 / RATE)
    fault_thread.join()
    # Every message must now be recorded, and each exactly once.
    with database.unit_of_work() as session:
        rows = session.execute(
            select(Client.telegram_user_id, Message.text)
            .join(Client, Client.id == Message.client_id)
            .where(Client.telegram_user_id.in_(users), Message.direction == "in")
        ).all()
    recorded = Counter((int(user), str(text)) for user, text in rows)
    expected = Counter(sent)
    told = Counter(
        str(m.get("text"))[:80]
        for user in users
        for m in stack.api.bot_messages(user, since=marks[user])
        if any(word in str(m.get("text")) for word in ("ثبت شد", "صبر", "لحظه"))
    )
    return {
        "messages_sent": len(sent),
        "messages_lost": sum((expected - recorded).values()),
        "duplicates": sum((recorded - expected).values()),
        "messages_rasa_saw_twice": _seen_twice_by_rasa(stack, users),
        "messages_never_answered": unanswered,
        "longest_wait_seconds": round(max(waits), 1) if waits else None,
        "what_clients_were_told_meanwhile": dict(told.most_common(3)),
    }


def _seen_twice_by_rasa(stack: Stack, users: list[int]) -> int:
    """Messages that appear more than once in Rasa's conversations (each carries its case-database id)."""
    twice = 0
    for user in users:
        tracker = httpx.get(
            f"{stack.rasa_url}/conversations/{user}/tracker",
            params={"token": RASA_TOKEN, "include_events": "ALL"},
            timeout=60,
        ).json()
        ids = Counter(
            (event.get("metadata") or {}).get(RASA_MESSAGE_ID_KEY)
            for event in tracker.get("events") or []
            if event.get("event") == "user"
        )
        twice += sum(count - 1 for message_id, count in ids.items() if message_id is not None and count > 1)
    return twice


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa-servers", type=int, default=1, help="Rasa servers sharing conversations")
    args = parser.parse_args(argv)
    results: dict[str, object] = {
        "database": "postgresql",
        "messages_per_second": RATE,
        "rasa_servers": args.rasa_servers,
    }
    with tempfile.TemporaryDirectory() as workdir:
        work = Path(workdir)
        with (
            migrated_database("postgresql", work) as url,
            running_stack(
                database_url=url, log_dir=work, rasa_servers=args.rasa_servers, through_gate=False
            ) as stack,
        ):
            database = Database(url)
            stack.api.send_text(8_950_000_000, "سلام")
            stack.api.wait_for_bot_messages(8_950_000_000, 1, timeout=60)
            for number, (name, fault) in enumerate(faults(stack).items()):
                results[name] = _under_fault(stack, database, fault, first_user=8_950_000_001 + number * 1000)
                print(name, results[name], flush=True)
            database.dispose()
            # Written before the teardown: the restart of PostgreSQL may have cut the connection it uses.
            servers = args.rasa_servers
            write_results(
                RESULTS if servers == 1 else RESULTS.with_name(f"faults_{servers}_rasa.json"), results
            )


if __name__ == "__main__":
    main()

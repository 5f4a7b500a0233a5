"""Bad input: over a thousand hostile or odd updates through the stand-in (oversized and mixed-script
texts, control and bidi characters, malformed callback data, unknown update kinds, media without captions,
edits of old messages, floods). Reports crashes, clients left unanswered and messages not recorded
(targets: 0, 0, 0) and how long the product took to work through it all."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from bench.results_file import write_results
from karyar.db.engine import Database
from karyar.db.models import Client, Message
from tests.support.databases import migrated_database
from tests.support.hostile import send_hostile_corpus
from tests.support.stack import running_stack

RESULTS = Path(__file__).resolve().parent / "results" / "bad_input.json"
UPDATES = 1200


def _recorded(database: Database) -> dict[int, int]:
    with database.unit_of_work() as session:
        rows = session.execute(
            select(Client.telegram_user_id, func.count())
            .join(Message, Message.client_id == Client.id)
            .where(Message.direction == "in")
            .group_by(Client.telegram_user_id)
        )
        return {int(user): int(count) for user, count in rows}


def main() -> None:
    with tempfile.TemporaryDirectory() as workdir:
        work = Path(workdir)
        with (
            migrated_database("postgresql", work) as url,
            running_stack(database_url=url, log_dir=work) as stack,
        ):
            database = Database(url)
            started = time.perf_counter()
            plan = send_hostile_corpus(stack.api, first_user=8_700_000_001, count=UPDATES)
            sent_in = time.perf_counter() - started

            def done() -> bool:
                recorded = _recorded(database)
                return all(recorded.get(user, 0) >= n for user, n in plan.messages.items()) and all(
                    stack.api.bot_messages(user) for user in plan.messages
                )

            stack.api.wait_until(done, timeout=600)
            finished = time.perf_counter() - started
            recorded = _recorded(database)
            log = stack.processes["bot"].log_path.read_text(errors="replace")
            results = {
                "database": "postgresql",
                "updates_sent": plan.updates,
                "clients": len(plan.messages),
                "messages_expected": sum(plan.messages.values()),
                "messages_recorded": sum(min(recorded.get(u, 0), n) for u, n in plan.messages.items()),
                "messages_not_recorded": sum(
                    max(0, n - recorded.get(u, 0)) for u, n in plan.messages.items()
                ),
                "clients_unanswered": sum(1 for user in plan.messages if not stack.api.bot_messages(user)),
                "forged_presses": len(plan.callbacks),
                "forged_presses_unanswered": sum(
                    1 for q in plan.callbacks if not stack.api.callback_answers(q)
                ),
                "handler_failures_in_log": log.count(" failed: "),
                "bot_crashed": not stack.processes["bot"].alive(),
                "seconds_to_send": round(sent_in, 1),
                "seconds_until_all_recorded_and_answered": round(finished, 1),
            }
            database.dispose()
    write_results(RESULTS, results)


if __name__ == "__main__":
    main()

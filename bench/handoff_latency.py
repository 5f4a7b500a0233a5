"""How fast a handoff reaches a person: the client's request → the counsellor's case card, the claim → the
client told, and a message each way while they talk.

Starts the real stack (Rasa with the trained model, action server, bot, Bot API stand-in) on a fresh SQLite
database with one registered counsellor, then runs complete handoffs one after another: ask, claim, one
message each way, close. Prints the numbers and writes them to bench/results/handoff_latency.json.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from bench.results_file import write_results
from bench.stats import latency_summary
from karyar.db.engine import Database
from karyar.staff import registry
from localapi import UserDriver
from tests.support.databases import migrated_database
from tests.support.stack import running_stack

RESULTS = Path(__file__).resolve().parent / "results" / "handoff_latency.json"
ROUNDS = 20
COUNSELLOR = 8_950_000_000
ASK = "میخوام با یه مشاور حرف بزنم"


def _timed(api: UserDriver, chat: int, action: Any) -> tuple[float, list[dict[str, Any]]]:
    mark = api.mark(chat)
    started = time.perf_counter()
    action()
    messages = api.wait_for_bot_messages(chat, 1, since=mark, timeout=60)
    return (time.perf_counter() - started) * 1000, messages


def _button(message: dict[str, Any], title: str) -> str:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return next(b["callback_data"] for row in rows for b in row if b["text"] == title)


def _rounds(api: UserDriver, timings: dict[str, list[float]]) -> None:
    for n in range(ROUNDS):
        client = 8_950_000_001 + n
        api.send_text(client, "سلام")  # a known client, as after the greeting
        api.wait_for_bot_messages(client, 1, timeout=60)
        took, [card] = _timed(api, COUNSELLOR, lambda c=client: api.send_text(c, ASK))
        timings["request_to_card_ms"].append(took)
        claim = _button(card, "✋ قبول")
        took, _ = _timed(
            api, client, lambda m=card, d=claim: api.press_button(COUNSELLOR, m["message_id"], d)
        )
        timings["claim_to_client_ms"].append(took)
        time.sleep(0.5)  # the waiting messages are relayed on claim; measure a fresh one
        took, _ = _timed(api, COUNSELLOR, lambda c=client: api.send_text(c, "سؤالی دارم"))
        timings["client_to_counsellor_ms"].append(took)
        took, _ = _timed(api, client, lambda: api.send_text(COUNSELLOR, "بفرمایید"))
        timings["counsellor_to_client_ms"].append(took)
        _, [outcomes] = _timed(api, COUNSELLOR, lambda: api.send_text(COUNSELLOR, "/close"))
        _timed(
            api,
            client,
            lambda m=outcomes: api.press_button(COUNSELLOR, m["message_id"], _button(m, "سایر")),
        )


def main() -> None:
    timings: dict[str, list[float]] = {
        "request_to_card_ms": [],
        "claim_to_client_ms": [],
        "client_to_counsellor_ms": [],
        "counsellor_to_client_ms": [],
    }
    with tempfile.TemporaryDirectory() as workdir:
        work = Path(workdir)
        with migrated_database("sqlite", work) as url, running_stack(database_url=url, log_dir=work) as stack:
            database = Database(url)
            with database.unit_of_work() as session:
                registry.add_member(session, telegram_user_id=COUNSELLOR, name="مشاور", role="counsellor")
            api = stack.api
            api.add_user(COUNSELLOR, "مشاور")
            try:
                _rounds(api, timings)
            except TimeoutError:
                print(stack.logs())
                for message in api.transcript(COUNSELLOR)[-6:]:
                    print("counsellor chat:", message.get("from", {}).get("id"), message.get("text"))
                raise
            database.dispose()
    results = {
        "rounds": ROUNDS,
        **{name: latency_summary(values) for name, values in timings.items()},
    }
    write_results(RESULTS, results)


if __name__ == "__main__":
    main()

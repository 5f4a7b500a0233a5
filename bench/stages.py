"""Where one message's time goes: its latency split into stages, and how it grows with the conversation.

Starts the real stack on PostgreSQL the way bench/load.py does, with the timing points of
bench/stage_probe/ switched on in every process (KARYAR_STAGE_PROBE, set only here). Clients hold the
load benchmark's conversation one message at a time; each message's timed calls are the ones that began
between its sending and the next message, so every stage below is per message:

- bot: storing (db:store), the other database reads, the Rasa webhook call, reading what Rasa understood
  (`understanding`), the listener's checks, rendering and sending;
- Rasa: the whole handling, NLU parse, tracker retrieve and save, policies, each action call;
- action server: each action's run; SQL statements per process (count and time, SQLAlchemy hooks).

Then, for conversations with about 10, 100 and 1,000 earlier events in the tracker (appended through
Rasa's API), the reply latency and the stages that read the tracker. Each part is repeated; the spread
between repetitions and the machine's load average are recorded, since the machine is shared.

To compare with an earlier version, run it in a checkout of that version (`--label` names the results).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

from bench.load import CONVERSATION, first_reply
from bench.results_file import write_results
from bench.stack_baseline import process_tree
from tests.support.catalogue import catalogued_database
from tests.support.stack import RASA_TOKEN, Stack, running_stack

RESULTS_DIR = Path(__file__).resolve().parent / "results"
PROBE_PATH = Path(__file__).resolve().parent / "stage_probe"
REPETITIONS = 3
CLIENTS_PER_REPETITION = 6
GROWTH_EVENTS = (10, 100, 1000)
GROWTH_MESSAGES = 5
SETTLE_SECONDS = 10.0  # longest wait for a message's handling to finish before the next one is sent


class Probe:
    """Reads the timing lines the processes append, each file from where it was last read."""

    def __init__(self, directory: Path, names: dict[int, str]) -> None:
        self._directory = directory
        self._names = names
        self._offsets: dict[Path, int] = {}
        self.spans: list[tuple[str, str, float, float]] = []  # process, stage, start, ms

    def read(self) -> None:
        for path in sorted(self._directory.glob("*.jsonl")):
            with path.open(encoding="utf-8") as lines:
                lines.seek(self._offsets.get(path, 0))
                chunk = lines.read()
                complete = chunk[: chunk.rfind("\n") + 1]
                self._offsets[path] = self._offsets.get(path, 0) + len(complete.encode("utf-8"))
            process = self._names.get(int(path.stem), "other")
            for line in complete.splitlines():
                span = json.loads(line)
                self.spans.append((process, span["s"], span["t"], span["ms"]))

    def count(self, stage: str) -> int:
        self.read()
        return sum(1 for _p, s, _t, _ms in self.spans if s == stage)

    def between(self, start: float, end: float) -> list[tuple[str, str, float, float]]:
        return [span for span in self.spans if start <= span[2] < end]


def _process_names(stack: Stack) -> dict[int, str]:
    names = {}
    for name, managed in stack.processes.items():
        pid = managed.process.pid
        for each in process_tree(pid):
            names[each] = name
    return names


def _settle(probe: Probe, handled_before: int) -> None:
    """Waits until the bot has finished handling the message (its `receive` returned)."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while probe.count("bot:receive") <= handled_before and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.05)  # the last database writes and action-server lines


def _stage_totals(spans: list[tuple[str, str, float, float]], sent_at: float) -> dict[str, float]:
    """One message's stages in ms: calls summed by stage, SQL counted and summed by process."""
    totals: dict[str, float] = defaultdict(float)
    for process, stage, start, ms in spans:
        if stage == "sql":
            totals[f"sql_count:{process}"] += 1
            totals[f"sql_ms:{process}"] += ms
            continue
        totals[stage] += ms
        if stage.startswith("rasa:action_call:"):
            totals["rasa:action_calls"] += ms
            totals["rasa:action_call_count"] += 1
        if stage.startswith("actions:run:"):
            totals["actions:runs"] += ms
        totals[f"calls:{stage}"] += 1
        if stage == "bot:receive" and "bot:delivery" not in totals:
            totals["bot:delivery"] = (start - sent_at) * 1000  # stand-in → getUpdates → handler
    handled = totals.get("rasa:handle_message", 0.0)
    handling_started = min((t for _p, s, t, _ms in spans if s == "rasa:handle_message"), default=0.0)
    parse_inside = any(s == "rasa:nlu_parse" and t >= handling_started for _p, s, t, _ms in spans)
    known = sum(
        totals.get(k, 0.0)
        for k in ("rasa:tracker_retrieve", "rasa:tracker_save", "rasa:policies", "rasa:action_calls")
    )
    # The NLU parse runs inside Rasa's handling, or (our REST channel) just before it.
    parse = totals.get("rasa:nlu_parse", 0.0)
    totals["rasa:other_in_handling"] = handled - known - (parse if parse_inside else 0.0)
    totals["bot:webhook_outside_rasa"] = (
        totals.get("bot:rasa_webhook_call", 0.0) - handled - (0.0 if parse_inside else parse)
    )
    return dict(totals)


def _summary(rows: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    keys = sorted({k for row in rows for k in row})
    out = {}
    for key in keys:
        values = sorted(row.get(key, 0.0) for row in rows)
        out[key] = {
            "median": round(statistics.median(values), 2),
            "mean": round(statistics.fmean(values), 2),
            "p95": round(values[min(len(values) - 1, int(0.95 * len(values)))], 2),
        }
    return out


def _spread(per_repetition: list[dict[str, dict[str, float]]], key: str) -> dict[str, Any]:
    medians = [rep.get(key, {}).get("median", 0.0) for rep in per_repetition]
    return {"medians": medians, "min": min(medians), "max": max(medians)}


def run_conversations(stack: Stack, probe: Probe, first_user: int) -> dict[str, Any]:
    rows: list[dict[str, float]] = []
    load_before = os.getloadavg()
    cpu_before = time.process_time()
    wall_before = time.perf_counter()
    for client in range(CLIENTS_PER_REPETITION):
        user = first_user + client
        for text in CONVERSATION:
            handled = probe.count("bot:receive")
            sent_at, latency = first_reply(stack, user, text)
            _settle(probe, handled)
            row = _stage_totals(probe.between(sent_at, time.time()), sent_at)
            row["reply_latency_ms"] = latency
            rows.append(row)
    per_call = {
        stage[len("calls:") :]: round(
            sum(row.get(stage[len("calls:") :], 0.0) for row in rows)
            / sum(row.get(stage, 0.0) for row in rows),
            2,
        )
        for stage in sorted({k for row in rows for k in row if k.startswith("calls:")})
    }
    return {
        "messages": len(rows),
        "stages_ms": _summary(rows),
        "ms_per_call": per_call,
        "load_average_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        "benchmark_process_cpu_share": round(
            (time.process_time() - cpu_before) / (time.perf_counter() - wall_before), 3
        ),
    }


def _append_events(stack: Stack, user: int, count: int) -> int:
    """Appends about `count` earlier turns' events to the tracker; returns the tracker's event count."""
    # Later than the session the conversation is in (its start is a moment ago), in order: as a long
    # session's events are, and as Rasa's store reads them (it reads only the latest session's).
    now = time.time()
    events: list[dict[str, Any]] = []
    while len(events) < count:
        at = now + len(events) / 10_000
        events += [
            {
                "event": "user",
                "text": "سلام",
                "timestamp": at,
                "parse_data": {"intent": {"name": "greet", "confidence": 1.0}, "entities": []},
                "metadata": {},
            },
            {"event": "bot", "text": "سلام", "timestamp": at + 0.00001, "data": {}, "metadata": {}},
            {"event": "action", "name": "action_listen", "timestamp": at + 0.00002},
        ]
    params = {"token": RASA_TOKEN, "include_events": "NONE"}
    url = f"{stack.rasa_url}/conversations/{user}/tracker"
    httpx.post(f"{url}/events", params=params, json=events, timeout=120).raise_for_status()
    tracker = httpx.get(url, params={"token": RASA_TOKEN, "include_events": "ALL"}, timeout=120).json()
    return len(tracker.get("events") or [])


def run_growth(stack: Stack, probe: Probe, first_user: int) -> list[dict[str, Any]]:
    growth = []
    for number, size in enumerate(GROWTH_EVENTS):
        user = first_user + number
        handled = probe.count("bot:receive")
        first_reply(stack, user, CONVERSATION[0])  # the client exists in the case database
        _settle(probe, handled)
        events = _append_events(stack, user, size)
        rows = []
        for turn in range(GROWTH_MESSAGES):
            handled = probe.count("bot:receive")
            sent_at, latency = first_reply(stack, user, CONVERSATION[turn % len(CONVERSATION)])
            _settle(probe, handled)
            row = _stage_totals(probe.between(sent_at, time.time()), sent_at)
            row["reply_latency_ms"] = latency
            rows.append(row)
        summary = _summary(rows)
        keep = (
            "reply_latency_ms",
            "bot:understanding",
            "rasa:tracker_endpoint_retrieve",
            "rasa:tracker_retrieve",
            "rasa:tracker_save",
            "rasa:handle_message",
            "rasa:policies",
            "rasa:action_calls",
            "actions:http_handler",
        )
        growth.append(
            {
                "earlier_events": events,
                "messages": len(rows),
                **{key: summary[key]["median"] for key in keep if key in summary},
                "load_average": round(os.getloadavg()[0], 2),
            }
        )
    return growth


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--label", default="", help="results go to stages_<label>.json (default stages.json)")
    parser.add_argument("--repetitions", type=int, default=REPETITIONS)
    args = parser.parse_args(argv)
    results_path = RESULTS_DIR / (f"stages_{args.label}.json" if args.label else "stages.json")
    with tempfile.TemporaryDirectory() as workdir:
        work = Path(workdir)
        probe_dir = work / "probe"
        switches = ("KARYAR_STAGE_PROBE", "PYTHONPATH")
        saved = {k: os.environ.get(k) for k in switches}
        os.environ["KARYAR_STAGE_PROBE"] = str(probe_dir)
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROBE_PATH), saved["PYTHONPATH"]]))
        try:
            with (
                catalogued_database("postgresql", work) as url,
                running_stack(
                    database_url=url, log_dir=work, through_gate=False, production_timings=True
                ) as stack,
            ):
                for key, value in saved.items():  # this process's children only
                    if value is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = value
                probe = Probe(probe_dir, _process_names(stack))
                handled = probe.count("bot:receive")
                first_reply(stack, 8_700_000_000, CONVERSATION[0])  # warm-up: the first parse loads lazily
                _settle(probe, handled)
                repetitions = [
                    run_conversations(stack, probe, 8_700_000_001 + n * 1000) for n in range(args.repetitions)
                ]
                growth = [run_growth(stack, probe, 8_710_000_001 + n * 1000) for n in range(args.repetitions)]
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    stage_medians = [rep["stages_ms"] for rep in repetitions]
    write_results(
        results_path,
        {
            "database": "postgresql",
            "conversation": CONVERSATION,
            "clients_per_repetition": CLIENTS_PER_REPETITION,
            "repetitions": repetitions,
            "spread_of_medians_ms": {
                key: _spread(stage_medians, key) for key in sorted({k for rep in stage_medians for k in rep})
            },
            "growth_by_earlier_events": growth,
        },
    )


if __name__ == "__main__":
    main()

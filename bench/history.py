"""A generated case history: clients with facts, checks, interests, handoffs, starts, placements, follow-ups,
broadcasts and messages, written straight into a migrated case database.

The same seed gives the same history. Rows are generated client by client and written in batches (COPY on
PostgreSQL), so a national-size history (100,000 clients, 2,000,000 messages) never sits in memory. Each
client's generated record is handed to an optional observer, which the report tests use to count the
figures independently of SQL.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from karyar.catalogue.reference import load_reference, places
from karyar.db.engine import Database
from karyar.db.models import (
    Broadcast,
    BroadcastDelivery,
    BroadcastPress,
    Case,
    CaseEvent,
    CaseEventKind,
    Client,
    FollowUp,
    Handoff,
    Message,
    ProfileFact,
)

SERVICES = ("training.skill", "placement", "loan.self_sufficiency", "behzisti.work_capital")
STATUSES = ("eligible", "not_eligible", "needs_info")
OUTCOMES = ("referred_training", "referred_job", "loan_file", "information", "not_reachable")
BATCH = 5000


@dataclass
class ClientRecord:
    """What was generated for one client, for counting figures without SQL."""

    client_id: int
    first_seen_at: datetime
    consent_given_at: datetime | None
    facts: dict[str, str]
    events: list[tuple[str, datetime, dict[str, Any]]] = field(default_factory=list)
    # (requested_at, claimed_at, outcome, rating)
    handoffs: list[tuple[datetime, datetime | None, str | None, int | None]] = field(default_factory=list)
    # (months, answered_at, answer)
    follow_ups: list[tuple[int, datetime, str]] = field(default_factory=list)
    messages: list[tuple[str, datetime]] = field(default_factory=list)
    # (broadcast index, when the broadcast started, delivery status, pressed)
    deliveries: list[tuple[int, datetime, str, bool]] = field(default_factory=list)


@dataclass(frozen=True)
class HistoryShape:
    clients: int
    messages_per_client: int
    start: datetime
    end: datetime
    broadcasts: int = 12
    seed: int = 1405
    keep_messages: bool = True  # off for the benchmark: the observer needs no message list there


class _Batches:
    """Rows per table, flushed in batches in foreign-key order."""

    ORDER = (Client, Case, ProfileFact, Handoff, CaseEvent, FollowUp, Message, Broadcast, BroadcastDelivery)

    def __init__(self, session: Session) -> None:
        self.session = session
        self.rows: dict[type, list[dict[str, Any]]] = {model: [] for model in (*self.ORDER, BroadcastPress)}
        self.postgresql = session.get_bind().dialect.name == "postgresql"

    def add(self, model: type, row: dict[str, Any]) -> None:
        self.rows[model].append(row)

    def flush_if_full(self) -> None:
        if len(self.rows[Message]) >= BATCH * 4 or len(self.rows[Client]) >= BATCH:
            self.flush()

    def flush(self) -> None:
        for model in (*self.ORDER, BroadcastPress):
            rows = self.rows[model]
            if rows:
                self._write(model, rows)
                self.rows[model] = []

    def _write(self, model: Any, rows: list[dict[str, Any]]) -> None:
        if not self.postgresql:
            self.session.execute(insert(model), rows)
            return
        table = model.__table__
        columns = list(rows[0])
        json_columns = {name for name in columns if table.c[name].type.__class__.__name__ == "JSON"}
        raw = self.session.connection().connection.driver_connection
        assert raw is not None
        with raw.cursor() as cursor:
            quoted = ", ".join(f'"{name}"' for name in columns)
            with cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(
                        [
                            json.dumps(row[name])
                            if name in json_columns and row[name] is not None
                            else row[name]
                            for name in columns
                        ]
                    )


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + timedelta(seconds=rng.random() * max((end - start).total_seconds(), 1))


class _Places:
    def __init__(self) -> None:
        known = places()
        self.by_province: dict[str, list[str]] = {name: [] for name in known.provinces}
        for city, province in known.city_province.items():
            self.by_province[province].append(city)
        self.rural: dict[str, list[str]] = {}
        for entry in load_reference("areas.yml")["rural"]:
            self.rural.setdefault(entry["province"], []).append(entry["name"])
        self.provinces = list(known.provinces)
        self.fields = [entry["name"] for entry in load_reference("fields.yml")["fields"]]


def _facts(rng: random.Random, known: _Places) -> dict[str, str]:
    facts: dict[str, str] = {}
    if rng.random() < 0.95:
        facts["gender"] = "female" if rng.random() < 0.55 else "male"
    if rng.random() < 0.9:
        province = rng.choice(known.provinces)
        facts["province"] = province
        roll = rng.random()
        if roll < 0.15 and province in known.rural:
            facts["city"] = rng.choice(known.rural[province])
        elif roll < 0.2:
            facts["city"] = f"روستای {rng.choice(('بالا', 'پایین', 'نو'))}"
        elif roll < 0.9 and known.by_province[province]:
            facts["city"] = rng.choice(known.by_province[province])
    if rng.random() < 0.85:
        facts["field"] = rng.choice(known.fields)
    roll = rng.random()
    facts["organisation"] = "emdad" if roll < 0.5 else "behzisti" if roll < 0.9 else "none"
    facts["age"] = str(rng.randint(15, 60))
    return facts


def _ids(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.coalesce(func.max(model.id), 0))) or 0) + 1


def generate(
    database: Database,
    shape: HistoryShape,
    *,
    observe: Callable[[ClientRecord], None] | None = None,
    telegram_id_base: int = 9_000_000_000,
) -> None:
    """Write the history into the database (already migrated; other rows may exist)."""
    rng = random.Random(shape.seed)
    known = _Places()
    with database.unit_of_work() as session:
        batches = _Batches(session)
        next_id: dict[type, int] = {
            model: _ids(session, model) for model in (Client, Case, Handoff, CaseEvent, FollowUp, Broadcast)
        }
        broadcast_ids = []
        for index in range(shape.broadcasts):
            started = _between(rng, shape.start, shape.end)
            broadcast_id = next_id[Broadcast] + index
            broadcast_ids.append((broadcast_id, started))
            batches.add(
                Broadcast,
                {
                    "id": broadcast_id,
                    "status": "finished",
                    "content": {"text": f"اطلاعیه {index}"},
                    "buttons": [],
                    "audience": {},
                    "recipients": 0,
                    "started_at": started,
                    "created_at": started,
                },
            )
        for number in range(shape.clients):
            record = _client(rng, known, shape, number, next_id, broadcast_ids)
            _write_client(batches, record, shape, telegram_id_base + number, next_id, broadcast_ids)
            if observe is not None:
                observe(record)
            batches.flush_if_full()
        batches.flush()
        if batches.postgresql:
            for model in (
                Client,
                Case,
                Handoff,
                CaseEvent,
                FollowUp,
                Broadcast,
                Message,
                ProfileFact,
                BroadcastDelivery,
                BroadcastPress,
            ):
                table = model.__table__.name  # type: ignore[attr-defined]
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                    )
                )


def _client(
    rng: random.Random,
    known: _Places,
    shape: HistoryShape,
    number: int,
    next_id: dict[type, int],
    broadcast_ids: list[tuple[int, datetime]],
) -> ClientRecord:
    first_seen = _between(rng, shape.start, shape.end)
    consent = first_seen + timedelta(minutes=2) if rng.random() < 0.85 else None
    record = ClientRecord(
        client_id=next_id[Client] + number,
        first_seen_at=first_seen,
        consent_given_at=consent,
        facts=_facts(rng, known) if consent else {},
    )
    for _ in range(shape.messages_per_client):
        at = first_seen + timedelta(days=rng.random() * 30)
        record.messages.append(
            ("in" if rng.random() < 0.5 else "out", min(at, shape.end - timedelta(seconds=1)))
        )
    if consent is None:
        return record

    def later(days: float) -> datetime:
        return min(
            first_seen + timedelta(days=rng.random() * days, minutes=5), shape.end - timedelta(seconds=1)
        )

    if rng.random() < 0.6:
        services = {service: rng.choice(STATUSES) for service in rng.sample(SERVICES, rng.randint(1, 3))}
        record.events.append(
            (CaseEventKind.ELIGIBILITY_RESULT, later(3), {"topic": "eligibility", "services": services})
        )
    if rng.random() < 0.4:
        kind = rng.choice(("course", "job"))
        record.events.append(
            (CaseEventKind.INTEREST, later(10), {"kind": kind, "item_id": rng.randint(1, 50)})
        )
    if rng.random() < 0.2:
        asked = later(20)
        claimed = asked + timedelta(minutes=rng.expovariate(1 / 12)) if rng.random() < 0.85 else None
        outcome = rng.choice(OUTCOMES) if claimed else None
        rating = rng.randint(1, 5) if claimed and rng.random() < 0.5 else None
        record.handoffs.append((asked, claimed, outcome, rating))
    if rng.random() < 0.1:
        record.events.append((CaseEventKind.TRAINING_START, later(60), {}))
    if rng.random() < 0.08:
        placed = later(120)
        record.events.append((CaseEventKind.PLACEMENT, placed, {}))
        for months in (1, 3, 6, 12):
            answered = placed + timedelta(days=30.5 * months, hours=3)
            if answered < shape.end and rng.random() < 0.8:
                record.follow_ups.append((months, answered, "working" if rng.random() < 0.75 else "stopped"))
    for index, (_, started) in enumerate(broadcast_ids):
        if started > first_seen and rng.random() < 0.3:
            status = "sent" if rng.random() < 0.9 else "blocked"
            record.deliveries.append((index, started, status, status == "sent" and rng.random() < 0.2))
    return record


def _write_client(
    batches: _Batches,
    record: ClientRecord,
    shape: HistoryShape,
    telegram_user_id: int,
    next_id: dict[type, int],
    broadcast_ids: list[tuple[int, datetime]],
) -> None:
    client_id, seen = record.client_id, record.first_seen_at
    batches.add(
        Client,
        {
            "id": client_id,
            "telegram_user_id": telegram_user_id,
            "first_name": None,
            "consent_given_at": record.consent_given_at,
            "consent_version": "2026-12" if record.consent_given_at else None,
            "subscribed": True,
            "blocked_bot": False,
            "chat_missing": False,
            "first_seen_at": seen,
            "last_seen_at": seen,
        },
    )
    case_id = next_id[Case]
    next_id[Case] += 1
    batches.add(Case, {"id": case_id, "client_id": client_id, "stage": "intake", "opened_at": seen})
    for name, value in record.facts.items():
        batches.add(
            ProfileFact,
            {
                "client_id": client_id,
                "name": name,
                "value": value,
                "source": "generated",
                "recorded_at": seen,
            },
        )
    for kind, at, data in record.events:
        batches.add(
            CaseEvent,
            {
                "id": _take(next_id, CaseEvent),
                "case_id": case_id,
                "kind": kind,
                "actor": "system",
                "data": data,
                "created_at": at,
            },
        )
    for asked, claimed, outcome, rating in record.handoffs:
        ended = claimed + timedelta(minutes=20) if claimed else asked + timedelta(hours=1)
        batches.add(
            Handoff,
            {
                "id": _take(next_id, Handoff),
                "case_id": case_id,
                "client_id": client_id,
                "reason": "client_request",
                "details": {},
                "tier": "counsellor",
                "status": "closed" if claimed else "cancelled",
                "requested_at": asked,
                "claimed_at": claimed,
                "ended_at": ended,
                "outcome": outcome,
                "rating": rating,
                "awaiting_comment": False,
            },
        )
    for months, answered, answer in record.follow_ups:
        batches.add(
            FollowUp,
            {
                "id": _take(next_id, FollowUp),
                "case_id": case_id,
                "client_id": client_id,
                "kind": "placement",
                "months": months,
                "due_at": answered,
                "sent_at": answered,
                "answered_at": answered,
                "answer": answer,
                "attempts": 1,
                "created_at": seen,
            },
        )
    for direction, at in record.messages:
        batches.add(
            Message,
            {
                "client_id": client_id,
                "direction": direction,
                "kind": "text",
                "text": "سلام، کار می‌خواهم",
                "created_at": at,
            },
        )
    for index, started, status, pressed in record.deliveries:
        broadcast_id = broadcast_ids[index][0]
        batches.add(
            BroadcastDelivery,
            {
                "broadcast_id": broadcast_id,
                "client_id": client_id,
                "chat_id": telegram_user_id,
                "status": status,
                "attempts": 1,
                "sent_at": started if status == "sent" else None,
            },
        )
        if pressed:
            batches.add(
                BroadcastPress,
                {
                    "broadcast_id": broadcast_id,
                    "client_id": client_id,
                    "button": 0,
                    "pressed_at": started + timedelta(minutes=5),
                },
            )
    if not shape.keep_messages:
        record.messages = []


def _take(next_id: dict[type, int], model: type) -> int:
    value = next_id[model]
    next_id[model] += 1
    return value

"""Shared pieces of the broadcast tests: clients with profile facts, colleagues, drafts, and a clock to move.

The databases are the suite's (`db` in tests/conftest.py): a migrated SQLite file and a migrated PostgreSQL
database, each made once per run and emptied after every test, so every test here runs on both backends.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from karyar import cases, clients, profile
from karyar.broadcast import store
from karyar.broadcast.audience import Audience
from karyar.broadcast.content import Content
from karyar.clients import TelegramIdentity
from karyar.db.models import (
    Broadcast,
    BroadcastDelivery,
    CaseEvent,
    CaseEventKind,
    Client,
    StaffMember,
    StaffRole,
)
from karyar.facts import ProfileFactName
from karyar.staff import registry

EMDAD = "emdad"
BEHZISTI = "behzisti"
TEHRAN = "تهران"
ALBORZ = "البرز"
FARS = "فارس"
ISFAHAN = "اصفهان"
SKIPPED = "skipped"

START = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)


class Clock:
    """A clock the broadcast core reads instead of the real one; tests move it forward."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> datetime:
        self.moment += timedelta(**delta)
        return self.moment


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Pin "now" for the store, the sender's claims and the presses (the modules import `now` by name)."""
    fake = Clock(START)
    for module in ("karyar.broadcast.store", "karyar.broadcast.delivery", "karyar.broadcast.presses"):
        monkeypatch.setattr(f"{module}.now", fake)
    return fake


def add_client(
    session: Session,
    telegram_user_id: int,
    *,
    subscribed: bool = True,
    consent: bool = True,
    blocked: bool = False,
    chat_missing: bool = False,
    organisation: str | None = None,
    province: str | None = None,
    city: str | None = None,
    gender: str | None = None,
    education: str | None = None,
    age: int | str | None = None,
    target_groups: Iterable[str] = (),
    fields: Iterable[str] = (),
) -> Client:
    """A client as the bot records one: first contact, consent, subscription, then the facts they told."""
    client = clients.ensure_client(session, identity=TelegramIdentity(user_id=telegram_user_id))
    if consent:
        clients.record_consent(session, client_id=client.id)
    client.subscribed = subscribed
    client.blocked_bot = blocked
    client.chat_missing = chat_missing
    single = {
        ProfileFactName.ORGANISATION: organisation,
        ProfileFactName.PROVINCE: province,
        ProfileFactName.CITY: city,
        ProfileFactName.GENDER: gender,
        ProfileFactName.EDUCATION: education,
        ProfileFactName.AGE: None if age is None else str(age),
    }
    for name, value in single.items():
        if value is not None:
            fact(session, client, name, value)
    for group in target_groups:
        fact(session, client, ProfileFactName.TARGET_GROUP, group)
    for field in fields:
        fact(session, client, ProfileFactName.FIELD, field)
    session.flush()
    return client


def fact(session: Session, client: Client, name: ProfileFactName, value: str) -> None:
    profile.record_fact(session, client_id=client.id, name=name, value=value, source="chat")


def add_member(
    session: Session,
    telegram_user_id: int,
    *,
    role: StaffRole = StaffRole.STAFF,
    organisations: tuple[str, ...] = (),
    provinces: tuple[str, ...] = (),
) -> StaffMember:
    member = registry.add_member(
        session,
        telegram_user_id=telegram_user_id,
        name=f"همکار {telegram_user_id}",
        role=role,
        organisations=organisations,
        provinces=provinces,
    )
    session.flush()
    return member


def draft(
    session: Session,
    *,
    audience: dict[str, Any] | None = None,
    buttons: list[dict[str, Any]] | None = None,
    send_at: datetime | None = None,
    created_by: int | None = None,
    text: str = "ثبت‌نام دوره خیاطی آغاز شد",
) -> Broadcast:
    return store.create(
        session,
        created_by=created_by,
        content=Content(text=text),
        buttons=buttons,
        audience=Audience.from_dict(audience or {}),
        send_at=send_at,
    )


def sending_broadcast(session: Session, **kwargs: Any) -> Broadcast:
    """A broadcast confirmed to be sent now (no approval), its delivery rows made."""
    broadcast = draft(session, **kwargs)
    return store.confirm(session, broadcast_id=broadcast.id, approval_required=False)


def subscribers(session: Session, first_telegram_id: int, how_many: int) -> list[Client]:
    return [add_client(session, first_telegram_id + n) for n in range(how_many)]


def deliveries(session: Session, broadcast_id: int) -> list[BroadcastDelivery]:
    session.expire_all()
    return list(
        session.scalars(
            select(BroadcastDelivery)
            .where(BroadcastDelivery.broadcast_id == broadcast_id)
            .order_by(BroadcastDelivery.id)
        )
    )


def delivery_of(session: Session, broadcast_id: int, client_id: int) -> BroadcastDelivery:
    session.expire_all()
    return session.scalars(
        select(BroadcastDelivery).where(
            BroadcastDelivery.broadcast_id == broadcast_id, BroadcastDelivery.client_id == client_id
        )
    ).one()


def case_events(session: Session, client: Client, kind: CaseEventKind) -> list[CaseEvent]:
    return cases.events(session, case_id=cases.open_case(session, client_id=client.id).id, kind=kind)

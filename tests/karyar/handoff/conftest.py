"""Shared pieces of the handoff tests: clients, colleagues, handoffs and moments of one ordinary office week.

The databases are the suite's (`db` in tests/conftest.py): a migrated SQLite file and a migrated PostgreSQL
database, each made once per run and emptied after every test, so every test here runs on both backends.

Office hours come from the shipped calendar (pinned below, whatever OFFICE_CALENDAR_FILE says), and the
moments used are in Azar 1405 (25 to 29 November 2026), a week without a holiday: Saturday to Wednesday
08:00-14:00, Thursday 08:00-12:00, Friday closed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import jdatetime
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from karyar import cases, clients, profile
from karyar.clients import TelegramIdentity
from karyar.db.models import (
    Case,
    CaseEvent,
    CaseEventKind,
    Client,
    Handoff,
    HandoffReason,
    StaffMember,
    StaffRole,
)
from karyar.facts import ProfileFactName
from karyar.handoff import queue
from karyar.office_hours import CALENDAR_FILE, office_calendar
from karyar.settings import get_settings
from karyar.staff import registry

TEHRAN = ZoneInfo("Asia/Tehran")

# Jalali dates of one ordinary week (checked against the calendar in test_routing.py).
WEDNESDAY = (1405, 9, 4)
THURSDAY = (1405, 9, 5)
FRIDAY = (1405, 9, 6)
SATURDAY = (1405, 9, 7)

EMDAD = "emdad"
BEHZISTI = "behzisti"
TEHRAN_PROVINCE = "تهران"
ALBORZ = "البرز"
FARS = "فارس"


def tehran(day: tuple[int, int, int], hour: int, minute: int = 0) -> datetime:
    """A Tehran wall-clock time on a Jalali date."""
    gregorian = jdatetime.date(*day).togregorian()
    return datetime(gregorian.year, gregorian.month, gregorian.day, hour, minute, tzinfo=TEHRAN)


@pytest.fixture(autouse=True)
def shipped_office_calendar(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The shipped calendar, whatever the environment points at; both caches are cleared around the test."""
    monkeypatch.setenv("OFFICE_CALENDAR_FILE", str(CALENDAR_FILE))
    get_settings.cache_clear()
    office_calendar.cache_clear()
    yield
    get_settings.cache_clear()
    office_calendar.cache_clear()


def add_client(
    session: Session,
    telegram_user_id: int,
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    username: str | None = None,
    organisation: str | None = None,
    province: str | None = None,
) -> Client:
    """A client as the bot records one on first contact, with the facts that route their handoff."""
    client = clients.ensure_client(
        session,
        identity=TelegramIdentity(
            user_id=telegram_user_id, first_name=first_name, last_name=last_name, username=username
        ),
    )
    if organisation is not None:
        profile.record_fact(
            session, client_id=client.id, name=ProfileFactName.ORGANISATION, value=organisation, source="chat"
        )
    if province is not None:
        profile.record_fact(
            session, client_id=client.id, name=ProfileFactName.PROVINCE, value=province, source="chat"
        )
    session.flush()
    return client


def add_member(
    session: Session,
    telegram_user_id: int,
    *,
    role: StaffRole = StaffRole.COUNSELLOR,
    name: str | None = None,
    organisations: tuple[str, ...] = (),
    provinces: tuple[str, ...] = (),
    hours: str | None = None,
    active: bool = True,
) -> StaffMember:
    """A colleague added through the registry (empty organisations or provinces: all of them)."""
    member = registry.add_member(
        session,
        telegram_user_id=telegram_user_id,
        name=name or f"همکار {telegram_user_id}",
        role=role,
        organisations=organisations,
        provinces=provinces,
        hours=hours,
    )
    session.flush()
    if not active:
        registry.deactivate_member(session, telegram_user_id=telegram_user_id)
        session.flush()
    return member


def open_for(
    session: Session,
    client: Client,
    *,
    reason: HandoffReason = HandoffReason.CLIENT_REQUEST,
    **fields: Any,
) -> Handoff:
    """Open a handoff for the client, then set any of its columns (times, tier, …) as the test needs."""
    handoff, created = queue.open_handoff(session, client_id=client.id, reason=reason)
    assert created
    for name, value in fields.items():
        setattr(handoff, name, value)
    session.flush()
    return handoff


def events_of(session: Session, case_id: int, kind: CaseEventKind) -> list[CaseEvent]:
    return cases.events(session, case_id=case_id, kind=kind)


def case_of(session: Session, handoff: Handoff) -> Case:
    return session.get_one(Case, handoff.case_id)


def stages_of(session: Session, case_id: int) -> list[str]:
    return [change.to_stage for change in cases.timeline(session, case_id=case_id)]


def handoff_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Handoff.id).order_by(Handoff.id)))

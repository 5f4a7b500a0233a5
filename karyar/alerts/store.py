"""A client's alerts: asked for in her own words («وقتی دوره خیاطی در مشهد باز شد خبرم کن»), listed, removed
one by one or all at once («خبر نفرست» under an alert)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from karyar.catalogue.reference import fields, places
from karyar.clock import now
from karyar.data_files import read_data_file
from karyar.db.alert_models import Alert, AlertKind
from karyar.db.models import Client
from persian.text import search_key

WORDS_FILE = Path(__file__).resolve().parent / "alert_words.yml"
# The most alerts one client keeps; a new one beyond it replaces nothing and is refused.
MAX_ALERTS = 10


@dataclass(frozen=True, slots=True)
class AlertRequest:
    kind: AlertKind
    field: str | None = None
    province: str | None = None
    city: str | None = None


@dataclass(frozen=True, slots=True)
class AlertView:
    """An alert as the client's list shows it (a snapshot, safe outside the session)."""

    id: int
    kind: AlertKind
    field: str | None
    province: str | None
    city: str | None


class Added(enum.StrEnum):
    ADDED = "added"
    ALREADY = "already"
    NOT_SUBSCRIBED = "not_subscribed"
    TOO_MANY = "too_many"


class Asked(enum.StrEnum):
    """What a message about alerts asks for."""

    ADD = "add"
    SHOW = "show"
    STOP = "stop"


@cache
def _words() -> dict[str, tuple[str, ...]]:
    data = read_data_file(WORDS_FILE)
    return {name: tuple(search_key(str(word)) for word in words) for name, words in data.items()}


def asked(text: str) -> Asked | None:
    """Whether a message is about alerts and what it asks; None for anything else."""
    key = f" {search_key(text)} "
    words = _words()
    if not any(word in key for word in words["about_alerts"]):
        return None
    if any(word in key for word in words["stop"]):
        return Asked.STOP
    if any(word in key for word in words["show"]):
        return Asked.SHOW
    request = read_request(text)
    # «خبرم کن» alone is too common to be taken for an alert without anything to alert about.
    if not any(word in key for word in words["explicit"]) and request == AlertRequest(AlertKind.ANY):
        return None
    return Asked.ADD


def read_request(text: str) -> AlertRequest:
    """What a client's sentence asks to be told about: the kind, the field and the place it names."""
    key = f" {search_key(text)} "
    course = any(f" {word}" in key for word in _words()["course"])
    job = any(f" {word} " in key for word in _words()["job"])
    kind = AlertKind.COURSE if course and not job else AlertKind.JOB if job and not course else AlertKind.ANY
    mentions = fields().mentioned(text)
    province, city = _place(text)
    return AlertRequest(kind, mentions[0].field if mentions else None, province, city)


def _place(text: str) -> tuple[str | None, str | None]:
    """The province and city named in the text (up to three words at a time: «چهارمحال و بختیاری»)."""
    known = places()
    words = [word for word in re.split(r"[^\w\u200c]+", text) if word]
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start : start + size])
            if city := known.city(phrase):
                return known.city_province[city], city
            if province := known.province(phrase):
                return province, None
    return None, None


def add(session: Session, *, client_id: int, request: AlertRequest) -> Added:
    """Keep the alert; only a client who gets the news can have alerts."""
    client = session.get_one(Client, client_id)
    if not client.subscribed:
        return Added.NOT_SUBSCRIBED
    views = alerts_of(session, client_id=client_id)
    wanted = (request.kind, request.field, request.province, request.city)
    if any((v.kind, v.field, v.province, v.city) == wanted for v in views):
        return Added.ALREADY
    if len(views) >= MAX_ALERTS:
        return Added.TOO_MANY
    session.add(
        Alert(
            client_id=client_id,
            kind=request.kind,
            field=request.field,
            field_key=search_key(request.field) if request.field else None,
            province=request.province,
            city=request.city,
            created_at=now(),
        )
    )
    session.flush()
    return Added.ADDED


def alerts_of(session: Session, *, client_id: int) -> list[AlertView]:
    rows = session.scalars(select(Alert).where(Alert.client_id == client_id).order_by(Alert.id))
    return [AlertView(a.id, AlertKind(a.kind), a.field, a.province, a.city) for a in rows]


def remove(session: Session, *, client_id: int, alert_id: int) -> bool:
    """Remove one of the client's own alerts; False when it is not hers or already gone."""
    result = session.execute(delete(Alert).where(Alert.id == alert_id, Alert.client_id == client_id))
    return bool(getattr(result, "rowcount", 0))


def stop_all(session: Session, *, client_id: int) -> int:
    """No more alerts for the client (the news she subscribed to still comes); how many were removed."""
    result = session.execute(delete(Alert).where(Alert.client_id == client_id))
    return int(getattr(result, "rowcount", 0) or 0)

"""Everything stored about one client, gathered for showing it to them (the bot renders it in Persian)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from karyar.db.models import Case, Client, Direction, FollowUp, Handoff, Message, ProfileFact
from karyar.handoff import casebook
from karyar.handoff.casebook import RawEntry
from karyar.identity import store
from karyar.identity.cipher import DataCipher
from karyar.identity.identifiers import IdentifierKind


@dataclass(frozen=True, slots=True)
class StoredMessage:
    at: datetime
    inbound: bool
    kind: str
    text: str | None
    with_counsellor: bool


@dataclass(frozen=True, slots=True)
class CaseRecord:
    id: int
    stage: str
    opened_at: datetime
    entries: list[RawEntry]


@dataclass(frozen=True, slots=True)
class ClientData:
    client_id: int
    telegram_user_id: int
    first_name: str | None
    last_name: str | None
    username: str | None
    first_seen_at: datetime
    consent_given_at: datetime | None
    consent_version: str | None
    subscribed: bool
    facts: list[tuple[str, str, datetime]]  # the client's own: name, value, when it was recorded
    identifiers: dict[IdentifierKind, str]  # in clear: it is the client's own data
    cases: list[CaseRecord]
    handoffs: list[Handoff]
    follow_ups: list[FollowUp]
    messages: list[StoredMessage] = field(default_factory=list)
    # The family members the client wrote about (karyar.members), each with their facts as above.
    members: list[tuple[str, list[tuple[str, str, datetime]]]] = field(default_factory=list)


def client_data(session: Session, *, client_id: int, cipher: DataCipher) -> ClientData:
    client = session.get_one(Client, client_id)
    facts = session.scalars(
        select(ProfileFact)
        .where(ProfileFact.client_id == client_id, ProfileFact.superseded_at.is_(None))
        .order_by(ProfileFact.id)
    )
    own: list[tuple[str, str, datetime]] = []
    members: dict[str, list[tuple[str, str, datetime]]] = {}
    for fact in facts:
        told = own if fact.member is None else members.setdefault(fact.member, [])
        told.append((fact.name, fact.value, fact.recorded_at))
    cases = session.scalars(select(Case).where(Case.client_id == client_id).order_by(Case.id))
    rows = session.scalars(select(Message).where(Message.client_id == client_id).order_by(Message.id))
    return ClientData(
        client_id=client.id,
        telegram_user_id=client.telegram_user_id,
        first_name=client.first_name,
        last_name=client.last_name,
        username=client.username,
        first_seen_at=client.first_seen_at,
        consent_given_at=client.consent_given_at,
        consent_version=client.consent_version,
        subscribed=client.subscribed,
        facts=own,
        members=list(members.items()),
        identifiers=store.reveal(session, cipher=cipher, client_id=client_id),
        cases=[
            CaseRecord(case.id, case.stage, case.opened_at, casebook.timeline(session, case_id=case.id))
            for case in cases
        ],
        handoffs=list(
            session.scalars(select(Handoff).where(Handoff.client_id == client_id).order_by(Handoff.id))
        ),
        follow_ups=list(
            session.scalars(select(FollowUp).where(FollowUp.client_id == client_id).order_by(FollowUp.id))
        ),
        messages=[
            StoredMessage(
                row.created_at,
                row.direction == Direction.INBOUND,
                row.kind,
                row.text,
                row.handoff_id is not None,
            )
            for row in rows
        ],
    )

"""Encrypted national ids and phone numbers of clients: recorded with consent, masked, revealed, re-keyed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from karyar.clock import now
from karyar.db.models import Client, ClientIdentifier
from karyar.identity.cipher import DataCipher, UnreadableValueError
from karyar.identity.identifiers import IdentifierKind, Protected, mask


def current(session: Session, *, client_id: int) -> dict[IdentifierKind, ClientIdentifier]:
    """The identifiers in force, by kind (a newer number supersedes the older one)."""
    rows = session.scalars(
        select(ClientIdentifier)
        .where(ClientIdentifier.client_id == client_id, ClientIdentifier.superseded_at.is_(None))
        .order_by(ClientIdentifier.id)
    )
    return {IdentifierKind(row.kind): row for row in rows}


def masked(session: Session, *, client_id: int) -> dict[IdentifierKind, str]:
    return {kind: row.masked for kind, row in current(session, client_id=client_id).items()}


def record(
    session: Session,
    *,
    cipher: DataCipher,
    client_id: int,
    protected: Protected,
    source: str,
    source_message_id: int | None = None,
) -> ClientIdentifier:
    """Store the identifier encrypted; the same value again changes nothing, a new one supersedes the old."""
    existing = current(session, client_id=client_id).get(protected.kind)
    if existing is not None:
        try:
            if cipher.decrypt(existing.ciphertext) == protected.value:
                return existing
        except UnreadableValueError:
            pass  # written under a key no longer configured: the new value replaces it
        existing.superseded_at = now()
    row = ClientIdentifier(
        client_id=client_id,
        kind=protected.kind,
        ciphertext=cipher.encrypt(protected.value),
        masked=mask(protected.kind, protected.value),
        source=source,
        source_message_id=source_message_id,
        recorded_at=now(),
    )
    session.add(row)
    session.flush()
    return row


def record_with_consent(
    session: Session,
    *,
    cipher: DataCipher,
    client_id: int,
    values: list[Protected],
    source: str,
    source_message_id: int | None = None,
) -> bool:
    """Record the identifiers only if the client has accepted the privacy notice; returns whether they were."""
    if session.get_one(Client, client_id).consent_given_at is None:
        return False
    for value in values:
        record(
            session,
            cipher=cipher,
            client_id=client_id,
            protected=value,
            source=source,
            source_message_id=source_message_id,
        )
    return True


def reveal(session: Session, *, cipher: DataCipher, client_id: int) -> dict[IdentifierKind, str]:
    """The identifiers in force in clear; the caller audits who asked. An unreadable one is left out."""
    revealed = {}
    for kind, row in current(session, client_id=client_id).items():
        try:
            revealed[kind] = cipher.decrypt(row.ciphertext)
        except UnreadableValueError:
            continue
    return revealed


@dataclass(frozen=True, slots=True)
class RotationReport:
    rotated: int
    unreadable: list[int]  # ids of rows no configured key decrypts


def rotate_all(session: Session, *, cipher: DataCipher, batch: int = 500) -> RotationReport:
    """Re-encrypt every stored identifier (history included) with the newest key, a batch at a time."""
    rotated, last_id = 0, 0
    unreadable: list[int] = []
    while True:
        rows = list(
            session.scalars(
                select(ClientIdentifier)
                .where(ClientIdentifier.id > last_id)
                .order_by(ClientIdentifier.id)
                .limit(batch)
            )
        )
        if not rows:
            return RotationReport(rotated, unreadable)
        for row in rows:
            try:
                row.ciphertext = cipher.rotate(row.ciphertext)
                rotated += 1
            except UnreadableValueError:
                unreadable.append(row.id)
        session.flush()
        last_id = rows[-1].id

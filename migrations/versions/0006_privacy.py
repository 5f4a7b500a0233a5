"""Privacy: encrypted identifiers (phone numbers move out of profile facts), erasure and retention marks.

Revision ID: 0006_privacy
Revises: 0005_broadcasts
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

import karyar.db.types
from karyar.identity.cipher import DataCipher

revision: str = "0006_privacy"
down_revision: str | None = "0005_broadcasts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Before any change: SQLite commits DDL at once, so a missing key must stop the migration here.
    phones = _stored_phones()
    cipher = _cipher() if phones else None
    op.create_table(
        "client_identifiers",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ciphertext", sa.Text(), nullable=False),
        sa.Column("masked", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("source_message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("recorded_at", karyar.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_identifiers_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_message_id"],
            ["messages.id"],
            name=op.f("fk_client_identifiers_source_message_id_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_identifiers")),
    )
    with op.batch_alter_table("client_identifiers", schema=None) as batch_op:
        batch_op.create_index("ix_client_identifiers_client_kind", ["client_id", "kind"], unique=False)
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True))
    if cipher is not None:
        _encrypt(phones, cipher)


_FACTS = sa.table(
    "profile_facts",
    sa.column("id"),
    sa.column("client_id"),
    sa.column("name"),
    sa.column("value"),
    sa.column("source"),
    sa.column("source_message_id"),
    sa.column("recorded_at", karyar.db.types.UTCDateTime()),
    sa.column("superseded_at", karyar.db.types.UTCDateTime()),
)


def _stored_phones() -> list[sa.Row[Any]]:
    """Phone numbers were profile facts in clear; they become encrypted identifiers (which needs the key)."""
    return list(
        op.get_bind().execute(sa.select(_FACTS).where(_FACTS.c.name == "phone").order_by(_FACTS.c.id))
    )


def _cipher() -> DataCipher:
    from karyar.settings import get_settings

    return DataCipher.from_settings(get_settings())  # stops with the one line "set DATA_ENCRYPTION_KEYS"


def _encrypt(rows: list[sa.Row[Any]], cipher: DataCipher) -> None:
    from karyar.identity.identifiers import IdentifierKind, mask, normalise_phone

    connection = op.get_bind()
    identifiers = sa.table(
        "client_identifiers",
        sa.column("client_id"),
        sa.column("kind"),
        sa.column("ciphertext"),
        sa.column("masked"),
        sa.column("source"),
        sa.column("source_message_id"),
        sa.column("recorded_at", karyar.db.types.UTCDateTime()),
        sa.column("superseded_at", karyar.db.types.UTCDateTime()),
    )
    for row in rows:
        value = normalise_phone(row.value) or row.value
        connection.execute(
            identifiers.insert().values(
                client_id=row.client_id,
                kind=IdentifierKind.PHONE.value,
                ciphertext=cipher.encrypt(value),
                masked=mask(IdentifierKind.PHONE, value),
                source=row.source,
                source_message_id=row.source_message_id,
                recorded_at=row.recorded_at or datetime.now(UTC),
                superseded_at=row.superseded_at,
            )
        )
    connection.execute(_FACTS.delete().where(_FACTS.c.name == "phone"))


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
    with op.batch_alter_table("client_identifiers", schema=None) as batch_op:
        batch_op.drop_index("ix_client_identifiers_client_kind")
    op.drop_table("client_identifiers")

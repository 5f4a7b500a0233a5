"""Updates are known by a key over their whole content, not by their id alone: a Bot API server that
numbers its updates afresh (after a restart, or Telegram after a quiet week) reuses ids. Messages keep the
key of the update that brought them, so a replayed update finds its message.

Updates not yet processed keep their place with their key; the ids of processed ones are dropped (they
only guarded against a redelivery, and the bot is stopped while it is upgraded).

Revision ID: 0009_update_keys
Revises: 0008_report_indexes
"""

import hashlib
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

import karyar.db.types

revision: str = "0009_update_keys"
down_revision: str | None = "0008_report_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _key(payload: dict[str, Any]) -> str:
    # The rule of karyar.inbox.update_key as of this revision.
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _updates_table(*, keyed: bool) -> list[SchemaItem]:
    identity: list[SchemaItem] = (
        [
            sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False),
            sa.Column("key", sa.String(length=64), nullable=False),
            sa.Column("update_id", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint("bot_id", "key", name=op.f("pk_telegram_updates")),
        ]
        if keyed
        else [
            sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False),
            sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
            sa.PrimaryKeyConstraint("bot_id", "update_id", name=op.f("pk_telegram_updates")),
        ]
    )
    return [
        *identity,
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("received_at", karyar.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("processed_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
    ]


def _rebuild_updates(*, keyed: bool) -> None:
    """Recreate telegram_updates in the other shape, carrying over the updates not yet processed."""
    connection = op.get_bind()
    old = sa.table(
        "telegram_updates",
        sa.column("bot_id"),
        sa.column("update_id"),
        sa.column("payload", sa.JSON()),
        sa.column("received_at", karyar.db.types.UTCDateTime(timezone=True)),
        sa.column("processed_at"),
    )
    waiting = connection.execute(
        sa.select(old.c.bot_id, old.c.update_id, old.c.payload, old.c.received_at).where(
            old.c.processed_at.is_(None)
        )
    ).all()
    op.drop_index(op.f("ix_telegram_updates_processed_at"), table_name="telegram_updates")
    if not keyed:
        op.drop_index("ix_telegram_updates_bot_id_update_id", table_name="telegram_updates")
    op.drop_table("telegram_updates")
    table = op.create_table("telegram_updates", *_updates_table(keyed=keyed))
    op.create_index(op.f("ix_telegram_updates_processed_at"), "telegram_updates", ["processed_at"])
    if keyed:
        op.create_index("ix_telegram_updates_bot_id_update_id", "telegram_updates", ["bot_id", "update_id"])
    rows: dict[tuple[int, object], dict[str, Any]] = {}
    for row in waiting:
        if row.payload is None:
            continue
        identity = (row.bot_id, _key(row.payload)) if keyed else (row.bot_id, row.update_id)
        rows[identity] = {
            "bot_id": row.bot_id,
            "update_id": row.update_id,
            "payload": row.payload,
            "received_at": row.received_at,
        } | ({"key": identity[1]} if keyed else {})
    if rows:
        op.bulk_insert(table, list(rows.values()))


def upgrade() -> None:
    _rebuild_updates(keyed=True)
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("telegram_update_key", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("telegram_update_key")
    _rebuild_updates(keyed=False)

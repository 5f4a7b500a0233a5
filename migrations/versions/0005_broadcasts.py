"""Broadcasts: announcements, one delivery row per recipient, button presses; clients whose chat is missing.

Revision ID: 0005_broadcasts
Revises: 0004_handoffs
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import karyar.db.types

revision: str = "0005_broadcasts"
down_revision: str | None = "0004_handoffs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("buttons", sa.JSON(), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("send_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("approved_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("started_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("pause_reason", sa.String(length=256), nullable=True),
        sa.Column("progress_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("progress_message_id", sa.BigInteger(), nullable=True),
        sa.Column("progress_edited_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("report_sent_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", karyar.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by"],
            ["staff_members.id"],
            name=op.f("fk_broadcasts_approved_by_staff_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["staff_members.id"],
            name=op.f("fk_broadcasts_created_by_staff_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcasts")),
    )
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_broadcasts_status"), ["status"], unique=False)

    op.create_table(
        "broadcast_deliveries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("broadcast_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lease_until", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=256), nullable=True),
        sa.Column("telegram_message_id", sa.BigInteger(), nullable=True),
        sa.Column("sent_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["broadcast_id"],
            ["broadcasts.id"],
            name=op.f("fk_broadcast_deliveries_broadcast_id_broadcasts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_broadcast_deliveries_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcast_deliveries")),
    )
    with op.batch_alter_table("broadcast_deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_broadcast_deliveries_client_id"), ["client_id"], unique=False)
        batch_op.create_index("ix_broadcast_deliveries_claim", ["broadcast_id", "status", "id"], unique=False)
        batch_op.create_index(
            "uq_broadcast_deliveries_broadcast_client", ["broadcast_id", "client_id"], unique=True
        )

    op.create_table(
        "broadcast_presses",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("broadcast_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("button", sa.Integer(), nullable=False),
        sa.Column("pressed_at", karyar.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["broadcast_id"],
            ["broadcasts.id"],
            name=op.f("fk_broadcast_presses_broadcast_id_broadcasts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_broadcast_presses_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcast_presses")),
    )
    with op.batch_alter_table("broadcast_presses", schema=None) as batch_op:
        batch_op.create_index(
            "uq_broadcast_presses_once", ["broadcast_id", "client_id", "button"], unique=True
        )

    # In place: SQLite adds columns itself, and rebuilding `clients` would cascade-delete every case.
    with op.batch_alter_table("clients", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("chat_missing", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )

    with op.batch_alter_table("profile_facts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_profile_facts_current_name_value",
            ["name", "value"],
            unique=False,
            sqlite_where=sa.text("superseded_at IS NULL"),
            postgresql_where=sa.text("superseded_at IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("profile_facts", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_profile_facts_current_name_value",
            sqlite_where=sa.text("superseded_at IS NULL"),
            postgresql_where=sa.text("superseded_at IS NULL"),
        )

    # In place (SQLite 3.35+ drops columns itself): rebuilding `clients` would cascade-delete every case.
    with op.batch_alter_table("clients", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("chat_missing")

    with op.batch_alter_table("broadcast_presses", schema=None) as batch_op:
        batch_op.drop_index("uq_broadcast_presses_once")

    op.drop_table("broadcast_presses")
    with op.batch_alter_table("broadcast_deliveries", schema=None) as batch_op:
        batch_op.drop_index("uq_broadcast_deliveries_broadcast_client")
        batch_op.drop_index("ix_broadcast_deliveries_claim")
        batch_op.drop_index(batch_op.f("ix_broadcast_deliveries_client_id"))

    op.drop_table("broadcast_deliveries")
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_broadcasts_status"))

    op.drop_table("broadcasts")

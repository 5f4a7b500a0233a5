"""Telegram updates stored before they are acknowledged: each is processed exactly once across crashes.

Revision ID: 0007_telegram_updates
Revises: 0006_privacy
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import karyar.db.types

revision: str = "0007_telegram_updates"
down_revision: str | None = "0006_privacy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "telegram_updates",
        sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("received_at", karyar.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("processed_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("bot_id", "update_id", name=op.f("pk_telegram_updates")),
    )
    with op.batch_alter_table("telegram_updates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_telegram_updates_processed_at"), ["processed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("telegram_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_telegram_updates_processed_at"))
    op.drop_table("telegram_updates")

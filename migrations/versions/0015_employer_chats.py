"""Employers' unfinished conversations in the bot, so a restart does not lose them.

Revision ID: 0015_employer_chats
Revises: 0014_employers
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import karyar.db.types

revision: str = "0015_employer_chats"
down_revision: str | None = "0014_employers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "employer_chats",
        sa.Column("telegram_user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("employer_id", _ID, nullable=True),
        sa.Column("updated_at", karyar.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.id"],
            name=op.f("fk_employer_chats_employer_id_employers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("telegram_user_id", name=op.f("pk_employer_chats")),
    )


def downgrade() -> None:
    op.drop_table("employer_chats")

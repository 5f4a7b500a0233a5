"""Employers and the openings they post, waiting for staff review before they enter the catalogue.

Revision ID: 0014_employers
Revises: 0013_message_bot
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import karyar.db.types

revision: str = "0014_employers"
down_revision: str | None = "0013_message_bot"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_MOMENT = karyar.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "employers",
        sa.Column("id", _ID, nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=True),
        sa.Column("business_name", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=16), nullable=True),
        sa.Column("province", sa.String(length=64), nullable=False),
        sa.Column("city", sa.String(length=64), nullable=True),
        sa.Column("sector", sa.String(length=64), nullable=True),
        sa.Column("contact_ciphertext", sa.Text(), nullable=True),
        sa.Column("contact_masked", sa.String(length=32), nullable=True),
        sa.Column("created_at", _MOMENT, nullable=False),
        sa.Column("updated_at", _MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employers")),
    )
    with op.batch_alter_table("employers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_employers_province"), ["province"], unique=False)
        batch_op.create_index(batch_op.f("ix_employers_telegram_user_id"), ["telegram_user_id"], unique=False)

    op.create_table(
        "employer_openings",
        sa.Column("id", _ID, nullable=False),
        sa.Column("employer_id", _ID, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("positions", sa.Integer(), nullable=False),
        sa.Column("hours", sa.String(length=32), nullable=False),
        sa.Column("wage_min_toman", sa.BigInteger(), nullable=True),
        sa.Column("wage_max_toman", sa.BigInteger(), nullable=True),
        sa.Column("insured", sa.Boolean(), nullable=False),
        sa.Column("requirements", sa.Text(), nullable=True),
        sa.Column("suits_disability", sa.Boolean(), nullable=False),
        sa.Column("home_based", sa.Boolean(), nullable=False),
        sa.Column("gender", sa.String(length=8), nullable=False),
        sa.Column("min_age", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reject_reason", sa.Text(), nullable=True),
        sa.Column("decided_by", _ID, nullable=True),
        sa.Column("decided_at", _MOMENT, nullable=True),
        sa.Column("job_opening_id", _ID, nullable=True),
        sa.Column("created_at", _MOMENT, nullable=False),
        sa.Column("updated_at", _MOMENT, nullable=False),
        sa.Column("first_interest_at", _MOMENT, nullable=True),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.id"],
            name=op.f("fk_employer_openings_employer_id_employers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["staff_members.id"],
            name=op.f("fk_employer_openings_decided_by_staff_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["job_opening_id"],
            ["job_openings.id"],
            name=op.f("fk_employer_openings_job_opening_id_job_openings"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employer_openings")),
    )
    with op.batch_alter_table("employer_openings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_employer_openings_employer_id"), ["employer_id"], unique=False)
        batch_op.create_index(
            "ix_employer_openings_status_created_at", ["status", "created_at"], unique=False
        )


def downgrade() -> None:
    op.drop_table("employer_openings")
    op.drop_table("employers")

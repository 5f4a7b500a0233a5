"""Catalogue: training courses and job openings that clients can search.

Revision ID: 0003_catalogue
Revises: 0002_case_events
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import karyar.db.types

revision: str = "0003_catalogue"
down_revision: str | None = "0002_case_events"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _item_columns() -> list[sa.Column]:
    """The columns courses and job openings share (karyar.db.models.CatalogueItem)."""
    return [
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("province", sa.String(length=64), nullable=True),
        sa.Column("city", sa.String(length=64), nullable=True),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("gender", sa.String(length=8), nullable=False),
        sa.Column("min_age", sa.Integer(), nullable=True),
        sa.Column("max_age", sa.Integer(), nullable=True),
        sa.Column("target_groups", sa.JSON(), nullable=False),
        sa.Column("organisations", sa.JSON(), nullable=False),
        sa.Column("requirements", sa.Text(), nullable=True),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("title_key", sa.String(length=256), nullable=False),
        sa.Column("field_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", karyar.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", karyar.db.types.UTCDateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "courses",
        *_item_columns(),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("starts_at", karyar.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("duration_hours", sa.Integer(), nullable=True),
        sa.Column("cost_toman", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courses")),
        sa.UniqueConstraint("code", name=op.f("uq_courses_code")),
    )
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_courses_field_key"), ["field_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_courses_province"), ["province"], unique=False)
        batch_op.create_index(batch_op.f("ix_courses_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "job_openings",
        *_item_columns(),
        sa.Column("employer", sa.String(length=200), nullable=False),
        sa.Column("employment_type", sa.String(length=32), nullable=False),
        sa.Column("wage_toman", sa.BigInteger(), nullable=True),
        sa.Column("wage_text", sa.String(length=200), nullable=True),
        sa.Column("closes_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_openings")),
        sa.UniqueConstraint("code", name=op.f("uq_job_openings_code")),
    )
    with op.batch_alter_table("job_openings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_openings_closes_at"), ["closes_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_openings_field_key"), ["field_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_openings_province"), ["province"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("job_openings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_openings_province"))
        batch_op.drop_index(batch_op.f("ix_job_openings_field_key"))
        batch_op.drop_index(batch_op.f("ix_job_openings_closes_at"))
    op.drop_table("job_openings")

    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courses_starts_at"))
        batch_op.drop_index(batch_op.f("ix_courses_province"))
        batch_op.drop_index(batch_op.f("ix_courses_field_key"))
    op.drop_table("courses")

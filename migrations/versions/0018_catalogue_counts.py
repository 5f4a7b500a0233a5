"""Counts of active courses and job openings per place, audience and date, for catalogue headings; an index
on each item table's city and date.

A question naming no known field lists the whole suitable catalogue with how many items there are at each
distance; these tables let a search sum a few rows per (place, mode, audience, date) instead of counting every
item. They are filled here from the items already stored, and rebuilt whenever the items change
(karyar.db.catalogue_counts). The page's items are then read nearness by nearness: those in the client's
city from the new (city, date) index.

Revision ID: 0018_catalogue_counts
Revises: 0017_resume_consents
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import karyar.db.types

revision: str = "0018_catalogue_counts"
down_revision: str | None = "0017_resume_consents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# Counts table, item table, the column only that kind has, its date and whether an item may have none.
TABLES = (
    ("course_counts", "courses", "level", "starts_at", False),
    ("job_counts", "job_openings", "employment_type", "closes_at", True),
)
GROUPED = ["province", "city", "mode", "gender", "min_age", "max_age"]
JSON_LISTS = ["target_groups", "organisations"]


def upgrade() -> None:
    for counts, items, own, date, date_nullable in TABLES:
        op.create_table(
            counts,
            sa.Column("id", _ID, autoincrement=True, nullable=False),
            sa.Column("province", sa.String(length=64), nullable=True),
            sa.Column("city", sa.String(length=64), nullable=True),
            sa.Column("mode", sa.String(length=16), nullable=False),
            sa.Column("gender", sa.String(length=8), nullable=False),
            sa.Column("min_age", sa.Integer(), nullable=True),
            sa.Column("max_age", sa.Integer(), nullable=True),
            sa.Column("target_groups", sa.Text(), nullable=False),
            sa.Column("organisations", sa.Text(), nullable=False),
            sa.Column("items", sa.Integer(), nullable=False),
            sa.Column(own, sa.String(length=32), nullable=False),
            sa.Column(date, karyar.db.types.UTCDateTime(timezone=True), nullable=date_nullable),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{counts}")),
        )
        op.create_index(op.f(f"ix_{counts}_{date}"), counts, [date], unique=False)
        op.create_index(f"ix_{items}_city", items, ["city", date])
        lists = [f"CAST({name} AS TEXT)" for name in JSON_LISTS]
        selected = ", ".join([*GROUPED, *lists, own, date])
        op.execute(
            f"INSERT INTO {counts} ({', '.join([*GROUPED, *JSON_LISTS, own, date])}, items) "
            f"SELECT {selected}, count(*) FROM {items} WHERE active GROUP BY {selected}"
        )


def downgrade() -> None:
    for counts, items, *_ in TABLES:
        op.drop_index(f"ix_{items}_city", table_name=items)
        op.drop_table(counts)

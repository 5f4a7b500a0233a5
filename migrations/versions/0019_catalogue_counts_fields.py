"""The field of the counted courses and job openings, so a list in one field counts its items from the count
tables too; the distinct titles of active items with their field, where title words are looked for first; an
index on each item table's title, to find the items of the titles found.

The counts are rebuilt and the titles filled here from the items already stored (and back without the field).

Revision ID: 0019_catalogue_counts_fields
Revises: 0018_catalogue_counts
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_catalogue_counts_fields"
down_revision: str | None = "0018_catalogue_counts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# Counts table, titles table, item table, and the columns only that kind has (as in 0018).
TABLES = (
    ("course_counts", "course_titles", "courses", ["level", "starts_at"]),
    ("job_counts", "job_titles", "job_openings", ["employment_type", "closes_at"]),
)
GROUPED = ["province", "city", "mode", "gender", "min_age", "max_age"]
JSON_LISTS = ["target_groups", "organisations"]


def _refill(counts: str, items: str, columns: list[str]) -> None:
    selected = ", ".join(f"CAST({name} AS TEXT)" if name in JSON_LISTS else name for name in columns)
    op.execute(f"DELETE FROM {counts}")
    op.execute(
        f"INSERT INTO {counts} ({', '.join(columns)}, items) "
        f"SELECT {selected}, count(*) FROM {items} WHERE active GROUP BY {selected}"
    )


def upgrade() -> None:
    for counts, titles, items, own in TABLES:
        op.add_column(counts, sa.Column("field_key", sa.String(length=64), nullable=True))
        _refill(counts, items, [*GROUPED, *JSON_LISTS, *own, "field_key"])
        # Batch mode: SQLite makes a column required only by copying the table.
        with op.batch_alter_table(counts) as batch:
            batch.alter_column("field_key", existing_type=sa.String(length=64), nullable=False)
        op.create_index(op.f(f"ix_{counts}_field_key"), counts, ["field_key"], unique=False)
        op.create_table(
            titles,
            sa.Column("id", _ID, autoincrement=True, nullable=False),
            sa.Column("title_key", sa.String(length=256), nullable=False),
            sa.Column("field_key", sa.String(length=64), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{titles}")),
        )
        op.execute(
            f"INSERT INTO {titles} (title_key, field_key) "
            f"SELECT DISTINCT title_key, field_key FROM {items} WHERE active"
        )
        op.create_index(f"ix_{items}_title_key", items, ["title_key"])


def downgrade() -> None:
    for counts, titles, items, own in TABLES:
        op.drop_index(f"ix_{items}_title_key", table_name=items)
        op.drop_table(titles)
        op.drop_index(op.f(f"ix_{counts}_field_key"), table_name=counts)
        with op.batch_alter_table(counts) as batch:
            batch.drop_column("field_key")
        _refill(counts, items, [*GROUPED, *JSON_LISTS, *own])

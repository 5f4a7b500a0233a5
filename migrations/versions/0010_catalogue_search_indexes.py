"""Catalogue search reads indexes instead of whole tables.

On PostgreSQL, `ix_<table>_search` holds (field_key, date) and, as included columns, everything a search
filters, counts and ranks on, so the items of a field are counted and paged from the index alone; a
trigram (pg_trgm) GIN index on title_key finds title words anywhere in a title (LIKE '%word%'), which a
btree cannot. SQLite ignores the PostgreSQL options and gets plain indexes of the same names.

Revision ID: 0010_catalogue_search_indexes
Revises: 0009_update_keys
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_catalogue_search_indexes"
down_revision: str | None = "0009_update_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Table and the date its search ranks by; the included columns as in karyar.db.models at this revision.
TABLES = (("courses", "starts_at"), ("job_openings", "closes_at"))
SEARCHED_COLUMNS = [
    "id", "active", "mode", "city", "province", "gender", "min_age", "max_age", "organisations", "target_groups"
]  # fmt: skip


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # pg_trgm is a trusted extension: the database owner may create it without being a superuser.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, date in TABLES:
        op.create_index(f"ix_{table}_search", table, ["field_key", date], postgresql_include=SEARCHED_COLUMNS)
        op.create_index(
            f"ix_{table}_title_key_trgm",
            table,
            ["title_key"],
            postgresql_using="gin",
            postgresql_ops={"title_key": "gin_trgm_ops"},
        )


def downgrade() -> None:
    # The extension stays: other objects may use it.
    for table, _ in TABLES:
        op.drop_index(f"ix_{table}_title_key_trgm", table_name=table)
        op.drop_index(f"ix_{table}_search", table_name=table)

"""Catalogue search counts and pages the items of a province from an index on PostgreSQL.

When the asked field has nothing in the client's province, search lists the province's other items. The
province index now also holds the date search ranks by and, as included columns on PostgreSQL, everything a
search filters and ranks on, so that step reads no table rows. SQLite keeps a plain (province, date) index.

Revision ID: 0011_catalogue_province_index
Revises: 0010_catalogue_search_indexes
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011_catalogue_province_index"
down_revision: str | None = "0010_catalogue_search_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Table and the date its search ranks by; the included columns as in karyar.db.models at this revision.
TABLES = (("courses", "starts_at"), ("job_openings", "closes_at"))
INCLUDED = ["id", "active", "mode", "city", "gender", "min_age", "max_age", "organisations", "target_groups"]


def upgrade() -> None:
    for table, date in TABLES:
        op.drop_index(f"ix_{table}_province", table_name=table)
        op.create_index(f"ix_{table}_province", table, ["province", date], postgresql_include=INCLUDED)


def downgrade() -> None:
    for table, _ in TABLES:
        op.drop_index(f"ix_{table}_province", table_name=table)
        op.create_index(f"ix_{table}_province", table, ["province"])

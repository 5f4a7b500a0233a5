"""Profile facts may belong to a family member the client wrote about, kept apart from the client's own.

`member` is None for the client's own facts (every fact stored before this revision), else the relation
(spouse, son, daughter, mother, father, other).

Revision ID: 0012_family_member_facts
Revises: 0011_catalogue_province_index
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_family_member_facts"
down_revision: str | None = "0011_catalogue_province_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("profile_facts", sa.Column("member", sa.String(length=16), nullable=True))


def downgrade() -> None:
    # A member's facts must not become the client's own when the column goes.
    op.execute("DELETE FROM profile_facts WHERE member IS NOT NULL")
    with op.batch_alter_table("profile_facts") as batch:
        batch.drop_column("member")

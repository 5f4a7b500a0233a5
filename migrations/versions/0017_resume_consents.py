"""A client's consent per employer's opening to have her short résumé sent to the employer.

Revision ID: 0017_resume_consents
Revises: 0016_alerts
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import karyar.db.types

revision: str = "0017_resume_consents"
down_revision: str | None = "0016_alerts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "resume_consents",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("client_id", _ID, nullable=False),
        sa.Column("opening_id", _ID, nullable=False),
        sa.Column("decision", sa.String(length=8), nullable=False),
        sa.Column("asked_at", karyar.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_by", _ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_resume_consents_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["opening_id"],
            ["employer_openings.id"],
            name=op.f("fk_resume_consents_opening_id_employer_openings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sent_by"],
            ["staff_members.id"],
            name=op.f("fk_resume_consents_sent_by_staff_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resume_consents")),
        sa.UniqueConstraint("client_id", "opening_id", name=op.f("uq_resume_consents_client_id")),
    )
    op.create_index(op.f("ix_resume_consents_client_id"), "resume_consents", ["client_id"], unique=False)
    op.create_index(op.f("ix_resume_consents_opening_id"), "resume_consents", ["opening_id"], unique=False)


def downgrade() -> None:
    op.drop_table("resume_consents")

"""Indexes for reports: what happened in a period is found by time, not by reading whole tables.

Revision ID: 0008_report_indexes
Revises: 0007_telegram_updates
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008_report_indexes"
down_revision: str | None = "0007_telegram_updates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("messages", "ix_messages_created_at", ["created_at"]),
    ("clients", "ix_clients_first_seen_at", ["first_seen_at"]),
    ("case_events", "ix_case_events_kind_created_at", ["kind", "created_at"]),
    ("handoffs", "ix_handoffs_requested_at", ["requested_at"]),
)


def upgrade() -> None:
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for table, name, _ in INDEXES:
        op.drop_index(name, table_name=table)

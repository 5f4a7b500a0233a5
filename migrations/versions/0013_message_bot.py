"""Inbound messages remember the bot they were sent to, so only that bot answers them.

Several bots (one process per token) may share a case database; the sweep that answers messages left
waiting must not pick up another bot's client, send it to its own Rasa and answer through a token the
client never wrote to. Rows stored before this revision have no bot and stay open to any.

Revision ID: 0013_message_bot
Revises: 0012_family_member_facts
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_message_bot"
down_revision: str | None = "0012_family_member_facts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("messages", sa.Column("bot_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("bot_id")

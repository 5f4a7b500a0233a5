"""Handoffs to counsellors: the staff registry, the handoff queue, posts shown to counsellors, follow-ups.

Revision ID: 0004_handoffs
Revises: 0003_catalogue
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import karyar.db.types

revision: str = "0004_handoffs"
down_revision: str | None = "0003_catalogue"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_members",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("organisations", sa.JSON(), nullable=False),
        sa.Column("provinces", sa.JSON(), nullable=False),
        sa.Column("hours", sa.String(length=128), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("focus_handoff_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", karyar.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", karyar.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_members")),
        sa.UniqueConstraint("telegram_user_id", name=op.f("uq_staff_members_telegram_user_id")),
    )
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("due_at", karyar.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.String(length=16), nullable=True),
        sa.Column("cancelled_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", karyar.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_follow_ups_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_follow_ups_client_id_clients"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["staff_members.id"],
            name=op.f("fk_follow_ups_created_by_staff_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
    )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_ups_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_ups_due_at"), ["due_at"], unique=False)

    op.create_table(
        "handoffs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("organisation", sa.String(length=32), nullable=True),
        sa.Column("province", sa.String(length=64), nullable=True),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_at", karyar.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("client_told_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cards_posted_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("topic_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("topic_thread_id", sa.BigInteger(), nullable=True),
        sa.Column("ended_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("rasa_resumed_at", karyar.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rating_comment", sa.Text(), nullable=True),
        sa.Column("awaiting_comment", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_handoffs_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["claimed_by"],
            ["staff_members.id"],
            name=op.f("fk_handoffs_claimed_by_staff_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_handoffs_client_id_clients"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["ended_by"],
            ["staff_members.id"],
            name=op.f("fk_handoffs_ended_by_staff_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoffs")),
    )
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoffs_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_handoffs_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_handoffs_status"), ["status"], unique=False)
        batch_op.create_index("ix_handoffs_topic", ["topic_chat_id", "topic_thread_id"], unique=False)
        batch_op.create_index(
            "uq_handoffs_one_active_per_client",
            ["client_id"],
            unique=True,
            sqlite_where=sa.text("ended_at IS NULL"),
            postgresql_where=sa.text("ended_at IS NULL"),
        )

    op.create_table(
        "handoff_posts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("handoff_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", karyar.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoffs.id"],
            name=op.f("fk_handoff_posts_handoff_id_handoffs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_posts")),
    )
    with op.batch_alter_table("handoff_posts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoff_posts_handoff_id"), ["handoff_id"], unique=False)
        batch_op.create_index("uq_handoff_posts_chat_message", ["chat_id", "message_id"], unique=True)

    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("handoff_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_messages_handoff_id"), ["handoff_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_messages_handoff_id_handoffs"),
            "handoffs",
            ["handoff_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_messages_handoff_id_handoffs"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_messages_handoff_id"))
        batch_op.drop_column("handoff_id")

    with op.batch_alter_table("handoff_posts", schema=None) as batch_op:
        batch_op.drop_index("uq_handoff_posts_chat_message")
        batch_op.drop_index(batch_op.f("ix_handoff_posts_handoff_id"))

    op.drop_table("handoff_posts")
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_handoffs_one_active_per_client",
            sqlite_where=sa.text("ended_at IS NULL"),
            postgresql_where=sa.text("ended_at IS NULL"),
        )
        batch_op.drop_index("ix_handoffs_topic")
        batch_op.drop_index(batch_op.f("ix_handoffs_status"))
        batch_op.drop_index(batch_op.f("ix_handoffs_client_id"))
        batch_op.drop_index(batch_op.f("ix_handoffs_case_id"))

    op.drop_table("handoffs")
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_ups_due_at"))
        batch_op.drop_index(batch_op.f("ix_follow_ups_case_id"))

    op.drop_table("follow_ups")
    op.drop_table("staff_members")

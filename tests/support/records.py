"""What the case database holds for a client, read the way end-to-end tests check it."""

from __future__ import annotations

from sqlalchemy import select

from karyar.db.engine import Database
from karyar.db.models import Client, Message


def inbound_messages(db: Database, user_id: int) -> list[Message]:
    """A client's inbound messages, oldest first (none before their first message)."""
    with db.unit_of_work() as session:
        client = session.scalar(select(Client).where(Client.telegram_user_id == user_id))
        if client is None:
            return []
        return list(
            session.scalars(
                select(Message)
                .where(Message.client_id == client.id, Message.direction == "in")
                .order_by(Message.id)
            )
        )

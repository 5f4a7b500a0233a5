"""Rasa's conversations where they live in the case database (schema `rasa`, with PostgreSQL): the one
thing the domain does to them is forget one, on a client's erasure request."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from karyar.settings import Settings

SCHEMA = "rasa"


def forget_conversation_sql(settings: Settings, sender_id: str) -> int:
    """Delete a conversation from Rasa's SQL tracker store (Rasa's API cannot); returns the events removed."""
    if not settings.rasa_tracker_in_database:
        return 0
    engine = create_engine(settings.DATABASE_URL)
    try:
        with engine.begin() as connection:
            exists = connection.execute(text("SELECT to_regclass(:t)"), {"t": f"{SCHEMA}.events"}).scalar()
            if exists is None:
                return 0
            result = connection.execute(
                text(f"DELETE FROM {SCHEMA}.events WHERE sender_id = :s"), {"s": sender_id}
            )
            return int(result.rowcount or 0)
    finally:
        engine.dispose()

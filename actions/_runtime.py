"""What every action needs: the database and the client behind a Rasa conversation."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker

from karyar.db.engine import Database, database_for
from karyar.messages import RASA_MESSAGE_ID_KEY
from karyar.settings import get_settings

logger = logging.getLogger(__name__)


def database() -> Database:
    return database_for(get_settings().DATABASE_URL)


def telegram_user_id(tracker: Tracker) -> int | None:
    """The bot uses the Telegram user id as Rasa's sender id; anything else is not a Telegram client."""
    try:
        return int(tracker.sender_id)
    except (TypeError, ValueError):
        logger.warning(
            "conversation %r is not keyed by a Telegram user id; nothing is stored for it", tracker.sender_id
        )
        return None


def latest_metadata(tracker: Tracker) -> dict[str, Any]:
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    return metadata if isinstance(metadata, dict) else {}


def source_message_id(tracker: Tracker) -> int | None:
    """The case-database id of the message being handled, sent by the bot as message metadata."""
    value = latest_metadata(tracker).get(RASA_MESSAGE_ID_KEY)
    return value if isinstance(value, int) else None

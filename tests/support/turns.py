"""When the bot is done with what a user sent, read from the bot's own inbox of updates.

The bot stores every update in its inbox before it is acknowledged and marks it processed once its handlers
are done (karyar/inbox.py, bot/polling.py), and every reply to a message is sent by those handlers; so a turn
is over when each update the user sent in it is stored and marked. A stand-in is tied here to the case
database and the id of the bot it serves (by its address, which a restarted stand-in keeps): bots sharing a
database number their updates alike.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import select

from karyar.db.engine import Database
from karyar.db.models import TelegramUpdate
from localapi.server import ThreadedLocalBotApi

POLL_SECONDS = 0.02
_inboxes: dict[str, tuple[Database, int]] = {}


@contextmanager
def read_from_inbox(api: ThreadedLocalBotApi, database_url: str) -> Iterator[None]:
    """Turns through this stand-in end when the bot it serves has marked them in this database's inbox."""
    url = api.url  # kept: the stand-in may be stopped before this ends
    database = Database(database_url)
    _inboxes[url] = (database, api.world.bot.id)
    try:
        yield
    finally:
        _inboxes.pop(url, None)
        database.dispose()


def knows_inbox(api_url: str) -> bool:
    return api_url in _inboxes


def all_processed(api_url: str, update_ids: range, *, received_since: datetime) -> bool:
    """Whether every update numbered in `update_ids` (received since then: a restarted stand-in numbers from 1
    again) is in the inbox and processed."""
    database, bot_id = _inboxes[api_url]
    with database.unit_of_work() as session:
        rows = session.execute(
            select(TelegramUpdate.update_id, TelegramUpdate.processed_at).where(
                TelegramUpdate.bot_id == bot_id,
                TelegramUpdate.update_id.in_(update_ids),
                TelegramUpdate.received_at >= received_since,
            )
        ).all()
    stored = {update_id for update_id, _ in rows}
    return stored.issuperset(update_ids) and all(processed is not None for _, processed in rows)


def wait_processed(api_url: str, update_ids: range, *, received_since: datetime, timeout: float) -> bool:
    """Waits until `all_processed` holds (the inbox is in another process's database: polled); False if it
    does not within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not all_processed(api_url, update_ids, received_since=received_since):
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL_SECONDS)
    return True

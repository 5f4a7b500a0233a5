"""Rasa's SQL tracker store, keeping the conversations it has just handled in memory.

Rasa's own SQLTrackerStore, on every message, checks that its schema exists (twice), reads every event of
the conversation's session and replays them into a tracker, and before saving counts the stored events to
know which are new: about a third of Rasa's time per message. This store, which ops/rasa_stores.py names
in endpoints.yml when the conversations are in PostgreSQL:

- checks the schema once, when it starts;
- keeps the trackers of the conversations it last read or saved (the most recent KEPT_CONVERSATIONS), and
  hands one back only while the database holds no newer event for it (one look-up on an index of sender
  and event id) and the tracker holds no event that was not saved: what another Rasa server sharing the
  conversations wrote, or an event posted through Rasa's API, is always read;
- saves the events a kept tracker gained in one statement, without counting first;
- forgets a conversation whose session has just started again, so a tracker never carries more than the
  latest session, as Rasa's store reads it.
"""

from __future__ import annotations

import itertools
import json
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from psycopg2.extras import execute_values
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.orm import Session

KEPT_CONVERSATIONS = 500  # about the conversations going on at 20 messages a second (some 55 kB each)
_INSERT_EVENTS = "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) VALUES %s RETURNING id"
LAST_EVENT_INDEX = "events_sender_id_id"


@dataclass
class _Kept:
    tracker: DialogueStateTracker
    saved_events: int  # how many of the tracker's events are in the database
    last_event_id: int | None  # the newest of them


class KeepingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with super().session_scope() as session:  # Rasa's own scope checks the schema exists
            session.execute(
                sa.text(f"CREATE INDEX IF NOT EXISTS {LAST_EVENT_INDEX} ON events (sender_id, id)")
            )
            session.commit()
        self._kept: OrderedDict[str, _Kept] = OrderedDict()

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        session = self.sessionmaker()
        try:
            yield session
        finally:
            session.close()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        kept = self._kept.pop(sender_id, None)
        if kept is not None and len(kept.tracker.events) == kept.saved_events:
            with self.session_scope() as session:
                if self._last_event_id(session, sender_id) == kept.last_event_id:
                    self._keep(sender_id, kept)
                    return kept.tracker
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).all()
        if not rows or not self.domain:
            return None
        tracker = DialogueStateTracker.from_dict(
            sender_id, [json.loads(row.data) for row in rows], self.domain.slots
        )
        self._keep(sender_id, _Kept(tracker, len(tracker.events), rows[-1].id))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        kept = self._kept.pop(tracker.sender_id, None)
        with self.session_scope() as session:
            if kept is not None and kept.tracker is tracker:
                new = list(itertools.islice(tracker.events, kept.saved_events, None))
                last_event_id = kept.last_event_id
            else:
                new = list(self._additional_events(session, tracker))
                last_event_id = self._last_event_id(session, tracker.sender_id)
            if new:
                last_event_id = self._insert(session, tracker.sender_id, new)
            session.commit()
        if not any(isinstance(event, SessionStarted) for event in new):
            self._keep(tracker.sender_id, _Kept(tracker, len(tracker.events), last_event_id))

    def _keep(self, sender_id: str, kept: _Kept) -> None:
        self._kept[sender_id] = kept
        while len(self._kept) > KEPT_CONVERSATIONS:
            self._kept.popitem(last=False)

    def _last_event_id(self, session: Session, sender_id: str) -> int | None:
        return session.execute(
            sa.select(sa.func.max(self.SQLEvent.id)).where(self.SQLEvent.sender_id == sender_id)
        ).scalar()

    def _insert(self, session: Session, sender_id: str, events: list[Event]) -> int:
        """Writes the events as Rasa's store does, in one statement (psycopg2's `execute_values`: SQLAlchemy
        1.4 would compile a statement anew for each number of rows); returns the newest event's id."""
        rows = []
        for event in events:
            data = event.as_dict()
            intent = data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY)
            rows.append(
                (
                    sender_id,
                    event.type_name,
                    data.get("timestamp"),
                    intent,
                    data.get("name"),
                    json.dumps(data),
                )
            )
        cursor = session.connection().connection.cursor()
        ids = execute_values(cursor, _INSERT_EVENTS, rows, fetch=True)
        return max(row[0] for row in ids)

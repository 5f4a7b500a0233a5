"""What a slot held before the client's latest message: the value to put back when the message's words are
not the client's answer (another fact than the one asked, or a family member's fact)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker


def slot_before_latest_message(tracker: Tracker, slot: str) -> Any:
    """A slot's value before the client's latest message (so a changed answer can be told apart)."""
    events = tracker.events
    last_user = max(
        (i for i, event in enumerate(events) if event.get("event") == "user"), default=len(events)
    )
    value = None
    for event in events[:last_user]:
        if event.get("event") == "slot" and event.get("name") == slot:
            value = event.get("value")
    return value

"""Empathy and a person, first, when a client's message shows distress (prison, violence, eviction, …).

The signs are read from the client's own words whatever the NLU made of them, so a message that also asks
for something still gets its answer, after the offer; the case is marked for the counsellor either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.rasa_client import RasaReply
from karyar.texts import _
from karyar.wellbeing.distress import URGENT, DistressKind

# Pressed, it asks Rasa for a counsellor with the reason the case card shows.
COUNSELLOR_PAYLOAD = '/request_counsellor{"handoff_reason": "distress"}'


def hands_over(replies: Sequence[RasaReply]) -> bool:
    """The answer already hands the client to a person: no need to offer one."""
    return any(isinstance(reply.get("custom"), dict) and "handoff" in reply["custom"] for reply in replies)


def care_text(kinds: Sequence[DistressKind], *, person_coming: bool = False) -> str:
    """Comfort, and the emergency line where life or body is at risk; with the offer of a person, unless the
    answer already hands her to one (`person_coming`: a complaint or a request for a counsellor)."""
    urgent = bool(URGENT.intersection(kinds))
    if person_coming:
        return (
            _("Distress: care, a person coming, urgent") if urgent else _("Distress: care, a person coming")
        )
    return _("Distress: care, urgent") if urgent else _("Distress: care")


def care_buttons() -> list[dict[str, Any]]:
    return [{"title": _("Menu: counsellor"), "payload": COUNSELLOR_PAYLOAD}]

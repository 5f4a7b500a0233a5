"""Signs of distress in a client's message, and marking them on the case for the counsellor.

Anger, despair or a crisis (prison, violence, eviction, hunger, illness) must get empathy and a person in
the first answer, whatever else the message asked; the words are data (distress_words.yml).
"""

from __future__ import annotations

import enum
from datetime import timedelta
from functools import cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from karyar import cases
from karyar.clock import now
from karyar.data_files import read_data_file
from karyar.db.models import CaseEvent, CaseEventKind
from persian.phrases import PhraseFinder

# Within this long after a person was offered, later signs are marked on the case but not offered again.
OFFER_AGAIN_AFTER = timedelta(hours=6)


class DistressKind(enum.StrEnum):
    SELF_HARM = "self_harm"
    VIOLENCE = "violence"
    PRISON = "prison"
    EVICTION = "eviction"
    HUNGER = "hunger"
    ILLNESS = "illness"
    DESPAIR = "despair"


# Danger to the client's life or body: the answer also names the emergency line.
URGENT = frozenset({DistressKind.SELF_HARM, DistressKind.VIOLENCE})


@cache
def _finder() -> PhraseFinder[DistressKind]:
    words = read_data_file(Path(__file__).with_name("distress_words.yml"))
    return PhraseFinder(
        {DistressKind(kind): [str(word) for word in listed] for kind, listed in words.items()}
    )


def signs_of_distress(text: str) -> tuple[DistressKind, ...]:
    return tuple(_finder().find(text))


def mark(
    session: Session, *, client_id: int, message_id: int | None, kinds: tuple[DistressKind, ...]
) -> bool:
    """Put the signs on the client's case; True if a person should be offered now (not offered lately)."""
    case = cases.open_case(session, client_id=client_id)
    since = now() - OFFER_AGAIN_AFTER
    recent = session.scalars(
        select(CaseEvent).where(
            CaseEvent.case_id == case.id,
            CaseEvent.kind == CaseEventKind.DISTRESS,
            CaseEvent.created_at >= since,
        )
    )
    offer = not any(event.data.get("offered") for event in recent)
    cases.record_event(
        session,
        case=case,
        kind=CaseEventKind.DISTRESS,
        data={"kinds": [str(kind) for kind in kinds], "offered": offer},
        source_message_id=message_id,
    )
    return offer


def kinds_on_case(session: Session, *, case_id: int) -> list[DistressKind]:
    """Every kind of distress seen on the case, in the order first seen."""
    seen: dict[DistressKind, None] = {}
    for event in cases.events(session, case_id=case_id, kind=CaseEventKind.DISTRESS):
        for kind in event.data.get("kinds") or []:
            if kind in DistressKind.__members__.values():
                seen.setdefault(DistressKind(kind), None)
    return list(seen)

"""A client's interest in a course or job opening, kept on their case's timeline for the counsellor."""

from __future__ import annotations

from typing import Literal

from sqlalchemy.orm import Session

from karyar.cases import events, open_case, record_event
from karyar.catalogue.search import get_course, get_job
from karyar.db.models import CaseEvent, CaseEventKind

ItemKind = Literal["course", "job"]


def record_interest(
    session: Session, *, client_id: int, kind: ItemKind, item_id: int, source_message_id: int | None = None
) -> CaseEvent:
    """Write an INTEREST event on the client's open case; the same item twice gives the first event back."""
    item = get_course(session, item_id) if kind == "course" else get_job(session, item_id)
    if item is None:
        raise LookupError(f"no {kind} with id {item_id}")
    case = open_case(session, client_id=client_id)
    for event in events(session, case_id=case.id, kind=CaseEventKind.INTEREST):
        if event.data.get("kind") == kind and event.data.get("item_id") == item_id:
            return event
    return record_event(
        session,
        case=case,
        kind=CaseEventKind.INTEREST,
        data={"kind": kind, "item_id": item.id, "code": item.code, "title": item.title},
        source_message_id=source_message_id,
    )

"""A case's timeline as a counsellor reads it: what happened, when, and who did it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.handoff.labels import follow_up_answer_labels, outcome_label, reason_label
from bot.handoff.screens import TimelineEntry, timeline_text
from bot.texts import _
from karyar.db.engine import Database
from karyar.db.models import Case, CaseEventKind, StaffMember
from karyar.handoff import casebook
from karyar.handoff.casebook import RawEntry
from persian.format import persian_text


async def timeline_for(database: Database, *, member: StaffMember, case_id: int) -> str:
    return await database.run_async(_timeline, member_id=member.id, case_id=case_id)


def _timeline(session: Session, *, member_id: int, case_id: int) -> str:
    member = session.get_one(StaffMember, member_id)
    case = session.get(Case, case_id)
    if case is None:
        return _("Timeline: no such case")
    if not casebook.can_view(session, member=member, case=case):
        return _("Staff: not allowed")
    raw = casebook.timeline(session, case_id=case_id)
    names = casebook.actor_names(session, {entry.actor for entry in raw})
    entries = [
        TimelineEntry(
            at=entry.at,
            kind=entry.kind,
            actor=_actor(entry.actor, names),
            detail=str(entry.data.get("stage")) if entry.kind == "stage" else _detail(entry),
        )
        for entry in raw
    ]
    return timeline_text(case_id, casebook.client_name(session, client_id=case.client_id), entries)


def _actor(actor: str, names: dict[str, str]) -> str:
    if actor in names:
        return names[actor]
    return _("Actor: client") if actor == "client" else _("Actor: system")


def _detail(entry: RawEntry) -> str:
    data = entry.data
    if entry.kind == CaseEventKind.HANDOFF_REQUESTED:
        return reason_label(str(data.get("reason", "")))
    if entry.kind == CaseEventKind.HANDOFF_CLOSED:
        return outcome_label(str(data.get("outcome", "")))
    if entry.kind == CaseEventKind.NOTE:
        return str(data.get("text", ""))
    if entry.kind == CaseEventKind.INTEREST:
        return str(data.get("title", ""))
    if entry.kind == CaseEventKind.RATING and data.get("rating") is not None:
        return persian_text(f"{data['rating']}/5")
    if entry.kind == CaseEventKind.FOLLOW_UP_ANSWER:
        labels = {str(answer): label for answer, label in follow_up_answer_labels().items()}
        return (
            persian_text(f"{data.get('months')} ")
            + _("Timeline: months")
            + " — "
            + labels.get(str(data.get("answer")), "")
        )
    return ""

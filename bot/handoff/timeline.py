"""A case's timeline as a counsellor reads it: what happened, when, and who did it."""

from __future__ import annotations

from bot.handoff.labels import follow_up_answer_labels, outcome_label, reason_label
from bot.handoff.screens import TimelineEntry, timeline_text
from karyar.db.engine import Database
from karyar.db.models import CaseEventKind
from karyar.handoff import casework
from karyar.handoff.casebook import RawEntry
from karyar.handoff.casework import TimelineRefusal
from karyar.handoff.views import Colleague
from karyar.texts import _
from persian.format import persian_text


async def timeline_for(database: Database, *, member: Colleague, case_id: int) -> str:
    found = await database.run_async(casework.timeline, member_id=member.id, case_id=case_id)
    if found == TimelineRefusal.NO_SUCH_CASE:
        return _("Timeline: no such case")
    if isinstance(found, TimelineRefusal):
        return _("Staff: not allowed")
    entries = [
        TimelineEntry(
            at=entry.at,
            kind=entry.kind,
            actor=_actor(entry.actor, found.staff_names),
            detail=str(entry.data.get("stage")) if entry.kind == "stage" else _detail(entry),
        )
        for entry in found.entries
    ]
    return timeline_text(case_id, found.client_name, entries)


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

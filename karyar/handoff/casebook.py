"""Cases as counsellors look them up: who may see which case, search, and a case's whole timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from karyar import cases
from karyar.db.models import Case, Client, Handoff, StaffMember
from karyar.facts import ProfileFactName
from karyar.handoff.routing import serves
from karyar.profile import current_profile, current_value
from karyar.staff.roles import Permission, may
from persian.text import to_ascii_digits

SEARCH_LIMIT = 10
_LARGEST_ID = 2**63 - 1


def can_view(session: Session, *, member: StaffMember, case: Case) -> bool:
    """Counsellors see the cases of their pool and the cases they handled, nothing else."""
    if not member.active or not may(member.role, Permission.HANDLE_CASES):
        return False
    handled = session.scalar(
        select(func.count())
        .select_from(Handoff)
        .where(Handoff.case_id == case.id, Handoff.claimed_by == member.id)
    )
    if handled:
        return True
    profile = current_profile(session, client_id=case.client_id)
    organisation = current_value(profile, ProfileFactName.ORGANISATION)
    return serves(
        member,
        organisation=None if organisation == "none" else organisation,
        province=current_value(profile, ProfileFactName.PROVINCE),
    )


def search(session: Session, *, member: StaffMember, text: str) -> list[tuple[Case, Client]]:
    """Clients by case number, Telegram id, name or username, limited to what the member may see."""
    term = to_ascii_digits(text.strip().lstrip("#@"))
    conditions: list[ColumnElement[bool]] = [
        Client.first_name.ilike(f"%{term}%"),
        Client.last_name.ilike(f"%{term}%"),
        Client.username.ilike(f"%{term}%"),
    ]
    if term.isdigit():
        conditions.append(cast(Client.telegram_user_id, String) == term)
        if int(term) <= _LARGEST_ID:  # a longer number (a pasted card number) is no case number
            conditions.append(Case.id == int(term))
    rows = session.execute(
        select(Case, Client)
        .join(Client, Client.id == Case.client_id)
        .where(or_(*conditions))
        .order_by(Case.id.desc())
        .limit(SEARCH_LIMIT * 5)
    )
    found = [(case, client) for case, client in rows if can_view(session, member=member, case=case)]
    return found[:SEARCH_LIMIT]


@dataclass(frozen=True, slots=True)
class RawEntry:
    at: datetime
    kind: str  # "stage" or a CaseEventKind
    actor: str
    data: dict[str, Any]


def timeline(session: Session, *, case_id: int) -> list[RawEntry]:
    """Stage changes and events of a case, oldest first."""
    entries = [
        RawEntry(
            change.changed_at, "stage", change.changed_by, {"stage": change.to_stage, "note": change.note}
        )
        for change in cases.timeline(session, case_id=case_id)
    ]
    entries += [
        RawEntry(event.created_at, event.kind, event.actor, dict(event.data or {}))
        for event in cases.events(session, case_id=case_id)
    ]
    return sorted(entries, key=lambda entry: entry.at)


def actor_names(session: Session, actors: set[str]) -> dict[str, str]:
    """ "staff:12" → the colleague's name, for showing who did what."""
    ids = {int(actor.split(":", 1)[1]) for actor in actors if actor.startswith("staff:")}
    if not ids:
        return {}
    members = session.scalars(select(StaffMember).where(StaffMember.id.in_(ids)))
    return {f"staff:{member.id}": member.name for member in members}


def client_name(session: Session, *, client_id: int) -> str:
    return full_name(session.get_one(Client, client_id))


def full_name(client: Client) -> str:
    return " ".join(part for part in (client.first_name, client.last_name) if part) or "—"

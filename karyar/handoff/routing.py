"""Which counsellors a handoff goes to: the pool of its organisation and province, on duty now."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from karyar.db.models import Handoff, HandoffTier, StaffMember
from karyar.office_hours import PersonalHours, on_duty
from karyar.staff.roles import Permission, may


def serves(member: StaffMember, *, organisation: str | None, province: str | None) -> bool:
    """Empty lists in the registry mean every organisation or province; an unknown one matches everyone."""
    organisation_ok = not member.organisations or organisation is None or organisation in member.organisations
    province_ok = not member.provinces or province is None or province in member.provinces
    return organisation_ok and province_ok


def can_claim(member: StaffMember, handoff: Handoff) -> bool:
    if not member.active or not may(member.role, Permission.HANDLE_CASES):
        return False
    if handoff.tier == HandoffTier.SUPERVISOR and not may(member.role, Permission.SUPERVISE):
        return False
    return serves(member, organisation=handoff.organisation, province=handoff.province)


def pool_filter(*, organisation: str | None, province: str | None) -> list[Any]:
    """SQL conditions for "the same pool": same organisation and province, unknown counted as its own."""
    return [
        Handoff.organisation.is_(None) if organisation is None else Handoff.organisation == organisation,
        Handoff.province.is_(None) if province is None else Handoff.province == province,
    ]


def is_on_duty(member: StaffMember, at: datetime) -> bool:
    return on_duty(at, PersonalHours.parse(member.hours) if member.hours else None)


def pool(
    session: Session, *, handoff: Handoff, at: datetime | None = None, supervisors: bool = False
) -> list[StaffMember]:
    """Active members who may claim the handoff (supervisors only, if asked), on duty at `at` if given."""
    members = session.scalars(
        select(StaffMember).where(StaffMember.active.is_(True)).order_by(StaffMember.id)
    )
    found = []
    for member in members:
        if not can_claim(member, handoff):
            continue
        if supervisors and not may(member.role, Permission.SUPERVISE):
            continue
        if at is not None and not is_on_duty(member, at):
            continue
        found.append(member)
    return found


def may_manage(member: StaffMember, handoff: Handoff) -> bool:
    """Close or transfer a claimed case: its counsellor, or a supervisor of its pool."""
    if not member.active:
        return False
    if handoff.claimed_by == member.id:
        return True
    return may(member.role, Permission.SUPERVISE) and serves(
        member, organisation=handoff.organisation, province=handoff.province
    )

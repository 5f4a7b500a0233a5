"""The units of work behind administrators' `/staff` command: list, add, change the role of, update and
remove colleagues.

Each checks that the sender may manage staff (a refusal is audited, a change by the registry itself)
before touching the registry, and returns a snapshot. A refused registry change raises `StaffError`, so the whole unit rolls
back and nothing changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from karyar.db.models import StaffMember
from karyar.staff import registry
from karyar.staff.access import authorise
from karyar.staff.registry import UNSET, Unset
from karyar.staff.roles import Permission


@dataclass(frozen=True, slots=True)
class MemberCard:
    """A colleague as the registry holds them."""

    telegram_user_id: int
    name: str
    role: str
    organisations: tuple[str, ...]  # empty: all of them
    provinces: tuple[str, ...]  # empty: all of them
    hours: str | None  # None: the office hours
    active: bool

    @classmethod
    def of(cls, member: StaffMember) -> MemberCard:
        return cls(
            telegram_user_id=member.telegram_user_id,
            name=member.name,
            role=member.role,
            organisations=tuple(member.organisations or ()),
            provinces=tuple(member.provinces or ()),
            hours=member.hours,
            active=member.active,
        )


@dataclass(frozen=True, slots=True)
class StaffAnswer:
    allowed: bool
    members: tuple[MemberCard, ...] = ()  # the list asked for, or the one colleague changed


_REFUSED = StaffAnswer(allowed=False)


def _may_manage(session: Session, actor: int, action: str, telegram_user_id: int | None = None) -> bool:
    target = f"staff:{telegram_user_id}" if telegram_user_id else None
    allowed = authorise(
        session,
        telegram_user_id=actor,
        permission=Permission.MANAGE_STAFF,
        action=f"staff.{action}",
        target=target,
    )
    return allowed is not None


def _changed(member: StaffMember) -> StaffAnswer:
    return StaffAnswer(allowed=True, members=(MemberCard.of(member),))


def may_manage(session: Session, *, actor: int) -> bool:
    """Whether the sender of a `/staff` command that did not parse may be shown the syntax."""
    return _may_manage(session, actor, "command")


def list_staff(session: Session, *, actor: int, include_inactive: bool = False) -> StaffAnswer:
    if not _may_manage(session, actor, "list"):
        return _REFUSED
    members = registry.list_members(session, include_inactive=include_inactive)
    return StaffAnswer(allowed=True, members=tuple(MemberCard.of(member) for member in members))


def add_staff(
    session: Session,
    *,
    actor: int,
    telegram_user_id: int,
    name: str,
    role: str,
    organisations: Sequence[str] = (),
    provinces: Sequence[str] = (),
    hours: str | None = None,
) -> StaffAnswer:
    if not _may_manage(session, actor, "add", telegram_user_id):
        return _REFUSED
    member = registry.add_member(
        session,
        telegram_user_id=telegram_user_id,
        name=name,
        role=role,
        organisations=organisations,
        provinces=provinces,
        hours=hours,
        actor_telegram_user_id=actor,
    )
    return _changed(member)


def change_role(session: Session, *, actor: int, telegram_user_id: int, role: str) -> StaffAnswer:
    if not _may_manage(session, actor, "role", telegram_user_id):
        return _REFUSED
    member = registry.update_member(
        session, telegram_user_id=telegram_user_id, role=role, actor_telegram_user_id=actor
    )
    return _changed(member)


def update_staff(
    session: Session,
    *,
    actor: int,
    telegram_user_id: int,
    name: str | Unset = UNSET,
    organisations: Sequence[str] | Unset = UNSET,
    provinces: Sequence[str] | Unset = UNSET,
    hours: str | Unset | None = UNSET,
) -> StaffAnswer:
    """Change the details given (UNSET: keep it); empty organisations or provinces mean all of them."""
    if not _may_manage(session, actor, "set", telegram_user_id):
        return _REFUSED
    member = registry.update_member(
        session,
        telegram_user_id=telegram_user_id,
        actor_telegram_user_id=actor,
        name=name,
        organisations=organisations,
        provinces=provinces,
        hours=hours,
    )
    return _changed(member)


def remove_staff(session: Session, *, actor: int, telegram_user_id: int) -> StaffAnswer:
    if not _may_manage(session, actor, "remove", telegram_user_id):
        return _REFUSED
    member = registry.deactivate_member(
        session, telegram_user_id=telegram_user_id, actor_telegram_user_id=actor
    )
    return _changed(member)

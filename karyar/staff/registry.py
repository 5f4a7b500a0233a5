"""Who the colleagues are: their role, the organisations and provinces they serve, their working hours.

Every change is audited. People are deactivated, never deleted, because handoffs and the audit log point at
them. An actor of None is the operator's command line.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from karyar import audit
from karyar.catalogue.labels import ALIASES, ORGANISATION
from karyar.catalogue.reference import compact_key, places
from karyar.clock import now
from karyar.db.models import StaffMember, StaffRole
from karyar.office_hours import PersonalHours
from karyar.staff.access import active_member
from karyar.staff.roles import Permission, may
from karyar.texts import _

NAME_LIMIT = 128
HOURS_LIMIT = 128  # the width of staff_members.hours
# Telegram user ids are positive and fit the BIGINT column.
TELEGRAM_ID_LIMIT = 2**63 - 1
ORGANISATIONS = ("emdad", "behzisti")
# How colleagues see a role; the label is also a word for it in /staff commands.
ROLE_LABELS: dict[str, str] = {
    StaffRole.COUNSELLOR: _("Staff role: counsellor"),
    StaffRole.SUPERVISOR: _("Staff role: supervisor"),
    StaffRole.STAFF: _("Staff role: staff"),
    StaffRole.ADMIN: _("Staff role: admin"),
}

# Words are compared by compact_key, so Arabic-letter spellings and stray spaces still match.
_ROLE_WORDS = {
    compact_key(word): StaffRole(role) for role, label in ROLE_LABELS.items() for word in (role, label)
}
_ORGANISATION_WORDS = {
    compact_key(word): code
    for code in ORGANISATIONS
    for word in (code, ORGANISATION[code], *ALIASES.get(code, []))
}


class Unset(enum.Enum):
    UNSET = enum.auto()


# A field `update_member` was not asked to change (None is a value there: office hours).
UNSET: Final = Unset.UNSET


class Problem(enum.StrEnum):
    """Why a registry change was refused, so each interface can explain it in its own language."""

    BAD_TELEGRAM_ID = "bad_telegram_id"
    BAD_NAME = "bad_name"
    UNKNOWN_ROLE = "unknown_role"
    UNKNOWN_ORGANISATION = "unknown_organisation"
    UNKNOWN_PROVINCE = "unknown_province"
    BAD_HOURS = "bad_hours"
    ALREADY_ACTIVE = "already_active"
    NOT_FOUND = "not_found"
    LAST_ADMIN = "last_admin"


class StaffError(ValueError):
    """A refused registry change; `value` is the input at fault, if any."""

    def __init__(self, problem: Problem, message: str, *, value: str = "") -> None:
        super().__init__(message)
        self.problem = problem
        self.value = value


def parse_role(text: StaffRole | str) -> StaffRole:
    """A role from its English or Persian name (counsellor or مشاور, …)."""
    role = _ROLE_WORDS.get(compact_key(text))
    if role is None:
        names = ", ".join(StaffRole)
        raise StaffError(Problem.UNKNOWN_ROLE, f"unknown role {text!r}; use one of {names}", value=text)
    return role


def add_member(
    session: Session,
    *,
    telegram_user_id: int,
    name: str,
    role: StaffRole | str,
    organisations: Iterable[str] = (),
    provinces: Iterable[str] = (),
    hours: str | None = None,
    actor_telegram_user_id: int | None = None,
) -> StaffMember:
    """Add a colleague; a deactivated one is brought back with the details given."""
    fields = {
        "name": _name(name),
        "role": str(parse_role(role)),
        "organisations": _organisations(organisations),
        "provinces": _provinces(provinces),
        "hours": _hours(hours),
    }
    origin = _origin(session, actor_telegram_user_id)
    member = find_member(session, telegram_user_id=_telegram_id(telegram_user_id))
    if member is not None and member.active:
        raise StaffError(
            Problem.ALREADY_ACTIVE,
            f"{telegram_user_id} is already an active staff member; update them instead",
            value=str(telegram_user_id),
        )
    before = _snapshot(member) if member else {}
    if member is None:
        member = StaffMember(telegram_user_id=telegram_user_id, created_at=now())
        session.add(member)
    _apply(member, {**fields, "active": True})
    details: dict[str, Any] = {"changes": _changes(before, _snapshot(member))}
    if before:
        details["reactivated"] = True
    audit.record_for(session, origin=origin, action="staff.add", target=_target(member), details=details)
    return member


def update_member(
    session: Session,
    *,
    telegram_user_id: int,
    actor_telegram_user_id: int | None = None,
    name: str | Unset = UNSET,
    role: StaffRole | str | Unset = UNSET,
    organisations: Iterable[str] | Unset = UNSET,
    provinces: Iterable[str] | Unset = UNSET,
    hours: str | Unset | None = UNSET,
) -> StaffMember:
    """Change the fields given and keep the rest. Empty organisations or provinces mean all of them."""
    fields: dict[str, Any] = {}
    if not isinstance(name, Unset):
        fields["name"] = _name(name)
    if not isinstance(role, Unset):
        fields["role"] = str(parse_role(role))
    if not isinstance(organisations, Unset):
        fields["organisations"] = _organisations(organisations)
    if not isinstance(provinces, Unset):
        fields["provinces"] = _provinces(provinces)
    if not isinstance(hours, Unset):
        fields["hours"] = _hours(hours)
    origin = _origin(session, actor_telegram_user_id)
    member = _active(session, telegram_user_id)
    if "role" in fields and fields["role"] != StaffRole.ADMIN:
        _keep_an_admin(session, member)
    before = _snapshot(member)
    _apply(member, fields)
    changes = _changes(before, _snapshot(member))
    renamed = before["name"] != member.name
    if changes or renamed:
        details: dict[str, Any] = {"changes": changes}
        if renamed:
            details["renamed"] = True  # the names themselves are personal data, kept out of the log
        audit.record_for(
            session, origin=origin, action="staff.update", target=_target(member), details=details
        )
    return member


def deactivate_member(
    session: Session, *, telegram_user_id: int, actor_telegram_user_id: int | None = None
) -> StaffMember:
    """Take a colleague off the registry's active list; their history stays attached to them."""
    origin = _origin(session, actor_telegram_user_id)
    member = _active(session, telegram_user_id)
    _keep_an_admin(session, member)
    _apply(member, {"active": False})
    details = {"changes": {"active": {"from": True, "to": False}}, "role": member.role}
    audit.record_for(
        session, origin=origin, action="staff.deactivate", target=_target(member), details=details
    )
    return member


def list_members(session: Session, *, include_inactive: bool = False) -> list[StaffMember]:
    query = select(StaffMember).order_by(StaffMember.active.desc(), StaffMember.name, StaffMember.id)
    if not include_inactive:
        query = query.where(StaffMember.active.is_(True))
    return list(session.scalars(query))


def active_permissions(session: Session) -> dict[int, frozenset[Permission]]:
    """What each active colleague may do, by their Telegram user id."""
    members = session.scalars(select(StaffMember).where(StaffMember.active.is_(True)))
    return {m.telegram_user_id: frozenset(p for p in Permission if may(m.role, p)) for m in members}


def find_member(session: Session, *, telegram_user_id: int) -> StaffMember | None:
    """The colleague with this Telegram id, active or not."""
    return session.scalar(select(StaffMember).where(StaffMember.telegram_user_id == telegram_user_id))


def _telegram_id(value: int) -> int:
    if not 0 < value <= TELEGRAM_ID_LIMIT:
        raise StaffError(Problem.BAD_TELEGRAM_ID, f"invalid Telegram user id {value}", value=str(value))
    return value


def _name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not 0 < len(cleaned) <= NAME_LIMIT:
        raise StaffError(Problem.BAD_NAME, f"a name must be 1 to {NAME_LIMIT} characters")
    return cleaned


def _organisations(values: Iterable[str]) -> list[str]:
    codes: list[str] = []
    for value in values:
        code = _ORGANISATION_WORDS.get(compact_key(value))
        if code is None:
            raise StaffError(
                Problem.UNKNOWN_ORGANISATION,
                f"unknown organisation {value!r}; use {' or '.join(ORGANISATIONS)}",
                value=value,
            )
        if code not in codes:
            codes.append(code)
    return codes


def _provinces(values: Iterable[str]) -> list[str]:
    names: list[str] = []
    for value in values:
        name = places().province(value)
        if name is None:
            raise StaffError(
                Problem.UNKNOWN_PROVINCE, f"unknown province {value!r}; use its Persian name", value=value
            )
        if name not in names:
            names.append(name)
    return names


def _hours(spec: str | None) -> str | None:
    """The canonical spec of personal working hours; nothing or blank means the office hours."""
    try:
        hours = PersonalHours.parse(spec)
    except ValueError as error:
        raise StaffError(Problem.BAD_HOURS, str(error), value=spec or "") from error
    if hours is None:
        return None
    canonical = str(hours)
    if len(canonical) > HOURS_LIMIT:
        raise StaffError(Problem.BAD_HOURS, f"hours: longer than {HOURS_LIMIT} characters", value=spec or "")
    return canonical


def _active(session: Session, telegram_user_id: int) -> StaffMember:
    member = active_member(session, telegram_user_id=telegram_user_id)
    if member is None:
        raise StaffError(
            Problem.NOT_FOUND,
            f"no active staff member with Telegram id {telegram_user_id}",
            value=str(telegram_user_id),
        )
    return member


def _keep_an_admin(session: Session, member: StaffMember) -> None:
    """Refuse to demote or deactivate the last active admin: nobody could manage staff from Telegram."""
    if member.role != StaffRole.ADMIN:
        return
    # Locking the admins' rows makes two admins demoting each other at once take turns (PostgreSQL).
    admins = session.scalars(
        select(StaffMember.id)
        .where(StaffMember.role == StaffRole.ADMIN, StaffMember.active.is_(True))
        .with_for_update()
    ).all()
    if list(admins) == [member.id]:
        raise StaffError(
            Problem.LAST_ADMIN,
            f"{member.telegram_user_id} is the last active admin; add another admin first",
            value=str(member.telegram_user_id),
        )


def _origin(session: Session, actor_telegram_user_id: int | None) -> audit.Origin:
    """Who makes the change, with their role before it (the change may be to their own role)."""
    if actor_telegram_user_id is None:
        return audit.OPERATOR
    actor = active_member(session, telegram_user_id=actor_telegram_user_id)
    return audit.Origin(actor_telegram_user_id, actor.role if actor else None, via="telegram")


def _target(member: StaffMember) -> str:
    return f"staff:{member.telegram_user_id}"


def _snapshot(member: StaffMember) -> dict[str, Any]:
    return {
        "name": member.name,
        "role": member.role,
        "organisations": list(member.organisations or []),
        "provinces": list(member.provinces or []),
        "hours": member.hours,
        "active": member.active,
    }


def _apply(member: StaffMember, fields: dict[str, Any]) -> None:
    for field, value in fields.items():
        setattr(member, field, value)
    member.updated_at = now()


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """What changed, for the audit log; names are personal data and are left out."""
    return {
        field: {"from": before.get(field), "to": value}
        for field, value in after.items()
        if field != "name" and before.get(field) != value
    }

"""Profile facts: what a client told us about themselves or a family member, with history kept on correction.

A member's facts (`member` set, karyar.members) live in the same case but never count as the client's own:
the functions here read and write the client's own facts unless a member is named.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from karyar.clock import now
from karyar.db.models import Client, ProfileFact
from karyar.facts import FACTS, ProfileFactName

# Most facts hold one value at a time, a new value superseding the old; these accumulate (fields of work).
_ACCUMULATING = frozenset(fact.name for fact in FACTS if fact.accumulates)


def record_fact(
    session: Session,
    *,
    client_id: int,
    name: ProfileFactName,
    value: str,
    source: str,
    source_message_id: int | None = None,
    member: str | None = None,
) -> ProfileFact:
    """Record a fact of the client (or of the member named); the same value again changes nothing, a
    different one supersedes the old one of the same person."""
    current = _current_facts(session, client_id=client_id, name=name, member=member)
    for fact in current:
        if fact.value == value:
            return fact
    if name not in _ACCUMULATING:
        for fact in current:
            fact.superseded_at = now()
    fact = ProfileFact(
        client_id=client_id,
        name=name,
        value=value,
        source=source,
        source_message_id=source_message_id,
        recorded_at=now(),
        member=member,
    )
    session.add(fact)
    session.flush()
    return fact


def record_facts_with_consent(
    session: Session,
    *,
    client_id: int,
    facts: list[tuple[ProfileFactName, str]],
    source: str,
    source_message_id: int | None = None,
    member: str | None = None,
) -> bool:
    """Record facts (of the client, or of the member named) only if the client has accepted the privacy
    notice; returns whether they were recorded."""
    if session.get_one(Client, client_id).consent_given_at is None:
        return False
    for name, value in facts:
        record_fact(
            session,
            client_id=client_id,
            name=name,
            value=value,
            source=source,
            source_message_id=source_message_id,
            member=member,
        )
    return True


def whose(member: str | None) -> ColumnElement[bool]:
    """The condition that selects the facts of the client (None) or of one member."""
    return ProfileFact.member.is_(None) if member is None else ProfileFact.member == member


def _current_facts(
    session: Session, *, client_id: int, name: ProfileFactName, member: str | None
) -> list[ProfileFact]:
    return list(
        session.scalars(
            select(ProfileFact)
            .where(
                ProfileFact.client_id == client_id,
                ProfileFact.name == name,
                ProfileFact.superseded_at.is_(None),
                whose(member),
            )
            .order_by(ProfileFact.id)
        )
    )


def current_profile(session: Session, *, client_id: int, member: str | None = None) -> dict[str, list[str]]:
    """The client's own facts in force (or the member's named), by name; single-valued facts have one element."""
    profile: dict[str, list[str]] = {}
    for fact in session.scalars(
        select(ProfileFact)
        .where(ProfileFact.client_id == client_id, ProfileFact.superseded_at.is_(None), whose(member))
        .order_by(ProfileFact.id)
    ):
        profile.setdefault(fact.name, []).append(fact.value)
    return profile


def member_profiles(session: Session, *, client_id: int) -> dict[str, dict[str, list[str]]]:
    """The facts in force of each family member the client wrote about, members in the order first told."""
    members: dict[str, dict[str, list[str]]] = {}
    for fact in session.scalars(
        select(ProfileFact)
        .where(
            ProfileFact.client_id == client_id,
            ProfileFact.superseded_at.is_(None),
            ProfileFact.member.is_not(None),
        )
        .order_by(ProfileFact.id)
    ):
        members.setdefault(str(fact.member), {}).setdefault(fact.name, []).append(fact.value)
    return members


def current_value(profile: dict[str, list[str]], name: ProfileFactName) -> str | None:
    """The value in force of a single-valued fact, if known."""
    values = profile.get(name)
    return values[0] if values else None


def fact_history(
    session: Session, *, client_id: int, name: ProfileFactName, member: str | None = None
) -> list[ProfileFact]:
    return list(
        session.scalars(
            select(ProfileFact)
            .where(ProfileFact.client_id == client_id, ProfileFact.name == name, whose(member))
            .order_by(ProfileFact.id)
        )
    )

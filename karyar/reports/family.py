"""Requests for a family member: how many clients of the period wrote for a member, by who the member is.

A request for a member leaves its mark as facts noted for that member (profile_facts.member, karyar.members):
when the intake turns to a member, what the relation and the household tell is noted for them, then the
answers. A member's facts told in passing beside the client's own request leave the same mark, so the figure
is of clients who asked for a member or told about one. The relation is one row per fact noted for a member
in the period: (client_id, member, at). Clients are counted once per relation and once in all (a client
asking for a son and a daughter is one client), grouped in the database; a member asked for again with
nothing new to note leaves no new mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Subquery

from karyar.db.models import ProfileFact
from karyar.members import Member
from karyar.reports.activity import between
from karyar.reports.periods import Period
from karyar.reports.scope import Scope, scoped


@dataclass(frozen=True)
class FamilyFigures:
    clients: int  # clients who wrote for at least one family member in the period
    by_member: dict[str, int]  # a Member -> clients who wrote for such a member

    def ordered(self) -> list[tuple[str, int]]:
        """Every relation in the order karyar.members lists them, with its count (none left out)."""
        return [(member.value, self.by_member.get(member.value, 0)) for member in Member]


def for_members(start: datetime, end: datetime) -> Subquery:
    """Every fact noted for a family member in [start, end), superseded since or not."""
    return (
        select(
            ProfileFact.client_id.label("client_id"),
            ProfileFact.member.label("member"),
            ProfileFact.recorded_at.label("at"),
        )
        .where(ProfileFact.member.is_not(None), between(ProfileFact.recorded_at, start, end))
        .subquery("for_members")
    )


def family_figures(session: Session, *, period: Period, scope: Scope) -> FamilyFigures:
    rows = for_members(period.start, period.end)
    clients = func.count(func.distinct(rows.c.client_id))
    total = session.scalar(scoped(select(clients), rows.c.client_id, scope)) or 0
    by_member = scoped(select(rows.c.member, clients), rows.c.client_id, scope).group_by(rows.c.member)
    return FamilyFigures(
        clients=total, by_member={str(member): count for member, count in session.execute(by_member)}
    )

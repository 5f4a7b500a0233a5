"""Everything a counsellor needs on one card: who, why, what we know, what they asked for, what was said."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from karyar import cases
from karyar.db.models import Case, CaseEventKind, Client, Direction, Handoff, Message, StaffMember
from karyar.facts import ProfileFactName
from karyar.handoff.casebook import full_name
from karyar.identity import store as identifier_store
from karyar.members import member_label
from karyar.policies import policies
from karyar.profile import current_profile, member_profiles
from karyar.vocabulary import FACT_LABELS, IDENTIFIER_LABELS, value_label
from karyar.wellbeing import distress
from karyar.wellbeing.distress import DistressKind
from persian.format import join_list

RECENT_MESSAGES = 6
_SHOWN_FACTS = [name for name in ProfileFactName if name not in {ProfileFactName.LOCATION}]


@dataclass(frozen=True, slots=True)
class RecentMessage:
    from_client: bool
    text: str


@dataclass(frozen=True, slots=True)
class CaseSnapshot:
    handoff_id: int
    case_id: int
    stage: str
    reason: str
    tier: str
    status: str
    requested_at: datetime
    client_name: str
    username: str | None
    facts: list[tuple[str, str]]  # (Persian label, Persian value)
    services: list[tuple[str, str]]  # (service title, status) from the latest eligibility result
    priority: str | None
    interests: list[str]
    recent: list[RecentMessage]
    claimed_by: str | None
    details: dict[str, Any]
    distress: list[DistressKind]  # signs of distress seen in the client's messages, first seen first
    # The family members the client wrote about, each with their facts: (Persian relation, facts as above).
    members: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)


def case_snapshot(session: Session, *, handoff: Handoff) -> CaseSnapshot:
    client = session.get_one(Client, handoff.client_id)
    case = session.get_one(Case, handoff.case_id)
    services, priority = _eligibility(session, case_id=case.id)
    claimant = session.get(StaffMember, handoff.claimed_by) if handoff.claimed_by else None
    return CaseSnapshot(
        handoff_id=handoff.id,
        case_id=case.id,
        stage=case.stage,
        reason=handoff.reason,
        tier=handoff.tier,
        status=handoff.status,
        requested_at=handoff.requested_at,
        client_name=full_name(client),
        username=client.username,
        facts=_facts(session, client_id=client.id),
        services=services,
        priority=priority,
        interests=[
            str(event.data.get("title") or event.data.get("code"))
            for event in cases.events(session, case_id=case.id, kind=CaseEventKind.INTEREST)
        ],
        recent=_recent(session, client_id=client.id, before=handoff.requested_at),
        claimed_by=claimant.name if claimant else None,
        details=dict(handoff.details or {}),
        distress=distress.kinds_on_case(session, case_id=case.id),
        members=_member_facts(session, client_id=client.id),
    )


def _labelled(profile: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [
        (FACT_LABELS[name], join_list([value_label(name, value) for value in profile[name]]))
        for name in _SHOWN_FACTS
        if name in profile
    ]


def _facts(session: Session, *, client_id: int) -> list[tuple[str, str]]:
    """The client's own facts: a family member's are never shown as the client's."""
    facts = _labelled(current_profile(session, client_id=client_id))
    # Masked: the counsellor reveals them on purpose, and that is audited.
    masked = identifier_store.masked(session, client_id=client_id)
    return facts + [(IDENTIFIER_LABELS[kind], shown) for kind, shown in masked.items()]


def _member_facts(session: Session, *, client_id: int) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each family member the client wrote about, with the facts told about them (who a request is for)."""
    members = member_profiles(session, client_id=client_id)
    return [
        (member_label(member), facts) for member, profile in members.items() if (facts := _labelled(profile))
    ]


def _eligibility(session: Session, *, case_id: int) -> tuple[list[tuple[str, str]], str | None]:
    results = cases.events(session, case_id=case_id, kind=CaseEventKind.ELIGIBILITY_RESULT)
    if not results:
        return [], None
    record = results[-1].data
    policy = policies().for_organisation(record.get("organisation"))
    titles = {service.id: service.title for service in policy.services}
    services = [(titles.get(key, key), str(status)) for key, status in (record.get("services") or {}).items()]
    group = (record.get("priority") or {}).get("group")
    groups = {priority.id: priority.title for priority in policy.priority}
    return services, (groups.get(group, group) if group else None)


def _recent(session: Session, *, client_id: int, before: datetime) -> list[RecentMessage]:
    rows = session.scalars(
        select(Message)
        .where(Message.client_id == client_id, Message.created_at <= before, Message.text.is_not(None))
        .order_by(Message.id.desc())
        .limit(RECENT_MESSAGES)
    )
    return [
        RecentMessage(from_client=row.direction == Direction.INBOUND, text=str(row.text))
        for row in reversed(list(rows))
    ]

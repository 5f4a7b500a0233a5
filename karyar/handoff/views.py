"""Handoffs and colleagues as the adapters see them: snapshots taken inside a session, safe outside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from karyar.db.models import Client, Handoff, HandoffStatus, StaffMember
from karyar.handoff.routing import is_on_duty


@dataclass(frozen=True, slots=True)
class HandoffView:
    id: int
    case_id: int
    client_id: int
    chat_id: int  # the client's Telegram chat
    status: HandoffStatus
    claimed_by: int | None
    organisation: str | None
    province: str | None
    requested_at: datetime
    client_told: bool
    cards_posted: bool

    @classmethod
    def of(cls, session: Session, handoff: Handoff) -> HandoffView:
        return cls(
            id=handoff.id,
            case_id=handoff.case_id,
            client_id=handoff.client_id,
            chat_id=session.get_one(Client, handoff.client_id).telegram_user_id,
            status=HandoffStatus(handoff.status),
            claimed_by=handoff.claimed_by,
            organisation=handoff.organisation,
            province=handoff.province,
            requested_at=handoff.requested_at,
            client_told=handoff.client_told_at is not None,
            cards_posted=handoff.cards_posted_at is not None,
        )


@dataclass(frozen=True, slots=True)
class Colleague:
    """A staff member as the handoff screens name and reach them."""

    id: int
    telegram_user_id: int
    name: str

    @classmethod
    def of(cls, member: StaffMember) -> Colleague:
        return cls(member.id, member.telegram_user_id, member.name)

    @classmethod
    def maybe(cls, session: Session, member_id: int | None) -> Colleague | None:
        member = session.get(StaffMember, member_id) if member_id else None
        return cls.of(member) if member is not None else None


@dataclass(frozen=True, slots=True)
class Recipient:
    """A colleague who is shown a case card; off duty, they get it silently."""

    colleague: Colleague
    on_duty: bool

    @classmethod
    def of(cls, member: StaffMember, at: datetime) -> Recipient:
        return cls(Colleague.of(member), is_on_duty(member, at))

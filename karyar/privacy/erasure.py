"""A client's right to be forgotten: personal data and message texts go, anonymous counts stay.

What stays: the client row (without names, Telegram id or consent), the case and its stages, the kinds
and times of messages, handoffs with reason, outcome and rating, interests in courses, broadcast
deliveries. What goes: names, username, profile facts (the client's own and those of the family members
they wrote about), identifiers, every message text and attachment reference, counsellors' notes,
eligibility details, rating comments, pending check-ins.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import delete, null, select, update
from sqlalchemy.orm import Session

from karyar import audit
from karyar.clock import now
from karyar.db.alert_models import Alert
from karyar.db.models import (
    BroadcastDelivery,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseStageChange,
    Client,
    ClientIdentifier,
    FollowUp,
    Handoff,
    HandoffStatus,
    Message,
    ProfileFact,
)
from karyar.handoff import queue

# Event data that is about the person rather than the service: cleared on erasure.
_PERSONAL_EVENT_KINDS = {CaseEventKind.NOTE, CaseEventKind.ELIGIBILITY_RESULT}
_PERSONAL_EVENT_KEYS = {"text", "comment", "facts", "profile"}


class ErasureRefusal(enum.StrEnum):
    IN_CONVERSATION = "in_conversation"  # a counsellor is talking with the client right now


@dataclass(frozen=True, slots=True)
class Erasure:
    client_id: int
    messages: int
    facts: int
    identifiers: int


def erase_client(session: Session, *, client_id: int) -> Erasure | ErasureRefusal:
    """Erase the client's personal data in one transaction; the Telegram user starts afresh if they return."""
    client = session.get_one(Client, client_id)
    active = queue.active_handoff(session, client_id=client_id)
    if active is not None and active.status == HandoffStatus.CLAIMED:
        return ErasureRefusal.IN_CONVERSATION
    if active is not None:
        queue.cancel(session, handoff_id=active.id, client_id=client_id)
    moment = now()
    erased_messages = _changed(
        session.execute(
            update(Message)
            .where(Message.client_id == client_id, Message.erased_at.is_(None))
            .values(text=None, telegram_update_key=None, extra=null(), erased_at=moment)
        )
    )
    facts = _changed(session.execute(delete(ProfileFact).where(ProfileFact.client_id == client_id)))
    # What she asked to be alerted about says where she lives and what she does.
    session.execute(delete(Alert).where(Alert.client_id == client_id))
    identifiers = _changed(
        session.execute(delete(ClientIdentifier).where(ClientIdentifier.client_id == client_id))
    )
    _anonymise_case_records(session, client_id=client_id)
    session.execute(
        update(FollowUp)
        .where(
            FollowUp.client_id == client_id, FollowUp.answered_at.is_(None), FollowUp.cancelled_at.is_(None)
        )
        .values(cancelled_at=moment)
    )
    # Negative ids are never Telegram users: the row stays unique, and a returning user is a new client.
    session.execute(
        update(BroadcastDelivery).where(BroadcastDelivery.client_id == client_id).values(chat_id=-client_id)
    )
    client.telegram_user_id = -client_id
    client.first_name = client.last_name = client.username = client.language_code = None
    client.consent_given_at = None
    client.consent_version = None
    client.subscribed = False
    client.erased_at = moment
    # No Telegram id in the entry: it would tie the anonymous row back to the person.
    audit.record(
        session,
        action="privacy.erase",
        actor_telegram_user_id=None,
        actor_role="client",
        target=f"client:{client_id}",
    )
    return Erasure(client_id=client_id, messages=erased_messages, facts=facts, identifiers=identifiers)


def _changed(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _anonymise_case_records(session: Session, *, client_id: int) -> None:
    case_ids = select(Case.id).where(Case.client_id == client_id)
    for event in session.scalars(select(CaseEvent).where(CaseEvent.case_id.in_(case_ids))):
        if event.kind in _PERSONAL_EVENT_KINDS:
            event.data = {}
        elif _PERSONAL_EVENT_KEYS & set(event.data or {}):
            event.data = {k: v for k, v in event.data.items() if k not in _PERSONAL_EVENT_KEYS}
    session.execute(update(CaseStageChange).where(CaseStageChange.case_id.in_(case_ids)).values(note=None))
    session.execute(
        update(Handoff)
        .where(Handoff.client_id == client_id)
        .values(details={}, rating_comment=None, awaiting_comment=False)
    )

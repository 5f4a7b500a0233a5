"""What leaves Karyar about a client towards an employer, and only this: her short résumé, for one opening
she consented to, sent by a counsellor of the employer's organisation and province. Her phone goes with it
only if she chose so; nothing else of hers ever does.

Both steps, the counsellors' card and the sending, go through `_consented`, so neither can happen without
her yes for that opening.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from karyar import audit
from karyar.clock import now
from karyar.db.models import Client, Employer, EmployerOpening, StaffMember
from karyar.db.resume_models import ResumeConsent, ShareDecision
from karyar.handoff.routing import serves
from karyar.identity import store as identifier_store
from karyar.identity.cipher import DataCipher
from karyar.identity.identifiers import IdentifierKind
from karyar.resume.resume import Resume, build_resume, shared_text
from karyar.staff.registry import find_member
from karyar.staff.roles import Permission, may
from karyar.texts import _

SENT_ACTION = "resume.sent"


class NotSharedError(Exception):
    """She has not said yes for this opening: nothing about her may be shown or sent."""


class Refusal(enum.StrEnum):
    NOT_STAFF = "not_staff"  # not an active counsellor of the employer's organisation and province
    NO_CONSENT = "no_consent"
    NO_TELEGRAM = "no_telegram"  # the employer is reached by phone, not through the bot
    ALREADY_SENT = "already_sent"


@dataclass(frozen=True, slots=True)
class StaffCard:
    recipients: list[int]  # the Telegram ids of the counsellors who get it
    text: str
    can_send: bool  # the employer has a Telegram chat with the bot


@dataclass(frozen=True, slots=True)
class Delivery:
    """The résumé on its way to the employer's chat, and whom to tell that it went."""

    employer_chat_id: int
    heading: str
    text: str
    resume: Resume
    phone: str | None
    client_id: int
    client_telegram_id: int
    title: str
    business: str


def _consented(session: Session, consent_id: int) -> tuple[ResumeConsent, EmployerOpening, Employer]:
    row = session.get(ResumeConsent, consent_id)
    if row is None or row.decision != ShareDecision.YES:
        raise NotSharedError(consent_id)
    opening = session.get_one(EmployerOpening, row.opening_id)
    return row, opening, session.get_one(Employer, opening.employer_id)


def _phone(session: Session, cipher: DataCipher, resume: Resume, client_id: int) -> str | None:
    if not resume.phone_shared:
        return None
    return identifier_store.reveal(session, cipher=cipher, client_id=client_id).get(IdentifierKind.PHONE)


def _counsellors(session: Session, employer: Employer) -> list[StaffMember]:
    members = session.scalars(
        select(StaffMember).where(StaffMember.active.is_(True)).order_by(StaffMember.id)
    )
    return [
        member
        for member in members
        if may(member.role, Permission.HANDLE_CASES)
        and serves(member, organisation=employer.organisation, province=employer.province)
    ]


def _heading(opening: EmployerOpening) -> str:
    return _("Resume: heading for opening").format(title=opening.title)


def staff_card(session: Session, *, consent_id: int, cipher: DataCipher) -> StaffCard:
    """The counsellors' card: the résumé as the employer would get it. Raises NotSharedError without consent."""
    row, opening, employer = _consented(session, consent_id)
    resume = build_resume(session, client_id=row.client_id)
    body = shared_text(
        resume, phone=_phone(session, cipher, resume, row.client_id), heading=_heading(opening)
    )
    intro = _("Resume card: intro").format(title=opening.title, business=employer.business_name)
    if employer.telegram_user_id is not None:
        how = _("Resume card: press to send")
    else:
        how = _("Resume card: employer by phone").format(phone=employer.contact_masked or "—")
    return StaffCard(
        recipients=[member.telegram_user_id for member in _counsellors(session, employer)],
        text=f"{intro}\n\n{body}\n\n{how}",
        can_send=employer.telegram_user_id is not None,
    )


def claim_delivery(
    session: Session, *, consent_id: int, staff_telegram_id: int, cipher: DataCipher
) -> Delivery | Refusal:
    """Checked against her consent and the registry, marked sent and audited; what to send, or why not."""
    member = find_member(session, telegram_user_id=staff_telegram_id)
    try:
        row, opening, employer = _consented(session, consent_id)
    except NotSharedError:
        _audit(session, staff_telegram_id, None, consent_id, allowed=False, reason=Refusal.NO_CONSENT)
        return Refusal.NO_CONSENT
    if member is None or member not in _counsellors(session, employer):
        _audit(session, staff_telegram_id, member, consent_id, allowed=False, reason=Refusal.NOT_STAFF)
        return Refusal.NOT_STAFF
    if employer.telegram_user_id is None:
        return Refusal.NO_TELEGRAM
    if row.sent_at is not None:
        return Refusal.ALREADY_SENT
    row.sent_at, row.sent_by = now(), member.id
    _audit(session, staff_telegram_id, member, consent_id, allowed=True)
    resume = build_resume(session, client_id=row.client_id)
    phone = _phone(session, cipher, resume, row.client_id)
    heading = _heading(opening)
    return Delivery(
        employer_chat_id=employer.telegram_user_id,
        heading=heading,
        text=shared_text(resume, phone=phone, heading=heading),
        resume=resume,
        phone=phone,
        client_id=row.client_id,
        client_telegram_id=session.get_one(Client, row.client_id).telegram_user_id,
        title=opening.title,
        business=employer.business_name,
    )


def release_delivery(session: Session, *, consent_id: int) -> None:
    """The sending failed: it may be pressed again."""
    row = session.get(ResumeConsent, consent_id)
    if row is not None:
        row.sent_at, row.sent_by = None, None


def _audit(
    session: Session,
    staff_telegram_id: int,
    member: StaffMember | None,
    consent_id: int,
    *,
    allowed: bool,
    reason: Refusal | None = None,
) -> None:
    audit.record(
        session,
        action=SENT_ACTION,
        actor_telegram_user_id=staff_telegram_id,
        actor_role=member.role if member else None,
        target=f"resume_consent:{consent_id}",
        allowed=allowed,
        details={"reason": reason} if reason else None,
    )

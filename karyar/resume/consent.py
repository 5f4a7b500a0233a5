"""A client's answer, per employer's opening, to «may a counsellor send your short résumé to this employer?».

She is asked once for each posted opening she shows interest in (from a catalogue list or an alert). Until
she says yes nothing about her goes anywhere (karyar.resume.sharing checks it); every answer is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from karyar import audit
from karyar.clock import now
from karyar.db.models import Case, CaseEvent, CaseEventKind, Client, Employer, EmployerOpening, OpeningStatus
from karyar.db.resume_models import ResumeConsent, ShareDecision

AUDIT_ACTION = "resume.consent"


@dataclass(frozen=True, slots=True)
class Question:
    consent_id: int
    title: str
    business: str


@dataclass(frozen=True, slots=True)
class Decided:
    consent_id: int
    agreed: bool
    title: str
    business: str
    changed: bool = True  # False: the same answer again (the counsellors were told already)
    already_sent: bool = False  # a "no" after the résumé went: it cannot be called back


def ask_pending(session: Session, *, client_id: int) -> list[Question]:
    """The questions to put to her now: one per published opening she showed interest in and was never
    asked about. Each is recorded as asked, so it is put once."""
    client = session.get(Client, client_id)
    if client is None or client.consent_given_at is None:
        return []
    item_id = CaseEvent.data["item_id"].as_integer()
    job_ids = (
        select(item_id)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(
            Case.client_id == client_id,
            CaseEvent.kind == CaseEventKind.INTEREST,
            CaseEvent.data["kind"].as_string() == "job",
        )
    )
    asked = select(ResumeConsent.opening_id).where(ResumeConsent.client_id == client_id)
    rows = session.execute(
        select(EmployerOpening, Employer)
        .join(Employer, Employer.id == EmployerOpening.employer_id)
        .where(
            EmployerOpening.job_opening_id.in_(job_ids),
            EmployerOpening.status == OpeningStatus.APPROVED,
            EmployerOpening.id.not_in(asked),
        )
        .order_by(EmployerOpening.id)
    ).all()
    questions = []
    for opening, employer in rows:
        row = ResumeConsent(
            client_id=client_id, opening_id=opening.id, decision=ShareDecision.ASKED, asked_at=now()
        )
        session.add(row)
        session.flush()
        questions.append(Question(row.id, opening.title, employer.business_name))
    return questions


def decide(
    session: Session, *, client_id: int, consent_id: int, agree: bool, telegram_user_id: int
) -> Decided | None:
    """Her answer stored and audited; None if the question is not hers."""
    row = session.get(ResumeConsent, consent_id)
    if row is None or row.client_id != client_id:
        return None
    opening = session.get_one(EmployerOpening, row.opening_id)
    employer = session.get_one(Employer, opening.employer_id)
    if row.sent_at is not None:
        return Decided(row.id, True, opening.title, employer.business_name, changed=False, already_sent=True)
    decision = ShareDecision.YES if agree else ShareDecision.NO
    decided = Decided(row.id, agree, opening.title, employer.business_name, changed=row.decision != decision)
    row.decision = decision
    row.decided_at = now()
    audit.record(
        session,
        action=AUDIT_ACTION,
        actor_telegram_user_id=telegram_user_id,
        actor_role="client",
        target=f"employer_opening:{row.opening_id}",
        details={"client_id": client_id, "decision": row.decision},
    )
    session.flush()
    return decided


def decision_of(session: Session, *, client_id: int, opening_id: int) -> ShareDecision | None:
    row = session.scalar(
        select(ResumeConsent).where(
            ResumeConsent.client_id == client_id, ResumeConsent.opening_id == opening_id
        )
    )
    return None if row is None else ShareDecision(row.decision)

"""Consent per employer's opening: asked once after her interest, stored and audited; without her yes no card
is made and nothing is sent; with it, only a counsellor of the employer's organisation and province sends
her résumé, once, without her phone unless she chose to share it."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from karyar.catalogue.interests import record_interest
from karyar.db.engine import Database
from karyar.db.models import AuditEntry, EmployerOpening
from karyar.db.resume_models import ShareDecision
from karyar.employers import review
from karyar.identity import store as identifier_store
from karyar.identity.cipher import DataCipher
from karyar.identity.identifiers import IdentifierKind, Protected
from karyar.resume import consent, sharing
from karyar.resume.editing import correct
from karyar.resume.resume import Part
from karyar.staff import registry
from tests.karyar.broadcast.conftest import add_client
from tests.karyar.employers.conftest import sewing_opening, workshop
from tests.support.stack import DATA_KEY

EMPLOYER_CHAT = 6_200_000_100
TEHRAN_COUNSELLOR = 6_200_000_201
FARS_COUNSELLOR = 6_200_000_202


@pytest.fixture
def cipher() -> DataCipher:
    return DataCipher([DATA_KEY])


def _opening(session: Session, cipher: DataCipher, *, telegram: bool = True) -> tuple[int, int]:
    """An approved opening of an Emdad employer in Tehran: (employer opening id, catalogue job id)."""
    employer = workshop(session, cipher)
    employer.telegram_user_id = EMPLOYER_CHAT if telegram else None
    opening = sewing_opening(session, employer)
    assert review.approve(session, opening_id=opening.id, telegram_user_id=None).done
    job_id = session.get_one(EmployerOpening, opening.id).job_opening_id
    assert job_id is not None
    for telegram_id, province in ((TEHRAN_COUNSELLOR, "تهران"), (FARS_COUNSELLOR, "فارس")):
        registry.add_member(
            session, telegram_user_id=telegram_id, name="خانم کریمی", role="counsellor", provinces=[province]
        )
    return opening.id, job_id


def _interested(session: Session, cipher: DataCipher, user: int, job_id: int) -> int:
    client = add_client(session, user, province="تهران", fields=["خیاطی"])
    client.first_name = "مریم"
    identifier_store.record(
        session, cipher=cipher, client_id=client.id, protected=Protected(IdentifierKind.PHONE, "09121112233"),
        source="chat",
    )  # fmt: skip
    record_interest(session, client_id=client.id, kind="job", item_id=job_id)
    return client.id


def _ask(session: Session, client_id: int) -> int:
    [question] = consent.ask_pending(session, client_id=client_id)
    assert question.title == "چرخ‌کار" and question.business == "تولیدی پوشاک نسیم"
    assert consent.ask_pending(session, client_id=client_id) == []  # asked once
    return question.consent_id


def test_she_is_asked_once_and_her_answer_is_stored_and_audited(db: Database, cipher: DataCipher) -> None:
    with db.unit_of_work() as session:
        opening_id, job_id = _opening(session, cipher)
        client_id = _interested(session, cipher, 6_200_000_001, job_id)
        consent_id = _ask(session, client_id)
        assert consent.decision_of(session, client_id=client_id, opening_id=opening_id) is ShareDecision.ASKED
        decided = consent.decide(
            session, client_id=client_id, consent_id=consent_id, agree=True, telegram_user_id=6_200_000_001
        )
        assert decided is not None and decided.agreed and decided.changed
        # Another client cannot answer for her.
        assert (
            consent.decide(
                session, client_id=client_id + 1, consent_id=consent_id, agree=False, telegram_user_id=1
            )
            is None
        )
    with db.unit_of_work() as session:
        assert consent.decision_of(session, client_id=client_id, opening_id=opening_id) is ShareDecision.YES
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == consent.AUDIT_ACTION)).one()
        assert entry.target == f"employer_opening:{opening_id}" and entry.details == {
            "client_id": client_id,
            "decision": "yes",
        }


@pytest.mark.parametrize("answer", [None, False])
def test_without_her_yes_nothing_about_her_leaves(
    db: Database, cipher: DataCipher, answer: bool | None
) -> None:
    with db.unit_of_work() as session:
        _opening_id, job_id = _opening(session, cipher)
        client_id = _interested(session, cipher, 6_200_000_002, job_id)
        consent_id = _ask(session, client_id)
        if answer is not None:
            consent.decide(
                session, client_id=client_id, consent_id=consent_id, agree=answer, telegram_user_id=1
            )
        with pytest.raises(sharing.NotSharedError):
            sharing.staff_card(session, consent_id=consent_id, cipher=cipher)
        refused = sharing.claim_delivery(
            session, consent_id=consent_id, staff_telegram_id=TEHRAN_COUNSELLOR, cipher=cipher
        )
        assert refused is sharing.Refusal.NO_CONSENT
        assert (
            session.scalars(select(AuditEntry).where(AuditEntry.action == sharing.SENT_ACTION)).one().allowed
            is False
        )


def test_with_her_yes_a_counsellor_of_the_province_sends_it_once_without_her_phone(
    db: Database, cipher: DataCipher
) -> None:
    with db.unit_of_work() as session:
        _opening_id, job_id = _opening(session, cipher)
        client_id = _interested(session, cipher, 6_200_000_003, job_id)
        consent_id = _ask(session, client_id)
        consent.decide(session, client_id=client_id, consent_id=consent_id, agree=True, telegram_user_id=1)
        card = sharing.staff_card(session, consent_id=consent_id, cipher=cipher)
        assert card.recipients == [TEHRAN_COUNSELLOR] and card.can_send
        assert "مریم" in card.text and "خیاطی" in card.text and "چرخ‌کار" in card.text
        assert "09121112233" not in card.text and "۰۹۱۲" not in card.text
        refused = sharing.claim_delivery(
            session, consent_id=consent_id, staff_telegram_id=FARS_COUNSELLOR, cipher=cipher
        )
        assert refused is sharing.Refusal.NOT_STAFF
        delivery = sharing.claim_delivery(
            session, consent_id=consent_id, staff_telegram_id=TEHRAN_COUNSELLOR, cipher=cipher
        )
        assert isinstance(delivery, sharing.Delivery)
        assert delivery.employer_chat_id == EMPLOYER_CHAT and delivery.phone is None
        assert "09121112233" not in delivery.text and "چرخ‌کار" in delivery.text
        again = sharing.claim_delivery(
            session, consent_id=consent_id, staff_telegram_id=TEHRAN_COUNSELLOR, cipher=cipher
        )
        assert again is sharing.Refusal.ALREADY_SENT
        # Sent: a late "no" cannot call it back, and she is told so.
        late = consent.decide(
            session, client_id=client_id, consent_id=consent_id, agree=False, telegram_user_id=1
        )
        assert late is not None and late.already_sent


def test_her_phone_goes_only_when_she_chose_and_an_employer_without_telegram_is_phoned(
    db: Database, cipher: DataCipher
) -> None:
    with db.unit_of_work() as session:
        _opening_id, job_id = _opening(session, cipher, telegram=False)
        client_id = _interested(session, cipher, 6_200_000_004, job_id)
        assert correct(session, client_id=client_id, part=Part.PHONE, answer="yes") is None
        consent_id = _ask(session, client_id)
        consent.decide(session, client_id=client_id, consent_id=consent_id, agree=True, telegram_user_id=1)
        card = sharing.staff_card(session, consent_id=consent_id, cipher=cipher)
        assert "09121112233" in card.text
        assert not card.can_send and "۰۹۱۲•••۴۵۶۷" in card.text  # the employer's masked phone
        refused = sharing.claim_delivery(
            session, consent_id=consent_id, staff_telegram_id=TEHRAN_COUNSELLOR, cipher=cipher
        )
        assert refused is sharing.Refusal.NO_TELEGRAM

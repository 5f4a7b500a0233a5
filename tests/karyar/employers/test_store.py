"""Employers register and post openings on both backends; the contact is stored only encrypted."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from karyar.cases import open_case
from karyar.catalogue.interests import record_interest
from karyar.db.engine import Database
from karyar.db.models import Employer, EmployerOpening, OpeningStatus
from karyar.employers import review, store
from karyar.employers.errors import OpeningError, Problem
from karyar.identity.cipher import DataCipher
from tests.karyar.broadcast.conftest import add_client
from tests.karyar.employers.conftest import sewing_opening, workshop


def test_an_employer_is_stored_with_the_contact_encrypted_and_masked(
    db: Database, cipher: DataCipher
) -> None:
    with db.unit_of_work() as session:
        employer = workshop(
            session, cipher, contact="۰۹۱۲ ۱۲۳ ۴۵۶۷", province="", city="مشهد", organisation="بهزیستی"
        )
        employer_id = employer.id
    with db.unit_of_work() as session:
        stored = session.get(Employer, employer_id)
        assert stored is not None
        assert (stored.province, stored.city, stored.organisation) == ("خراسان رضوی", "مشهد", "behzisti")
        assert "09121234567" not in (stored.contact_ciphertext or "")
        assert stored.contact_masked == "۰۹۱۲•••۴۵۶۷"
        assert store.decrypted_contact(stored, cipher) == "09121234567"


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ({"business_name": "  "}, Problem.BAD_NAME),
        ({"province": "آتلانتیس", "city": ""}, Problem.UNKNOWN_PROVINCE),
        ({"province": "فارس", "city": "مشهد"}, Problem.CITY_ELSEWHERE),
        ({"contact": "12345"}, Problem.BAD_CONTACT),
        ({"organisation": "شهرداری"}, Problem.UNKNOWN_ORGANISATION),
    ],
)
def test_wrong_employer_details_are_refused_by_name(
    db: Database, cipher: DataCipher, given: dict[str, str], problem: Problem
) -> None:
    with db.unit_of_work() as session, pytest.raises(OpeningError) as refused:
        workshop(session, cipher, **given)
    assert refused.value.problem == problem


def test_a_corrected_employer_keeps_what_was_not_corrected(db: Database, cipher: DataCipher) -> None:
    with db.unit_of_work() as session:
        employer = workshop(session, cipher)
        store.update_employer(
            session, cipher=cipher, employer_id=employer.id, city="کرج", contact="09351112233"
        )
        assert (employer.business_name, employer.province, employer.city) == (
            "تولیدی پوشاک نسیم",
            "البرز",
            "کرج",
        )
        assert store.decrypted_contact(employer, cipher) == "09351112233"


def test_an_opening_waits_for_review_in_canonical_words(db: Database, cipher: DataCipher) -> None:
    with db.unit_of_work() as session:
        employer = workshop(session, cipher)
        opening = sewing_opening(session, employer, field="دوخت", hours="پاره وقت", gender="زن")
        assert (opening.status, opening.field, opening.hours, opening.gender) == (
            OpeningStatus.PENDING,
            "خیاطی",
            "part_time",
            "female",
        )
        states = store.opening_states(session, employer_id=employer.id)
    assert [(s.title, s.status, s.interested) for s in states] == [("چرخ‌کار", "pending", 0)]


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ({"field": "فضانوردی"}, Problem.UNKNOWN_FIELD),
        ({"positions": 0}, Problem.BAD_NUMBER),
        ({"wage_min_toman": 30_000_000, "wage_max_toman": 20_000_000}, Problem.WAGE_REVERSED),
        ({"hours": "home_based"}, Problem.UNKNOWN_CHOICE),
        ({"min_age": 12}, Problem.BAD_NUMBER),
    ],
)
def test_wrong_opening_details_are_refused_by_name(
    db: Database, cipher: DataCipher, given: dict[str, object], problem: Problem
) -> None:
    with db.unit_of_work() as session:
        employer = workshop(session, cipher)
        with pytest.raises(OpeningError) as refused:
            sewing_opening(session, employer, **given)
    assert refused.value.problem == problem
    with db.unit_of_work() as session:
        assert session.scalars(select(EmployerOpening)).all() == []


def test_the_employer_sees_each_status_and_how_many_clients_showed_interest(
    db: Database, cipher: DataCipher
) -> None:
    with db.unit_of_work() as session:
        employer = workshop(session, cipher)
        approved = sewing_opening(session, employer)
        rejected = sewing_opening(session, employer, title="اتوکار")
        review.approve(session, opening_id=approved.id, telegram_user_id=None)
        review.reject(
            session, opening_id=rejected.id, reason="دستمزد کمتر از حداقل قانونی است", telegram_user_id=None
        )
        for user_id in (6_100_000_001, 6_100_000_002):
            client = add_client(session, user_id)
            open_case(session, client_id=client.id)
            assert approved.job_opening_id is not None
            record_interest(session, client_id=client.id, kind="job", item_id=approved.job_opening_id)
            record_interest(session, client_id=client.id, kind="job", item_id=approved.job_opening_id)
        employer_id = employer.id
    with db.unit_of_work() as session:
        states = store.opening_states(session, employer_id=employer_id)
    assert [(s.title, s.status, s.reject_reason, s.interested) for s in states] == [
        ("چرخ‌کار", "approved", None, 2),
        ("اتوکار", "rejected", "دستمزد کمتر از حداقل قانونی است", 0),
    ]
    assert states[0].first_interest_at is not None

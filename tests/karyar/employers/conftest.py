"""Employers, openings and reviewers for the employer-side tests."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from karyar.db.models import Employer, EmployerOpening
from karyar.employers import store
from karyar.identity.cipher import DataCipher
from karyar.staff import registry
from tests.support.stack import DATA_KEY

TEHRAN_STAFF = 7_100_000_001  # Emdad, Tehran
FARS_STAFF = 7_100_000_002  # Emdad, Fars
BEHZISTI_STAFF = 7_100_000_003  # Behzisti, every province
COUNSELLOR = 7_100_000_004  # may handle cases, not review openings


@pytest.fixture
def cipher() -> DataCipher:
    return DataCipher([DATA_KEY])


def add_reviewers(session: Session) -> None:
    registry.add_member(
        session, telegram_user_id=TEHRAN_STAFF, name="آقای حسینی", role="staff", organisations=["emdad"],
        provinces=["تهران"],
    )  # fmt: skip
    registry.add_member(
        session, telegram_user_id=FARS_STAFF, name="خانم رحیمی", role="staff", organisations=["emdad"],
        provinces=["فارس"],
    )  # fmt: skip
    registry.add_member(
        session,
        telegram_user_id=BEHZISTI_STAFF,
        name="آقای کاظمی",
        role="supervisor",
        organisations=["behzisti"],
    )
    registry.add_member(session, telegram_user_id=COUNSELLOR, name="خانم کریمی", role="counsellor")


def workshop(session: Session, cipher: DataCipher, **given: Any) -> Employer:
    details: dict[str, Any] = {
        "business_name": "تولیدی پوشاک نسیم",
        "organisation": "emdad",
        "province": "تهران",
        "city": "تهران",
        "sector": "پوشاک",
        "contact": "09121234567",
        **given,
    }
    return store.register_employer(session, cipher=cipher, **details)


def sewing_opening(session: Session, employer: Employer, **given: Any) -> EmployerOpening:
    details: dict[str, Any] = {
        "title": "چرخ‌کار",
        "field": "خیاطی",
        "positions": 3,
        "hours": "full_time",
        "wage_min_toman": 18_000_000,
        "wage_max_toman": 22_000_000,
        "insured": True,
        "requirements": "آشنایی با چرخ راسته‌دوز",
        "suits_disability": True,
        "gender": "female",
        "min_age": 18,
        **given,
    }
    return store.add_opening(session, employer_id=employer.id, **details)

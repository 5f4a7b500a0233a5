"""What the organisations offer employers: data in the policy files, checked on load, told in Persian."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from karyar.employers.offers import employer_offers
from karyar.policies import POLICY_DIR, PolicyError, load_policies

TODAY = date(2025, 6, 1)


def test_an_emdad_employer_reads_the_insurance_share_with_its_figures_and_that_the_office_confirms() -> None:
    text = employer_offers("emdad", policy_set=load_policies(today=TODAY))
    assert "حق بیمه سهم کارفرما" in text
    assert "سال اول ۱۰۰٪ و سال دوم ۵۰٪" in text and "تا سقف ۲۳٪ حقوق و دستمزد مصوب شورای عالی کار" in text
    assert "بهزیستی" not in text
    assert "تأیید می‌کند" in text and "وعده" in text


def test_an_employer_of_no_organisation_reads_both_behzisti_included() -> None:
    text = employer_offers(None, policy_set=load_policies(today=TODAY))
    assert "کمیته امداد" in text and "سازمان بهزیستی کشور" in text
    for offer in ("تسهیلات کارفرمایی", "بیمه کارفرمایی", "یارانه دستمزد"):
        assert offer in text
    assert "افراد دارای معلولیت" in text


def test_the_offers_are_data_the_loader_checks(tmp_path: Path) -> None:
    shutil.copytree(POLICY_DIR, tmp_path, dirs_exist_ok=True)
    behzisti = tmp_path / "behzisti.yml"
    text = behzisti.read_text(encoding="utf-8")
    behzisti.write_text(
        text.replace("for_hiring: [person_with_disability]", "for_hiring: [veterans]", 1), "utf-8"
    )
    with pytest.raises(PolicyError) as refused:
        load_policies(tmp_path, today=TODAY)
    assert "behzisti.yml:" in str(refused.value) and "employers[0].for_hiring" in str(refused.value)

    behzisti.write_text(text.replace("- id: wage_subsidy", "- id: employer_loans"), "utf-8")
    with pytest.raises(PolicyError) as refused:
        load_policies(tmp_path, today=TODAY)
    assert "employer offer id 'employer_loans' is used twice" in str(refused.value)

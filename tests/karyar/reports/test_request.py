"""What staff write after /report: a period, an organisation and a province in any order, bounded by the
organisations and provinces the registry gives the reader."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from karyar.reports.request import RequestError, parse
from karyar.reports.scope import Scope

TODAY = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "label", "scope"),
    [
        ("", "آذر ۱۴۰۵", Scope()),
        ("ماه قبل بهزیستی تهران", "آبان ۱۴۰۵", Scope(("behzisti",), ("تهران",))),
        ("تهران ماه قبل بهزیستي", "آبان ۱۴۰۵", Scope(("behzisti",), ("تهران",))),  # Arabic ي
        ("1405/08 emdad", "آبان ۱۴۰۵", Scope(("emdad",))),
        ("امسال خراسان رضوی", "سال ۱۴۰۵", Scope(provinces=("خراسان رضوی",))),
        ("کمیته امداد ۱۴۰۵/۰۸/۰۱ تا ۱۴۰۵/۰۸/۱۵", "۱ آبان تا ۱۵ آبان ۱۴۰۵", Scope(("emdad",))),
        ("\u200f۱۴۰۴\u200f", "سال ۱۴۰۴", Scope()),  # direction marks around digits
    ],
)
def test_period_organisation_and_province_are_recognised(text: str, label: str, scope: Scope) -> None:
    request = parse(text, today=TODAY)
    assert request.period.label == label
    assert request.scope == scope


def test_a_reader_limited_to_a_province_gets_it_by_default_and_is_refused_others() -> None:
    allowed = Scope(organisations=("behzisti",), provinces=("فارس",))
    assert parse("", allowed=allowed, today=TODAY).scope == allowed
    with pytest.raises(RequestError, match="استان تهران در دسترس شما نیست"):
        parse("تهران", allowed=allowed, today=TODAY)
    with pytest.raises(RequestError, match="این نهاد در دسترس شما نیست"):
        parse("امداد", allowed=allowed, today=TODAY)
    assert parse("بهزیستی فارس ماه قبل", allowed=allowed, today=TODAY).scope == allowed

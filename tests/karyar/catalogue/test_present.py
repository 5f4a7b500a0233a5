"""Catalogue items as the client reads them: Persian digits, Jalali dates, «رایگان», who it suits."""

from __future__ import annotations

from datetime import UTC, datetime

from karyar.catalogue.present import course_card, course_details, job_card, job_details
from persian.format import ltr
from tests.karyar.catalogue.factories import course, job

# 1405-10-15 00:00 in Iran
DEY_15 = datetime(2027, 1, 4, 20, 30, tzinfo=UTC)


def test_course_card_has_jalali_start_persian_digits_and_free() -> None:
    card = course_card(course("c", title="خیاطی مانتو", city="کاشان", starts_at=DEY_15, duration_hours=120))
    # No «·»: between Persian digits it reads as a zero («۱۴۰۵ · ۱۲۰» as «۱۴۰۵ ۰ ۱۲۰»).
    assert card.splitlines() == [
        "خیاطی مانتو",
        "مرکز آموزش کمیته امداد",
        "کاشان، استان اصفهان؛ حضوری",
        "شروع: ۱۵ دی ۱۴۰۵",
        "مدت: ۱۲۰ ساعت",
        "رایگان",
    ]


def test_paid_online_course_shows_toman_with_grouping() -> None:
    card = course_card(
        course("c", mode="online", province=None, city=None, starts_at=DEY_15, cost_toman=1_200_000)
    )
    assert "آنلاین" in card.splitlines()[2]
    assert card.endswith("هزینه: ۱٬۲۰۰٬۰۰۰ تومان")


def test_details_say_who_it_suits_requirements_and_contact() -> None:
    details = course_details(
        course(
            "c",
            starts_at=DEY_15,
            gender="female",
            min_age=18,
            max_age=45,
            organisations=["emdad"],
            target_groups=["female_head_of_household"],
            requirements="سواد سیکل",
            contact="تلفن 031-55400000",
        )
    )
    assert "سطح آموزش: مهارت‌آموزی" in details
    assert "مناسب برای: زنان، ۱۸ تا ۴۵ سال، بانوی سرپرست خانوار، مددجویان کمیته امداد" in details
    assert "شرایط: سواد سیکل" in details
    # Marked left to right, or Telegram shows it as «55400000-031».
    assert f"تماس: تلفن {ltr('031-55400000')}" in details
    assert "مناسب برای: همه" in course_details(course("d", starts_at=DEY_15))


def test_job_card_shows_type_wage_and_deadline() -> None:
    card = job_card(job("j", wage_toman=18_000_000, wage_text="با بیمه", closes_at=DEY_15))
    assert "نوع همکاری: تمام‌وقت" in card
    assert "حقوق: ۱۸٬۰۰۰٬۰۰۰ تومان (با بیمه)" in card
    assert card.endswith("مهلت: ۱۵ دی ۱۴۰۵")
    assert "حقوق: توافقی" in job_details(job("k"))

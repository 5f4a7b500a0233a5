"""Finding a course for staff by part of its name or its code: normalised words, the likeliest first."""

from __future__ import annotations

from datetime import timedelta

from karyar.catalogue.lookup import find_courses
from karyar.db.engine import Database
from tests.karyar.catalogue.factories import NOW, course


def _codes(db: Database, text: str = "", *, provinces: tuple[str, ...] = ()) -> list[str]:
    with db.unit_of_work() as session:
        return [c.code for c in find_courses(session, text=text, provinces=provinces, now=NOW).courses]


def test_every_typed_word_is_looked_for_in_the_title_as_searches_normalise_it(db: Database) -> None:
    with db.unit_of_work() as session:
        session.add_all(
            [
                course("gown", title="خیاطی لباس مجلسی"),
                course("basics", title="خیاطی مقدماتی"),
                course("carpet", title="قالی‌بافی نقشه کاشان", field="قالی‌بافی"),
                course("ict", title="کاربر رایانه (ICDL) ۲", field="کامپیوتر"),
            ]
        )
    assert _codes(db, "مجلسي") == ["gown"]  # Arabic yeh
    assert _codes(db, "لباس  خياطي") == ["gown"]  # any order, extra spaces
    assert sorted(_codes(db, "خیاطی")) == ["basics", "gown"]
    assert _codes(db, "قالیبافی") == ["carpet"]  # without the half-space
    assert _codes(db, "icdl ٢") == ["ict"]  # Latin letters in any case, an Arabic-Indic digit
    assert _codes(db, "خیاطی کاشان") == []  # the place is not part of the name
    assert _codes(db, "ناکجا") == []


def test_a_code_or_part_of_one_is_found_in_any_case(db: Database) -> None:
    with db.unit_of_work() as session:
        session.add_all([course("C-KHR-001"), course("C-KHR-002"), course("C-THR-001")])
    assert _codes(db, "c-khr-001") == ["C-KHR-001"]
    assert sorted(_codes(db, "C-KHR")) == ["C-KHR-001", "C-KHR-002"]
    assert _codes(db, "C-THR-۰۰۱") == ["C-THR-001"]  # Persian digits


def test_with_no_text_only_courses_still_to_start_and_never_withdrawn_ones(db: Database) -> None:
    with db.unit_of_work() as session:
        session.add_all(
            [
                course("later", starts_at=NOW + timedelta(days=20)),
                course("soon", starts_at=NOW + timedelta(days=2)),
                course("started", starts_at=NOW - timedelta(days=1)),
                course("withdrawn", starts_at=NOW + timedelta(days=1), active=False),
            ]
        )
    assert _codes(db) == ["soon", "later"]
    assert _codes(db, "خیاطی") == ["soon", "later", "started"]  # by name, started ones too, after


def test_upcoming_soonest_first_then_started_latest_first_and_the_staff_provinces_before_all(
    db: Database,
) -> None:
    with db.unit_of_work() as session:
        session.add_all(
            [
                course("long-ago", starts_at=NOW - timedelta(days=60)),
                course("last-week", starts_at=NOW - timedelta(days=7)),
                course("next-month", starts_at=NOW + timedelta(days=30)),
                course("tomorrow", starts_at=NOW + timedelta(days=1)),
                course("tehran", province="تهران", city="تهران", starts_at=NOW + timedelta(days=40)),
                course("online", province=None, city=None, mode="online", starts_at=NOW + timedelta(days=50)),
            ]
        )
    assert _codes(db, "خیاطی") == ["tomorrow", "next-month", "tehran", "online", "last-week", "long-ago"]
    assert _codes(db, "خیاطی", provinces=("تهران",)) == [
        "tehran",
        "online",
        "tomorrow",
        "next-month",
        "last-week",
        "long-ago",
    ]


def test_a_short_list_with_the_number_of_all_that_match(db: Database) -> None:
    with db.unit_of_work() as session:
        session.add_all([course(f"C-{n:02d}", starts_at=NOW + timedelta(days=n + 1)) for n in range(12)])
    with db.unit_of_work() as session:
        found = find_courses(session, text="خیاطی", now=NOW)
        assert (len(found.courses), found.total) == (8, 12)
        assert [c.code for c in found.courses] == [f"C-{n:02d}" for n in range(8)]

"""The list heading as the client reads it: what is near first, how many at each distance, far ones capped."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import delete

from karyar.catalogue.listing import FAR_CAP, heading, search_for
from karyar.db.engine import Database
from karyar.db.models import Course
from karyar.eligibility.model import Profile
from karyar.members import Member
from persian.format import format_number
from tests.karyar.catalogue.factories import NOW, course

FAR = [("گیلان", "رشت"), ("کرمان", "کرمان"), ("خوزستان", "اهواز"), ("آذربایجان شرقی", "تبریز")]
KASHAN_WOMAN = Profile(
    age=30,
    gender="female",
    household_role="head",
    target_groups_known=True,
    organisation="emdad",
    province="اصفهان",
    city="کاشان",
    fields=("خیاطی",),
)


@pytest.fixture(autouse=True)
def _now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("karyar.catalogue.search.clock_now", lambda: NOW)


def _spread(db: Database, *, in_city: int, far: int) -> None:
    with db.unit_of_work() as session:
        session.add_all(course(f"city{n}", province="اصفهان", city="کاشان") for n in range(in_city))
        session.add_all(
            [
                course("province", province="اصفهان", city="اصفهان"),
                course("neighbour", province="قم", city="قم"),
                course("online", province=None, city=None, mode="online"),
            ]
        )
        session.add_all(
            course(
                f"far{n}", province=FAR[n % 4][0], city=FAR[n % 4][1], starts_at=NOW + timedelta(days=n + 1)
            )
            for n in range(far)
        )


def _read(db: Database, profile: Profile, page: int = 0) -> tuple[list[str], list[str], bool]:
    with db.unit_of_work() as session:
        found = search_for(session, kind="course", profile=profile, page=page)
        return (
            heading(found, kind="course", profile=profile).split("\n"),
            [c.code for c in found.items],
            found.has_next,
        )


def test_the_heading_counts_city_province_neighbours_online_and_far_in_that_order(db: Database) -> None:
    _spread(db, in_city=1, far=2)
    lines, codes, _more = _read(db, KASHAN_WOMAN)
    assert lines == [
        "۶ دوره خیاطی با شرایط شما پیدا شد.",
        "در شهر شما: ۱ مورد",
        "در شهرهای دیگر استان شما: ۱ مورد",
        "در استان‌های همسایه: ۱ مورد",
        "آنلاین، از خانه: ۱ مورد",
        "در استان‌های دورتر: ۲ مورد",
        "نزدیک‌ترها اول آمده‌اند.",
    ]
    assert codes == ["city0", "province", "neighbour", "online", "far0"]


def test_with_only_the_province_known_its_items_are_in_her_province_not_in_other_cities(db: Database) -> None:
    _spread(db, in_city=1, far=0)
    lines, _codes, _more = _read(db, dataclasses.replace(KASHAN_WOMAN, city=None))
    assert "در استان شما: ۲ مورد" in lines
    assert not any("شهرهای دیگر" in line or "در شهر شما" in line for line in lines)


def test_a_list_for_a_family_member_says_the_fit_is_theirs(db: Database) -> None:
    _spread(db, in_city=1, far=0)
    with db.unit_of_work() as session:
        found = search_for(session, kind="course", profile=KASHAN_WOMAN, page=0)
        first = heading(found, kind="course", profile=KASHAN_WOMAN, member=Member.SPOUSE).split("\n")[0]
    assert first == "۴ دوره خیاطی با شرایط همسرتان پیدا شد."


def test_with_nothing_in_the_city_or_province_it_says_so_first_and_lists_only_the_nearest_far_ones(
    db: Database,
) -> None:
    _spread(db, in_city=0, far=12)
    with db.unit_of_work() as session:
        session.execute(delete(Course).where(Course.province == "اصفهان"))
    lines, codes, more = _read(db, KASHAN_WOMAN)
    assert lines[0] == "در شهر و استان شما دوره خیاطی پیدا نشد."
    assert "در استان‌های دورتر: ۱۲ مورد" in lines
    assert f"فقط {format_number(FAR_CAP)} مورد" in lines[-2]
    assert "۷ مورد دورِ دیگر هم هست" in lines[-2]
    assert codes[:2] == ["neighbour", "online"] and more
    _lines, second, more = _read(db, KASHAN_WOMAN, page=1)
    assert second == ["far3", "far4"] and not more  # 2 near + 5 far, then the list ends


def test_a_client_who_gave_no_place_gets_no_distance_lines(db: Database) -> None:
    _spread(db, in_city=1, far=8)
    lines, codes, _more = _read(db, Profile(age=30, gender="female", fields=("خیاطی",)))
    assert not any("استان" in line or "شهر" in line for line in lines)
    assert len(codes) == 5 and "بستگی دارد" in lines[-1]  # unknown facts: no claim of fit


def test_a_woman_who_said_she_heads_her_household_is_shown_women_only_courses_as_fitting_her(
    db: Database,
) -> None:
    with db.unit_of_work() as session:
        session.add_all([course("women", gender="female"), course("men", gender="male")])
    widow = Profile(
        age=42,
        organisation="emdad",
        target_groups=frozenset({"female_head_of_household"}),
        target_groups_known=True,
        province="اصفهان",
        city="اصفهان",
        fields=("خیاطی",),
    )  # she never said «خانم»: her group says it
    lines, codes, _more = _read(db, widow)
    assert codes == ["women"] and lines[0] == "۱ دوره خیاطی با شرایط شما پیدا شد.", lines

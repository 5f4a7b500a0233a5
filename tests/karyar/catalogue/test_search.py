"""Catalogue search: normalised matching, suitability, nearness ranking, paging and relaxed alternatives."""

from __future__ import annotations

from datetime import timedelta

from karyar.catalogue.search import (
    CourseQuery,
    JobQuery,
    Nearness,
    Relaxation,
    search_courses,
    search_jobs,
)
from karyar.db.engine import Database
from tests.karyar.catalogue.factories import NOW, course, job


def _codes(db: Database, query: CourseQuery, **kwargs: int) -> list[str]:
    with db.unit_of_work() as session:
        return [c.code for c in search_courses(session, query=query, now=NOW, **kwargs).items]


def test_field_text_is_normalised_and_matched_through_synonyms(db: Database) -> None:
    with db.unit_of_work() as session:
        session.add_all(
            [
                course("sew", title="دوخت مانتو"),
                course("ict", title="کاربر رایانه (ICDL) ۲", field="کامپیوتر"),
                course("carpet", title="قالی‌بافی", field="قالی‌بافی"),
            ]
        )
    assert _codes(db, CourseQuery(field="خياطي")) == ["sew"]  # Arabic yeh
    assert _codes(db, CourseQuery(field="دوخت")) == ["sew"]  # a variant in fields.yml
    assert _codes(db, CourseQuery(field="میخوام دوخت یاد بگیرم")) == ["sew"]
    assert _codes(db, CourseQuery(field="قالیبافی")) == ["carpet"]  # no half-space
    assert _codes(db, CourseQuery(field="icdl ٢")) == ["ict"]  # title words; Arabic-Indic digit
    with db.unit_of_work() as session:
        assert search_courses(session, query=CourseQuery(field="دوخت"), now=NOW).fields == ("خیاطی",)


def test_ranking_goes_city_province_neighbour_online_elsewhere_then_start_date(db: Database) -> None:
    soon, later = NOW + timedelta(days=5), NOW + timedelta(days=50)
    with db.unit_of_work() as session:
        session.add_all(
            [
                course("elsewhere", province="گیلان", city="رشت", starts_at=soon),
                course("online", province=None, city=None, mode="online", starts_at=soon),
                course("neighbour", province="قم", city="قم", starts_at=soon),
                course("province", province="اصفهان", city="اصفهان", starts_at=soon),
                course("city-later", province="اصفهان", city="کاشان", starts_at=later),
                course("city-soon", province="اصفهان", city="کاشان", starts_at=soon),
            ]
        )
    with db.unit_of_work() as session:
        page = search_courses(session, query=CourseQuery(field="خیاطی", city="کاشان"), now=NOW, page_size=10)
    assert [h.item.code for h in page.hits] == ["city-soon", "city-later", "province", "neighbour", "online", "elsewhere"]  # fmt: skip
    assert [h.nearness for h in page.hits][2:] == [Nearness.PROVINCE, Nearness.NEIGHBOUR, Nearness.ONLINE, Nearness.ELSEWHERE]  # fmt: skip
    assert (page.relaxation, page.nearest) == (Relaxation.NONE, Nearness.CITY)


def test_unsuitable_items_are_excluded_only_when_the_fact_is_known(db: Database) -> None:
    with db.unit_of_work() as session:
        session.add_all(
            [
                course("women", gender="female"),
                course("men", gender="male"),
                course("young", min_age=15, max_age=25),
                course("behzisti", organisations=["behzisti"]),
                course("heads", target_groups=["female_head_of_household"]),
                course("everyone"),
            ]
        )
    everyone = {"women", "men", "young", "behzisti", "heads", "everyone"}
    assert set(_codes(db, CourseQuery(), page_size=10)) == everyone
    amina = CourseQuery(gender="female", age=34, organisation="emdad", target_groups=("care_leaver",))
    assert set(_codes(db, amina, page_size=10)) == {"women", "everyone"}
    head = CourseQuery(gender="female", organisation="behzisti", target_groups=("female_head_of_household",))
    assert set(_codes(db, head, page_size=10)) == {"women", "young", "behzisti", "heads", "everyone"}


def test_pages_are_disjoint_and_say_whether_more_follow(db: Database) -> None:
    with db.unit_of_work() as session:
        session.add_all([course(f"c{n}", starts_at=NOW + timedelta(days=n + 1)) for n in range(7)])
    with db.unit_of_work() as session:
        first = search_courses(session, query=CourseQuery(field="خیاطی"), now=NOW, page_size=5)
        second = search_courses(session, query=CourseQuery(field="خیاطی"), now=NOW, page=1, page_size=5)
    assert (first.total, first.has_next, second.has_next) == (7, True, False)
    assert [c.code for c in first.items] == [f"c{n}" for n in range(5)]
    assert [c.code for c in second.items] == ["c5", "c6"]


def test_only_upcoming_courses_and_open_jobs_are_shown(db: Database) -> None:
    with db.unit_of_work() as session:
        session.add_all(
            [
                course("past", starts_at=NOW - timedelta(days=1)),
                course("future"),
                course("inactive", active=False),
                job("closed", closes_at=NOW - timedelta(hours=1)),
                job("open", closes_at=NOW + timedelta(days=3)),
                job("no-deadline", closes_at=None),
            ]
        )
    assert _codes(db, CourseQuery()) == ["future"]
    assert set(_codes(db, CourseQuery(upcoming_only=False))) == {"past", "future"}
    with db.unit_of_work() as session:
        jobs = search_jobs(session, query=JobQuery(field="چرخکاری"), now=NOW)
    assert [j.code for j in jobs.items] == ["open", "no-deadline"]


def test_nothing_near_gives_the_nearest_alternatives_and_names_the_relaxation(db: Database) -> None:
    with db.unit_of_work() as session:
        session.add_all(
            [
                course("sew-rasht", province="گیلان", city="رشت"),
                course("cook-isfahan", title="آشپزی", field="آشپزی"),
                course("cook-tabriz", title="آشپزی", field="آشپزی", province="آذربایجان شرقی", city="تبریز"),
            ]
        )
    with db.unit_of_work() as session:
        other_area = search_courses(session, query=CourseQuery(field="خیاطی", city="کاشان"), now=NOW)
        other_field = search_courses(session, query=CourseQuery(field="قالیبافی", city="کاشان"), now=NOW)
        anything = search_courses(session, query=CourseQuery(field="قالیبافی", city="زاهدان"), now=NOW)
    assert [c.code for c in other_area.items] == ["sew-rasht"]
    assert (other_area.relaxation, other_area.nearest) == (Relaxation.OTHER_AREAS, Nearness.ELSEWHERE)
    assert [c.code for c in other_field.items] == ["cook-isfahan"]
    assert other_field.relaxation == Relaxation.OTHER_FIELDS
    assert other_field.fields == ("قالی‌بافی",)
    assert anything.relaxation == Relaxation.ANYTHING and anything.total == 3


def test_a_client_in_no_target_group_is_not_offered_items_reserved_for_one(db: Database) -> None:
    with db.unit_of_work() as session:
        session.add_all([course("heads", target_groups=["female_head_of_household"]), course("everyone")])
    assert set(_codes(db, CourseQuery(target_groups=None))) == {"heads", "everyone"}  # unknown: no filter
    assert _codes(db, CourseQuery(target_groups=())) == ["everyone"]


def test_accessible_work_comes_first_and_heavy_work_last_for_a_client_with_a_disability(db: Database) -> None:
    with db.unit_of_work() as session:
        session.add_all(
            [
                job("welder", title="جوشکار", field="جوشکاری", city="تهران"),
                job("farm", title="کارگر", field="فروشندگی", requirements="سلامت جسمی", city="تهران"),
                job("shop", title="فروشنده", field="فروشندگی", city="تهران"),
                job(
                    "phone", title="پاسخگوی تلفنی", field="فروشندگی", mode="online", province=None, city=None
                ),
                job("home", title="دوخت در منزل", field="خیاطی", employment_type="home_based", city="ورامین"),
            ]
        )
    with db.unit_of_work() as session:
        query = JobQuery(city="تهران", accessible_first=True)
        found = search_jobs(session, query=query, now=NOW, page_size=10)
        plain = search_jobs(session, query=JobQuery(city="تهران"), now=NOW, page_size=10)
    assert [j.code for j in found.items][:2] == ["home", "phone"]
    assert {j.code for j in found.items[-2:]} == {"welder", "farm"}
    assert plain.items[-1].code == "phone"  # without a disability, nearness alone orders the list
    assert found.counts == {Nearness.CITY: 3, Nearness.PROVINCE: 1, Nearness.ONLINE: 1}

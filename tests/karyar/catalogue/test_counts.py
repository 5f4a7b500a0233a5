"""Lists count the catalogue from its count tables (all of it, or the asked field's own items) and find title
words among the distinct titles: the heading's numbers and the order of the items stay those of the items
themselves, after an import, a replacing import, a change or a rollback, and after the upgrades that add the
tables to a database already holding a catalogue."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session

from karyar.catalogue import search
from karyar.catalogue.importer import import_catalogue
from karyar.catalogue.listing import heading, search_for
from karyar.catalogue.search import CourseQuery, JobQuery, Nearness, SearchPage, search_courses, search_jobs
from karyar.db.catalogue_counts import CourseCount, CourseTitle, JobCount, JobTitle
from karyar.db.engine import Database, make_engine
from karyar.db.models import Course, JobOpening
from karyar.eligibility.model import Profile
from ops.migrate import downgrade, upgrade
from tests.karyar.catalogue.factories import NOW, course, job
from tests.support.databases import BACKENDS, migrated_database_or_skip

# Places around a client in Kashan: her city, her province, a neighbouring province, far provinces.
PLACES = [("اصفهان", "کاشان"), ("اصفهان", "اصفهان"), ("قم", "قم"), ("گیلان", "رشت"), ("کرمان", "کرمان")]
# A title word every item has and no field is named by: that search counts each match itself.
WORD = "آموزش"
# The field of every third item, named in the titles of some items of both fields.
FIELD = "خیاطی"
KASHAN = Profile(age=30, gender="female", province="اصفهان", city="کاشان")


@pytest.fixture(autouse=True)
def _now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("karyar.catalogue.search.clock_now", lambda: NOW)


def _mixed_catalogue(db: Database) -> None:
    """Items at every distance, online, with shared and missing dates, past, inactive and for others only."""
    with db.unit_of_work() as session:
        for n in range(40):
            province, city = PLACES[n % len(PLACES)]
            place = {"province": None, "city": None, "mode": "online"} if n % 7 == 0 else {"province": province, "city": city}  # fmt: skip
            audience = {"gender": "male"} if n % 9 == 0 else {"min_age": 40} if n % 11 == 0 else {}
            active = {"active": False} if n % 13 == 0 else {}
            field = FIELD if n % 3 == 0 else "آشپزی"
            title = f"{WORD} {FIELD}" if n % 5 == 0 else f"{WORD} {n}"  # one title in both fields
            session.add(course(f"c{n}", title=title, field=field, starts_at=NOW + timedelta(days=n % 4 - 1), **place, **audience, **active))  # fmt: skip
            closes = None if n % 3 == 0 else NOW + timedelta(days=n % 4 - 1)
            session.add(
                job(f"j{n}", title=title, field=field, closes_at=closes, **place, **audience, **active)
            )


def _every_page(
    db: Database, query: CourseQuery | JobQuery
) -> tuple[list[tuple[str, Nearness]], int, dict[Nearness, int]]:
    """The hits of every page of three, in order, with the total and the counts at each nearness."""
    with db.unit_of_work() as session:
        pages: list[SearchPage[Any]] = [
            search_courses(session, query=query, page=page, page_size=3, now=NOW)
            if isinstance(query, CourseQuery)
            else search_jobs(session, query=query, page=page, page_size=3, now=NOW)
            for page in range(12)
        ]
    hits = [(hit.item.code, hit.nearness) for page in pages for hit in page.hits]
    return hits, pages[0].total, pages[0].counts


@pytest.fixture
def every_match_ranked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Searches that match titles on the items themselves and read and rank every match in one statement,
    as before the count and titles tables."""

    def matched_on_items(_session: Session, _tables: Any, match: Any) -> list[Any]:
        if match is None:
            return [search._ANY]
        keys = match.keys

        def titled(table: Any) -> list[Any]:
            return [match.titled(table), *([table.field_key.not_in(keys)] if keys else [])]

        own = [search._Branch(lambda table: [table.field_key.in_(keys)], counted=True)] if keys else []
        return [*own, search._Branch(titled, counted=False)]

    def ranked(
        session: Session, tables: Any, where: Any, branches: Any, area: Any, offset: int, limit: int
    ) -> Any:
        model = tables.items
        date = getattr(model, tables.date)
        nearness = search._nearness(model, area)
        conditions = [branch.conditions(model) for branch in branches]
        ranking = [nearness, date.is_(None), date, model.id]
        return search._count_and_page(
            session, model, where(model), conditions, nearness, ranking, offset, limit
        )

    monkeypatch.setattr(search, "_branches", matched_on_items)
    monkeypatch.setattr(search, "_counted_then_paged", ranked)


@pytest.mark.parametrize("kind", ["course", "job"])
@pytest.mark.parametrize("where", [{"city": "کاشان"}, {"province": "اصفهان"}, {}])
@pytest.mark.parametrize("field", [None, FIELD, WORD])
def test_counted_lists_count_and_order_like_ones_ranking_every_match(
    db: Database, kind: str, where: dict[str, str], field: str | None, request: pytest.FixtureRequest
) -> None:
    _mixed_catalogue(db)
    query_type = CourseQuery if kind == "course" else JobQuery
    asked = query_type(
        field=field, age=30, gender="female", city=where.get("city"), province=where.get("province")
    )
    counted = _every_page(db, asked)
    request.getfixturevalue("every_match_ranked")
    assert _every_page(db, asked) == counted
    assert len(counted[0]) == counted[1] > 5


def _found(db: Database) -> list[str]:
    """The heading's lines saying how many there are, and how many in her city."""
    with db.unit_of_work() as session:
        found = search_for(session, kind="course", profile=KASHAN, page=0)
        return heading(found, kind="course", profile=KASHAN).split("\n")[:2]


def _titles(session: Session, table: Any) -> list[tuple[str, str]]:
    """The distinct (title, field) of a titles table, or of an item table's active items."""
    rows = select(table.title_key, table.field_key).distinct()
    if table in (Course, JobOpening):
        rows = rows.where(table.active.is_(True))
    return sorted(tuple(row) for row in session.execute(rows))


def _sheet(path: Path, cities: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(
            ["code", "title", "field", "provider", "province", "city", "mode", "level", "starts_at"]
        )
        for n, city in enumerate(cities):
            writer.writerow([f"K-{n}", "دوخت مانتو", "خیاطی", "آموزشگاه", "اصفهان", city, "حضوری", "skill", "1406-01-15"])  # fmt: skip
    return path


def test_the_heading_follows_imports_changes_and_rollbacks(db: Database, tmp_path: Path) -> None:
    with db.unit_of_work() as session:
        import_catalogue(session, path=_sheet(tmp_path / "a.csv", ["کاشان", "کاشان", "اصفهان"]))
    assert _found(db) == ["۳ دوره پیدا شد.", "در شهر شما: ۲ مورد"]
    with db.unit_of_work() as session:
        import_catalogue(session, path=_sheet(tmp_path / "b.csv", ["کاشان"]), replace=True)
    assert _found(db) == ["۱ دوره پیدا شد.", "در شهر شما: ۱ مورد"]
    with db.unit_of_work() as session:
        session.execute(update(Course).values(active=True))  # a bulk statement, as staff tools write
    assert _found(db) == ["۳ دوره پیدا شد.", "در شهر شما: ۲ مورد"]
    with db.unit_of_work() as session:
        session.scalars(select(Course).where(Course.code == "K-0")).one().gender = "male"
    assert _found(db) == ["۲ دوره پیدا شد.", "در شهر شما: ۱ مورد"]
    with pytest.raises(RuntimeError), db.unit_of_work() as session:
        session.add(course("rolled-back", city="کاشان"))
        session.flush()
        raise RuntimeError
    assert _found(db) == ["۲ دوره پیدا شد.", "در شهر شما: ۱ مورد"]
    with db.unit_of_work() as session:
        assert session.scalar(select(func.sum(CourseCount.items))) == 3
        assert _titles(session, CourseTitle) == _titles(session, Course)
    with db.unit_of_work() as session:  # a search after writing, before the commit, sees the writes
        sewing = CourseQuery(field="خیاطی", city="کاشان")
        before = search_courses(session, query=sewing, now=NOW).total
        session.add(course("same-unit", city="کاشان"))
        assert search_courses(session, query=sewing, now=NOW).total == before + 1


@pytest.fixture(params=BACKENDS)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with migrated_database_or_skip(request.param, tmp_path) as url:
        yield url


def test_the_upgrade_counts_the_items_already_stored_and_the_way_back_drops_the_counts(
    fresh_url: str,
) -> None:
    downgrade(fresh_url, "0017_resume_consents")
    stored = [course("k1", city="کاشان"), course("k2", city="کاشان"), course("off", active=False), job("open", closes_at=None)]  # fmt: skip
    engine = make_engine(fresh_url)
    try:
        with engine.begin() as connection:  # no session: nothing but the migration counts them
            for item in stored:
                table = type(item).__table__
                assert isinstance(table, Table)
                values = {column.key: getattr(item, column.key) for column in table.columns}
                connection.execute(
                    insert(table), {key: value for key, value in values.items() if value is not None}
                )
    finally:
        engine.dispose()
    upgrade(fresh_url)
    database = Database(fresh_url)
    try:
        with database.unit_of_work() as session:
            assert session.execute(select(CourseCount.city, CourseCount.items)).all() == [("کاشان", 2)]
            assert session.execute(select(JobCount.closes_at, JobCount.items)).all() == [(None, 1)]
            assert len(_titles(session, CourseTitle)) == 1
            assert _titles(session, CourseTitle) == _titles(session, Course)
            assert _titles(session, JobTitle) == _titles(session, JobOpening)
            assert search_courses(session, query=CourseQuery(city="کاشان"), now=NOW).counts == {
                Nearness.CITY: 2
            }
    finally:
        database.dispose()
    downgrade(fresh_url, "0017_resume_consents")
    upgrade(fresh_url)

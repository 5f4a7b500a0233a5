"""Searching the catalogue for a client: suitable items only, nearest first, paged, never an empty hand.

Filtering and ranking both happen in SQL (the nearness of an item is a CASE expression). The items of the
asked field, or of the whole suitable catalogue when the question names none, are counted from the count
tables (karyar.db.catalogue_counts); items of other fields whose titles match are found through the distinct
titles and counted one by one. Only the page's items are read, nearness by nearness, from the indexes on
field, place and date.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Label,
    SQLColumnExpression,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from karyar.catalogue.fit import heavy_field_keys, heavy_requirement_phrases
from karyar.catalogue.reference import fields, places
from karyar.clock import now as clock_now
from karyar.db.catalogue_counts import CourseCount, CourseTitle, JobCount, JobTitle, refresh_written
from karyar.db.models import (
    CatalogueItem,
    CatalogueMode,
    Course,
    EmploymentType,
    JobOpening,
    SuitableGender,
)
from persian.text import search_key

Item = TypeVar("Item", bound=CatalogueItem)


class Nearness(enum.IntEnum):
    """How near an item is to the client, best first."""

    CITY = 0
    PROVINCE = 1
    NEIGHBOUR = 2
    ONLINE = 3
    ELSEWHERE = 4


class Relaxation(enum.StrEnum):
    """What was loosened to find something when the query as asked found nothing near the client."""

    NONE = "none"
    # The asked field, but not in the client's province: neighbouring provinces, online, elsewhere.
    OTHER_AREAS = "other_areas"
    # Nothing in the asked field at all: other fields in the client's province.
    OTHER_FIELDS = "other_fields"
    # Nothing in the asked field, nor in the client's province: any field, nearest first.
    ANYTHING = "anything"


@dataclass(frozen=True, slots=True)
class CatalogueQuery:
    """What the client asked for and what we know of them; None means unknown (no filter)."""

    field: str | None = None
    province: str | None = None
    city: str | None = None
    age: int | None = None
    gender: str | None = None
    organisation: str | None = None
    # The target groups the client is in or may be in: None = unknown (no filter); () = in none, so items
    # reserved for a group are left out.
    target_groups: tuple[str, ...] | None = None
    # The client has a disability or limited ability to work: items for people with disabilities, home-based
    # and online work first, work needing full physical strength last.
    accessible_first: bool = False
    mode: str | None = None
    upcoming_only: bool = True


@dataclass(frozen=True, slots=True)
class CourseQuery(CatalogueQuery):
    level: str | None = None


@dataclass(frozen=True, slots=True)
class JobQuery(CatalogueQuery):
    employment_type: str | None = None


@dataclass(frozen=True, slots=True)
class SearchHit(Generic[Item]):
    item: Item
    nearness: Nearness


@dataclass(frozen=True, slots=True)
class SearchPage(Generic[Item]):
    hits: list[SearchHit[Item]]
    total: int
    page: int
    page_size: int
    relaxation: Relaxation
    # The nearness of the best result overall (not only on this page); None when nothing was found.
    nearest: Nearness | None
    # The canonical fields the query's field text was understood as (empty: matched on title words).
    fields: tuple[str, ...]
    # How many results there are at each nearness (over every page).
    counts: dict[Nearness, int] = dataclass_field(default_factory=dict)
    # Far results (Nearness.ELSEWHERE) left off the list by the caller's cap.
    left_off: int = 0

    @property
    def items(self) -> list[Item]:
        return [hit.item for hit in self.hits]

    @property
    def has_next(self) -> bool:
        return (self.page + 1) * self.page_size < self.total


# Conditions on an item table or on its count table: the columns they read have the same names in both.
_Conditions = Callable[[Any], list[ColumnElement[bool]]]


@dataclass(frozen=True, slots=True)
class _Branch:
    """Matches that never overlap another branch's, each found through its own index."""

    conditions: _Conditions
    # The count table can count them: the conditions read only columns it has (not the title).
    counted: bool


# Any item: a list naming no field.
_ANY = _Branch(lambda _table: [], counted=True)


def search_courses(
    session: Session, *, query: CourseQuery, page: int = 0, page_size: int = 5, now: datetime | None = None
) -> SearchPage[Course]:
    moment = now or clock_now()

    def suiting(table: type[Course] | type[CourseCount]) -> list[ColumnElement[bool]]:
        conditions = _shared_conditions(table, query)
        if query.upcoming_only:
            conditions.append(table.starts_at >= moment)
        if query.level:
            conditions.append(table.level == query.level)
        return conditions

    return _search(
        session, _Tables(Course, CourseCount, CourseTitle, "starts_at"), query, suiting, page, page_size
    )


def search_jobs(
    session: Session, *, query: JobQuery, page: int = 0, page_size: int = 5, now: datetime | None = None
) -> SearchPage[JobOpening]:
    moment = now or clock_now()

    def suiting(table: type[JobOpening] | type[JobCount]) -> list[ColumnElement[bool]]:
        conditions = _shared_conditions(table, query)
        if query.upcoming_only:
            conditions.append(or_(table.closes_at.is_(None), table.closes_at >= moment))
        if query.employment_type:
            conditions.append(table.employment_type == query.employment_type)
        return conditions

    return _search(
        session, _Tables(JobOpening, JobCount, JobTitle, "closes_at"), query, suiting, page, page_size
    )


def get_course(session: Session, course_id: int) -> Course | None:
    return session.get(Course, course_id)


def get_job(session: Session, job_id: int) -> JobOpening | None:
    return session.get(JobOpening, job_id)


@dataclass(frozen=True, slots=True)
class _Area:
    city: str | None
    province: str | None
    neighbours: frozenset[str]

    @classmethod
    def of(cls, query: CatalogueQuery) -> _Area:
        known = places()
        city = known.city(query.city) if query.city else None
        province = known.province(query.province) if query.province else None
        if province is None and city is not None:
            province = known.city_province[city]
        neighbours = known.neighbours.get(province, frozenset()) if province else frozenset()
        return cls(city=city, province=province, neighbours=neighbours)


@dataclass(frozen=True, slots=True)
class _Tables(Generic[Item]):
    """An item table, its count and titles tables and the date it ranks by (soonest first, none after)."""

    items: type[Item]
    counts: type[CourseCount] | type[JobCount]
    titles: type[CourseTitle] | type[JobTitle]
    date: str


def _nearness(
    model: type[CatalogueItem] | type[CourseCount] | type[JobCount], area: _Area
) -> ColumnElement[int]:
    whens: list[tuple[ColumnElement[bool], int]] = [(model.mode == CatalogueMode.ONLINE, Nearness.ONLINE)]
    if area.city:
        whens.append((model.city == area.city, Nearness.CITY))
    if area.province:
        whens.append((model.province == area.province, Nearness.PROVINCE))
    if area.neighbours:
        whens.append((model.province.in_(sorted(area.neighbours)), Nearness.NEIGHBOUR))
    return case(*whens, else_=literal(int(Nearness.ELSEWHERE)))


def _shared_conditions(
    model: type[CatalogueItem] | type[CourseCount] | type[JobCount], query: CatalogueQuery
) -> list[ColumnElement[bool]]:
    """What suits what we know of the client; unknown facts exclude nothing."""
    conditions: list[ColumnElement[bool]] = []
    if query.gender in (SuitableGender.FEMALE, SuitableGender.MALE):
        conditions.append(model.gender.in_([SuitableGender.ANY, query.gender]))
    if query.age is not None:
        conditions.append(or_(model.min_age.is_(None), model.min_age <= query.age))
        conditions.append(or_(model.max_age.is_(None), model.max_age >= query.age))
    if query.organisation:
        conditions.append(_open_to(model.organisations, [query.organisation]))
    if query.target_groups is not None:
        conditions.append(_open_to(model.target_groups, query.target_groups))
    if query.mode:
        conditions.append(model.mode == query.mode)
    return conditions


def _open_to(column: SQLColumnExpression[Any], codes: Sequence[str]) -> ColumnElement[bool]:
    """An empty JSON list (everyone) or one holding any of the codes.

    The codes are plain identifiers, so matching the quoted code in the JSON text works the same on
    SQLite and PostgreSQL without dialect-specific JSON operators.
    """
    text = cast(column, String)
    return or_(text == "[]", *[text.contains(f'"{code}"', autoescape=True) for code in codes])


def _suitability(
    model: type[Item], query: CatalogueQuery, nearness: ColumnElement[int]
) -> list[ColumnElement[int]]:
    """Sort keys that put what suits the client's situation first; none when nothing is known to matter.

    Far items stay last, so a list cut short after its nearest far items loses only far ones.
    """
    if not query.accessible_first:
        return []
    accessible = [
        model.mode == CatalogueMode.ONLINE,
        cast(model.target_groups, String).contains('"person_with_disability"'),
    ]
    if model is JobOpening:
        accessible.append(JobOpening.employment_type == EmploymentType.HOME_BASED)
    heavy = or_(
        model.field_key.in_(heavy_field_keys()),
        *[model.requirements.contains(phrase, autoescape=True) for phrase in heavy_requirement_phrases()],
    )
    far = case((nearness == int(Nearness.ELSEWHERE), 1), else_=0)
    return [far, case((or_(*accessible), 0), (heavy, 2), else_=1)]


@dataclass(frozen=True, slots=True)
class _FieldMatch:
    fields: tuple[str, ...]
    # The asked fields' keys (none when the text named no field and titles are matched on its words).
    keys: tuple[str, ...]
    # Titles that match, on any table with title_key: those naming the fields, or holding every word.
    titled: Callable[[Any], ColumnElement[bool]]


def _field_match(text: str) -> _FieldMatch | None:
    """The asked fields (through fields.yml: «دوخت» is «خیاطی») and titles naming them or, failing that, the
    words of titles."""
    mentions = fields().mentioned(text)
    if mentions:
        names = tuple(dict.fromkeys(m.field for m in mentions))
        return _FieldMatch(
            fields=names,
            keys=tuple(search_key(name) for name in names),
            titled=lambda table: or_(*[table.title_key.contains(m.words, autoescape=True) for m in mentions]),
        )
    words = search_key(text).split()
    if not words:
        return None
    return _FieldMatch(
        fields=(),
        keys=(),
        titled=lambda table: and_(*[table.title_key.contains(word, autoescape=True) for word in words]),
    )


def _branches(session: Session, tables: _Tables[Item], match: _FieldMatch | None) -> list[_Branch]:
    """The asked fields' own items, counted from the count tables, and the items of other fields whose titles
    match. Those titles are looked for among the distinct titles first, so neither the fields' own items
    (whose titles name them too) nor, on SQLite, every item's title is read; the items are then found by title.
    """
    if match is None:
        return [_ANY]
    keys = match.keys

    def other_fields(table: Any) -> list[ColumnElement[bool]]:
        return [table.field_key.not_in(keys)] if keys else []

    own = [_Branch(lambda table: [table.field_key.in_(keys)], counted=True)] if keys else []
    titles = tables.titles
    found = session.scalars(
        select(titles.title_key).where(match.titled(titles), *other_fields(titles)).distinct()
    ).all()
    if not found:
        return own
    titled = _Branch(lambda table: [table.title_key.in_(found), *other_fields(table)], counted=False)
    return [*own, titled]


def _count_and_page(
    session: Session,
    model: type[Item],
    where: Sequence[ColumnElement[bool]],
    branches: Sequence[Sequence[ColumnElement[bool]]],
    nearness: ColumnElement[int],
    ranking: Sequence[SQLColumnExpression[Any]],
    offset: int,
    limit: int,
) -> tuple[dict[Nearness, int], list[tuple[int, Nearness]]]:
    """How many items match at each nearness, and the ids and nearness on the page, in ranking order.

    One statement reads the matches once, as narrow rows (id, nearness, ranking keys) that PostgreSQL
    finds in the search index without reading the table; the page's items are loaded afterwards by id.
    """
    keys: list[Label[Any]] = [expression.label(f"rank_{number}") for number, expression in enumerate(ranking)]
    selects = [select(model.id, nearness.label("near"), *keys).where(*where, *branch) for branch in branches]
    matched = (union_all(*selects) if len(selects) > 1 else selects[0]).cte("matched")
    page = (
        select(matched)
        .order_by(*[matched.c[key.name] for key in keys])
        .offset(offset)
        .limit(limit)
        .subquery()
    )
    # The page's own order survives the UNION below as a number (counted on the page only).
    number = func.row_number().over(order_by=[page.c[key.name] for key in keys])
    counts = select(cast(null(), BigInteger), matched.c.near, func.count()).group_by(matched.c.near)
    rows = session.execute(counts.union_all(select(page.c.id, page.c.near, number))).all()
    on_page = sorted(
        (number, item_id, Nearness(near)) for item_id, near, number in rows if item_id is not None
    )
    return (
        {Nearness(near): number for item_id, near, number in rows if item_id is None},
        [(item_id, near) for _, item_id, near in on_page],
    )


def _at(model: type[Item], area: _Area, near: Nearness) -> list[ColumnElement[bool]]:
    """Where the items of one nearness are, besides the nearness itself: each is read from its own index."""
    if near is Nearness.CITY:
        return [model.city == area.city]
    if near is Nearness.PROVINCE:
        return [model.province == area.province]
    if near is Nearness.NEIGHBOUR:
        return [model.province.in_(sorted(area.neighbours))]
    if near is Nearness.ONLINE:
        return [model.mode == CatalogueMode.ONLINE]
    return []


# A nearness, and whether its items have no date (they come after the dated ones).
_Part = tuple[Nearness, bool]


def _count_parts(
    session: Session, tables: _Tables[Item], where: _Conditions, area: _Area, branch: _Branch
) -> dict[_Part, int]:
    """How many items of one branch each part holds: summed over the count table, or counted one by one."""
    table: Any = tables.counts if branch.counted else tables.items
    number = tables.counts.items if branch.counted else literal(1)
    grouped = (
        select(
            _nearness(table, area).label("near"),
            getattr(table, tables.date).is_(None).label("undated"),
            number.label("number"),
        )
        .where(*where(table), *branch.conditions(table))
        .subquery()
    )
    rows = session.execute(
        select(grouped.c.near, grouped.c.undated, func.sum(grouped.c.number)).group_by(
            grouped.c.near, grouped.c.undated
        )
    )
    return {(Nearness(near), bool(undated)): int(number) for near, undated, number in rows if number}


def _counted_then_paged(
    session: Session,
    tables: _Tables[Item],
    where: _Conditions,
    branches: Sequence[_Branch],
    area: _Area,
    offset: int,
    limit: int,
) -> tuple[dict[Nearness, int], list[tuple[int, Nearness]]]:
    """Like _count_and_page when the ranking is nearness, then date: the counts of each part come from
    _count_parts, and the page's ids are read part by part, each part in date order from the indexes (only
    the branches that have items there), skipping the parts before the page."""
    found = [_count_parts(session, tables, where, area, branch) for branch in branches]
    model = tables.items
    date = getattr(model, tables.date)
    nearness = _nearness(model, area)
    on_page: list[tuple[int, Nearness]] = []
    for part in sorted(set().union(*found)):
        number = sum(parts.get(part, 0) for parts in found)
        if offset >= number:
            offset -= number
            continue
        near, undated = part
        selects = [
            select(model.id, date.label("date")).where(
                *where(model),
                *branch.conditions(model),
                *_at(model, area, near),
                nearness == int(near),
                date.is_(None) if undated else date.is_not(None),
            )
            for branch, parts in zip(branches, found, strict=True)
            if part in parts
        ]
        matched = (union_all(*selects) if len(selects) > 1 else selects[0]).subquery()
        ids = session.scalars(
            select(matched.c.id)
            .order_by(*([] if undated else [matched.c.date]), matched.c.id)
            .offset(offset)
            .limit(limit - len(on_page))
        )
        on_page += [(item_id, near) for item_id in ids]
        offset = 0
        if len(on_page) >= limit:
            break
    totals: dict[Nearness, int] = {}
    for parts in found:
        for (near, _), number in parts.items():
            totals[near] = totals.get(near, 0) + number
    return totals, on_page


@dataclass(frozen=True, slots=True)
class _Step:
    relaxation: Relaxation
    # The asked field's match; None: any field.
    match: _FieldMatch | None = None
    # Only items in this province (other fields in the client's province).
    province: str | None = None


def _search(
    session: Session,
    tables: _Tables[Item],
    query: CatalogueQuery,
    suiting: _Conditions,
    page: int,
    page_size: int,
) -> SearchPage[Item]:
    refresh_written(session)
    model = tables.items
    area = _Area.of(query)
    nearness = _nearness(model, area)
    match = _field_match(query.field) if query.field else None
    steps = [_Step(Relaxation.NONE, match)]
    if match is not None:
        if area.province:
            steps.append(_Step(Relaxation.OTHER_FIELDS, province=area.province))
        steps.append(_Step(Relaxation.ANYTHING))
    found_fields = match.fields if match else ()
    date = getattr(model, tables.date)
    ranking = [*_suitability(model, query, nearness), nearness, date.is_(None), date, model.id]
    for step in steps:

        def where(table: Any, step: _Step = step) -> list[ColumnElement[bool]]:
            active = [table.active.is_(True)] if table is model else []
            province = [table.province == step.province] if step.province else []
            return [*active, *suiting(table), *province]

        branches = _branches(session, tables, step.match)
        if not branches:
            continue
        if query.accessible_first:  # ranked by more than nearness and date: every match is ranked
            conditions = [branch.conditions(model) for branch in branches]
            counts, on_page = _count_and_page(
                session, model, where(model), conditions, nearness, ranking, page * page_size, page_size
            )
        else:
            counts, on_page = _counted_then_paged(
                session, tables, where, branches, area, page * page_size, page_size
            )
        total = sum(counts.values())
        if not total:
            continue
        ids = [item_id for item_id, _ in on_page]
        loaded = (
            {item.id: item for item in session.scalars(select(model).where(model.id.in_(ids)))} if ids else {}
        )
        rows = [(loaded[item_id], near) for item_id, near in on_page]
        best = min(counts)
        relaxation = step.relaxation
        if relaxation is Relaxation.NONE and area.province and best > Nearness.PROVINCE:
            relaxation = Relaxation.OTHER_AREAS
        return SearchPage(
            hits=[SearchHit(item=item, nearness=Nearness(near)) for item, near in rows],
            total=total,
            page=page,
            page_size=page_size,
            relaxation=relaxation,
            nearest=best,
            fields=found_fields,
            counts=counts,
        )
    return SearchPage(
        hits=[],
        total=0,
        page=page,
        page_size=page_size,
        relaxation=Relaxation.NONE,
        nearest=None,
        fields=found_fields,
    )

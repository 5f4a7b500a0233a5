"""Searching the catalogue for a client: suitable items only, nearest first, paged, never an empty hand.

Filtering and ranking both happen in SQL (the nearness of an item is a CASE expression). Matches are
counted per nearness only up to a cap, so counting reads a bounded number of rows however large the
catalogue is: past the cap a count says "more than".
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
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

# Matches at one nearness are counted up to this many (or up to the end of the asked page, if further);
# past it the list says "more than", which is all a client needs, and no search reads the whole catalogue.
COUNT_CAP = 50


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
    # How many results there are at each nearness (over every page); for a nearness in `capped`, more
    # than that many.
    counts: dict[Nearness, int] = dataclass_field(default_factory=dict)
    capped: frozenset[Nearness] = frozenset()
    # Far results (Nearness.ELSEWHERE) left off the list by the caller's cap; more than that if capped.
    left_off: int = 0

    @property
    def items(self) -> list[Item]:
        return [hit.item for hit in self.hits]

    @property
    def total_is_more(self) -> bool:
        """The listed total is a lower bound: more than `total` are listed, page after page."""
        # Far ones left off are not listed, so their cap leaves the listed total exact.
        listed_capped = self.capped - {Nearness.ELSEWHERE} if self.left_off else self.capped
        return bool(listed_capped)

    @property
    def has_next(self) -> bool:
        # A count stops only past the end of the asked page, so a capped one means another page follows.
        return self.total_is_more or (self.page + 1) * self.page_size < self.total


def search_courses(
    session: Session, *, query: CourseQuery, page: int = 0, page_size: int = 5, now: datetime | None = None
) -> SearchPage[Course]:
    conditions = _shared_conditions(Course, query)
    if query.upcoming_only:
        conditions.append(Course.starts_at >= (now or clock_now()))
    if query.level:
        conditions.append(Course.level == query.level)
    return _search(session, Course, query, conditions, (Course.starts_at, Course.id), page, page_size)


def search_jobs(
    session: Session, *, query: JobQuery, page: int = 0, page_size: int = 5, now: datetime | None = None
) -> SearchPage[JobOpening]:
    conditions = _shared_conditions(JobOpening, query)
    if query.upcoming_only:
        conditions.append(or_(JobOpening.closes_at.is_(None), JobOpening.closes_at >= (now or clock_now())))
    if query.employment_type:
        conditions.append(JobOpening.employment_type == query.employment_type)
    # Soonest deadline first; open-ended openings after those with a deadline.
    order = (JobOpening.closes_at.is_(None), JobOpening.closes_at, JobOpening.id)
    return _search(session, JobOpening, query, conditions, order, page, page_size)


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


def _nearness(model: type[Item], area: _Area) -> ColumnElement[int]:
    whens: list[tuple[ColumnElement[bool], int]] = [(model.mode == CatalogueMode.ONLINE, Nearness.ONLINE)]
    if area.city:
        whens.append((model.city == area.city, Nearness.CITY))
    if area.province:
        whens.append((model.province == area.province, Nearness.PROVINCE))
    if area.neighbours:
        whens.append((model.province.in_(sorted(area.neighbours)), Nearness.NEIGHBOUR))
    return case(*whens, else_=literal(int(Nearness.ELSEWHERE)))


def _partitions(
    model: type[Item], query: CatalogueQuery, area: _Area
) -> list[tuple[Nearness, tuple[ColumnElement[bool], ...]]]:
    """The conditions of each nearness the client's place allows, as `_nearness` decides it: online first,
    then the client's city, the rest of the province, neighbouring provinces, and everything else.

    They are plain comparisons of place and mode rather than the nearness expression, so PostgreSQL
    estimates how many rows each has and counts the near ones from the index by province.
    """
    online = model.mode == CatalogueMode.ONLINE
    parts: list[tuple[Nearness, tuple[ColumnElement[bool], ...]]] = []
    if query.mode in (None, CatalogueMode.ONLINE):
        parts.append((Nearness.ONLINE, (online,)))
    if query.mode == CatalogueMode.ONLINE:
        return parts
    in_person = model.mode != CatalogueMode.ONLINE
    other_city = or_(model.city.is_(None), model.city != area.city) if area.city else None
    if area.city:
        # The importer keeps a city in its province, so the city's items are read by province too.
        in_province = (model.province == area.province,) if area.province else ()
        parts.append((Nearness.CITY, (in_person, *in_province, model.city == area.city)))
    nearer = [other_city] if other_city is not None else []
    if area.province:
        parts.append((Nearness.PROVINCE, (in_person, model.province == area.province, *nearer)))
    if area.neighbours:
        neighbours = model.province.in_(sorted(area.neighbours))
        parts.append((Nearness.NEIGHBOUR, (in_person, neighbours, *nearer)))
    places = [area.province] if area.province else []
    places += sorted(area.neighbours)
    elsewhere = [in_person, *nearer]
    if places:
        elsewhere.append(or_(model.province.is_(None), model.province.not_in(places)))
    parts.append((Nearness.ELSEWHERE, tuple(elsewhere)))
    return parts


def _shared_conditions(model: type[Item], query: CatalogueQuery) -> list[ColumnElement[bool]]:
    """Active items that suit what we know of the client; unknown facts exclude nothing."""
    conditions: list[ColumnElement[bool]] = [model.active.is_(True)]
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


def _open_to(column: SQLColumnExpression[list[str]], codes: Sequence[str]) -> ColumnElement[bool]:
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
class _Branch:
    """One of the alternatives a search matches; an alternative with no conditions matches everything."""

    conditions: tuple[ColumnElement[bool], ...] = ()
    # Found through the trigram index on titles: matches are few, but each reading rechecks titles in the
    # table, so they are counted exactly in one reading rather than once per nearness.
    by_title: bool = False


# Alternatives that never overlap.
_Branches = tuple[_Branch, ...]


@dataclass(frozen=True, slots=True)
class _FieldMatch:
    fields: tuple[str, ...]
    branches: _Branches


def _field_match(model: type[Item], text: str) -> _FieldMatch | None:
    """The asked fields (through fields.yml: «دوخت» is «خیاطی») or, failing that, the words of titles.

    A field's own items and other items whose titles name it are separate branches, so each is found
    through its own index (the search index by field_key, the trigram index on title_key) instead of one
    OR that PostgreSQL answers by reading the table.
    """
    mentions = fields().mentioned(text)
    if mentions:
        names = tuple(dict.fromkeys(m.field for m in mentions))
        keys = [search_key(name) for name in names]
        named = or_(*[model.title_key.contains(m.words, autoescape=True) for m in mentions])
        return _FieldMatch(
            fields=names,
            branches=(
                _Branch((model.field_key.in_(keys),)),
                _Branch((named, model.field_key.not_in(keys)), by_title=True),
            ),
        )
    words = search_key(text).split()
    if not words:
        return None
    return _FieldMatch(
        fields=(),
        branches=(
            _Branch(
                (and_(*[model.title_key.contains(word, autoescape=True) for word in words]),), by_title=True
            ),
        ),
    )


def _count_and_page(
    session: Session,
    model: type[Item],
    where: Sequence[ColumnElement[bool]],
    branches: _Branches,
    partitions: Sequence[tuple[Nearness, tuple[ColumnElement[bool], ...]]],
    nearness: ColumnElement[int],
    ranking: Sequence[SQLColumnExpression[Any]],
    offset: int,
    limit: int,
) -> tuple[dict[Nearness, int], frozenset[Nearness], list[tuple[int, Nearness]]]:
    """How many items match at each nearness (up to a cap), which counts stopped at it, and the ids and
    nearness on the page, in ranking order.

    One statement: per nearness and branch a count that stops after the cap (a branch of few matches
    found by title is counted in the same reading as its page), and the page picked from the matches as
    narrow rows (id, nearness, ranking keys) that PostgreSQL finds in an index without reading the table;
    the page's items are loaded afterwards by id.
    """
    cap = max(COUNT_CAP, offset + limit)
    keys: list[Label[Any]] = [expression.label(f"rank_{number}") for number, expression in enumerate(ranking)]
    selects: list[Any] = []
    counted: list[Any] = []
    by_title = [branch for branch in branches if branch.by_title]
    if by_title:
        # Read once for both the count and the page.
        titled = [
            select(model.id, nearness.label("near"), *keys).where(*where, *b.conditions) for b in by_title
        ]
        read = (union_all(*titled) if len(titled) > 1 else titled[0]).cte("by_title")
        counted.append(select(read.c.near, func.count().label("number")).group_by(read.c.near))
        selects.append(select(read))
    for branch in branches:
        if branch.by_title:
            continue
        selects.append(select(model.id, nearness.label("near"), *keys).where(*where, *branch.conditions))
        for near, conditions in partitions:
            stopped = (
                select(model.id).where(*where, *branch.conditions, *conditions).limit(cap + 1).subquery()
            )
            counted.append(
                select(literal(int(near)).label("near"), func.count().label("number")).select_from(stopped)
            )
    per_branch = union_all(*counted).subquery()
    counts = select(cast(null(), BigInteger), per_branch.c.near, func.sum(per_branch.c.number)).group_by(
        per_branch.c.near
    )
    matched = (union_all(*selects) if len(selects) > 1 else selects[0]).subquery()
    page = (
        select(matched)
        .order_by(*[matched.c[key.name] for key in keys])
        .offset(offset)
        .limit(limit)
        .subquery()
    )
    # The page's own order survives the UNION below as a number (counted on the page only).
    number = func.row_number().over(order_by=[page.c[key.name] for key in keys])
    rows = session.execute(counts.union_all(select(page.c.id, page.c.near, number))).all()
    on_page = sorted(
        (number, item_id, Nearness(near)) for item_id, near, number in rows if item_id is not None
    )
    found = {Nearness(near): int(number) for item_id, near, number in rows if item_id is None and number}
    return (
        {near: min(number, cap) for near, number in found.items()},
        frozenset(near for near, number in found.items() if number > cap),
        [(item_id, near) for _, item_id, near in on_page],
    )


def _search(
    session: Session,
    model: type[Item],
    query: CatalogueQuery,
    conditions: list[ColumnElement[bool]],
    order: Sequence[SQLColumnExpression[Any]],
    page: int,
    page_size: int,
) -> SearchPage[Item]:
    area = _Area.of(query)
    nearness = _nearness(model, area)
    partitions = _partitions(model, query, area)
    match = _field_match(model, query.field) if query.field else None
    steps: list[tuple[Relaxation, _Branches]] = []
    if match is None:
        steps.append((Relaxation.NONE, (_Branch(),)))
    else:
        steps.append((Relaxation.NONE, match.branches))
        if area.province:
            steps.append((Relaxation.OTHER_FIELDS, (_Branch((model.province == area.province,)),)))
        steps.append((Relaxation.ANYTHING, (_Branch(),)))
    found_fields = match.fields if match else ()
    ranking = [*_suitability(model, query, nearness), nearness, *order]
    for relaxation, branches in steps:
        counts, capped, on_page = _count_and_page(
            session, model, conditions, branches, partitions, nearness, ranking, page * page_size, page_size
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
            capped=capped,
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

"""Finding a course by what staff remember of it: part of its name, or its code, for linking it to an
announcement. Unlike a client's search there is no suitability or nearness: staff may link any course
still offered, and they see the likeliest ones first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, case, func, or_, select
from sqlalchemy.orm import Session

from karyar.clock import now as clock_now
from karyar.db.models import CatalogueMode, Course
from persian.text import search_key, to_ascii_digits

SHORT_LIST = 8


@dataclass(frozen=True, slots=True)
class CourseMatches:
    courses: list[Course]
    total: int  # all that match, of which `courses` are the first


def find_courses(
    session: Session,
    *,
    text: str = "",
    provinces: Sequence[str] = (),
    limit: int = SHORT_LIST,
    now: datetime | None = None,
) -> CourseMatches:
    """Active courses whose title holds every word of `text` (normalised as searches are) or whose code
    holds it; with no text, the courses yet to start.

    Those in `provinces` (and online ones) come first when given, then those yet to start, soonest first,
    then those already started, the latest first.
    """
    moment = now or clock_now()
    conditions: list[ColumnElement[bool]] = [Course.active.is_(True)]
    wanted = _named(text)
    if wanted is None:
        conditions.append(Course.starts_at >= moment)
    else:
        conditions.append(wanted)
    total = session.scalar(select(func.count()).select_from(Course).where(*conditions)) or 0
    courses = session.scalars(
        select(Course).where(*conditions).order_by(*_likeliest_first(moment, provinces)).limit(limit)
    ).all()
    return CourseMatches(list(courses), total)


def _named(text: str) -> ColumnElement[bool] | None:
    words = search_key(text).split()
    if not words:
        return None
    in_title = and_(*[Course.title_key.contains(word, autoescape=True) for word in words])
    code = to_ascii_digits(" ".join(text.split())).upper()
    return or_(in_title, func.upper(Course.code).contains(code, autoescape=True))


def _likeliest_first(moment: datetime, provinces: Sequence[str]) -> list[SQLColumnExpression[Any]]:
    upcoming = Course.starts_at >= moment
    order: list[SQLColumnExpression[Any]] = []
    if provinces:
        theirs = or_(Course.province.in_(list(provinces)), Course.mode == CatalogueMode.ONLINE)
        order.append(case((theirs, 0), else_=1))
    order += [
        case((upcoming, 0), else_=1),
        # Within the upcoming ones the soonest first; the second key is empty for them, and orders the
        # started ones by their start, the latest first.
        case((upcoming, Course.starts_at)),
        Course.starts_at.desc(),
        Course.id,
    ]
    return order

"""What a client sees of the catalogue: a query from their profile, the list heading, cards and details."""

from __future__ import annotations

import re
from typing import Literal

from sqlalchemy.orm import Session

from karyar.catalogue.present import course_card, course_details, job_card, job_details
from karyar.catalogue.search import (
    CourseQuery,
    JobQuery,
    Nearness,
    Relaxation,
    SearchPage,
    get_course,
    get_job,
    search_courses,
    search_jobs,
)
from karyar.db.models import Course, JobOpening
from karyar.eligibility.model import Profile
from karyar.facts import SKIPPED
from persian.format import format_number

ItemKind = Literal["course", "job"]
NOUN = {"course": "دوره", "job": "فرصت شغلی"}
# How a button names one course or job ("course:12"): the `item` entity of «اطلاعات بیشتر» / «علاقه‌مندم».
ITEM_REF = r"(course|job):(\d+)"
_ITEM_REF = re.compile(rf"^{ITEM_REF}$")


def item_ref(kind: ItemKind, item_id: int) -> str:
    return f"{kind}:{item_id}"


def parse_item_ref(text: str) -> tuple[ItemKind, int] | None:
    match = _ITEM_REF.match(text)
    if match is None:
        return None
    return ("course" if match[1] == "course" else "job"), int(match[2])


def _known(value: str | None) -> str | None:
    return None if value in (None, SKIPPED) else value


def search_for(
    session: Session, *, kind: ItemKind, profile: Profile, page: int
) -> SearchPage[Course] | SearchPage[JobOpening]:
    """Courses or jobs suited to what we know of the client, nearest first."""
    shared = {
        "field": profile.fields[0] if profile.fields else None,
        "province": _known(profile.province),
        "city": _known(profile.city),
        "age": profile.age,
        "gender": _known(profile.gender),
        "organisation": _known(profile.organisation),
        "target_groups": tuple(sorted(profile.target_groups)),
    }
    if kind == "course":
        return search_courses(session, query=CourseQuery(**shared), page=page)  # type: ignore[arg-type]
    return search_jobs(session, query=JobQuery(**shared), page=page)  # type: ignore[arg-type]


def heading(found: SearchPage[Course] | SearchPage[JobOpening], *, kind: ItemKind, profile: Profile) -> str:
    """One line that says honestly what the list is, and what was loosened when nothing matched exactly."""
    noun = NOUN[kind]
    field = f"{noun} {found.fields[0]}" if found.fields else noun
    count = format_number(found.total)
    if found.relaxation == Relaxation.OTHER_AREAS:
        return f"در استان شما {field} پیدا نشد؛ این‌ها نزدیک‌ترین‌ها هستند ({count} مورد):"
    if found.relaxation == Relaxation.OTHER_FIELDS:
        return f"فعلاً {field} پیدا نشد؛ این‌ها {noun}‌های دیگری نزدیک شما هستند ({count} مورد):"
    if found.relaxation == Relaxation.ANYTHING:
        return f"{field} نزدیک شما پیدا نشد؛ این‌ها نزدیک‌ترین گزینه‌ها هستند ({count} مورد):"
    if _known(profile.city) and found.nearest is not None and found.nearest > Nearness.CITY:
        return f"در شهر شما {field} پیدا نشد؛ این‌ها نزدیک‌ترین‌ها هستند ({count} مورد):"
    return f"{count} {field} با شرایط شما پیدا شد، نزدیک‌ترها اول:"


def card(item: Course | JobOpening) -> str:
    return course_card(item) if isinstance(item, Course) else job_card(item)


def details(session: Session, *, kind: ItemKind, item_id: int) -> str | None:
    """The full text of an active course or job; None if it is gone."""
    if kind == "course":
        course = get_course(session, item_id)
        return course_details(course) if course is not None and course.active else None
    job = get_job(session, item_id)
    return job_details(job) if job is not None and job.active else None


def title_of(session: Session, *, kind: ItemKind, item_id: int) -> str | None:
    item = get_course(session, item_id) if kind == "course" else get_job(session, item_id)
    return item.title if item is not None and item.active else None

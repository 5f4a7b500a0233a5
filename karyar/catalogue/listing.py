"""What a client sees of the catalogue: a query from their profile, the list heading, cards and details."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Literal

from sqlalchemy.orm import Session

from karyar.catalogue.fit import Person
from karyar.catalogue.present import course_card, course_details, fit_lines, job_card, job_details
from karyar.catalogue.search import (
    CourseQuery,
    Item,
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
from karyar.eligibility.engine import fact
from karyar.eligibility.model import Profile
from karyar.facts import FACT_BY_NAME, SKIPPED
from karyar.members import Member, your_member
from karyar.policies import policies
from karyar.texts import _
from persian.format import format_number

ItemKind = Literal["course", "job"]
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


# Far results (not in the client's province, a neighbouring one or online) shown at most: one short page.
FAR_CAP = 5


def _known(value: str | None) -> str | None:
    return None if value in (None, SKIPPED) else value


def too_young(profile: Profile) -> str | None:
    """The policy's kind "not yet, from {min_age}" for a client below its minimum age; None otherwise."""
    age = fact(profile, "age")
    policy = policies().for_organisation(fact(profile, "organisation"))
    return policy.too_young if age is not None and age < policy.min_age else None


def search_for(
    session: Session, *, kind: ItemKind, profile: Profile, page: int
) -> SearchPage[Course] | SearchPage[JobOpening]:
    """Courses or jobs suited to what we know of the client, nearest first, far ones capped."""
    person = Person.of(profile)
    shared: dict[str, Any] = {
        "field": profile.fields[0] if profile.fields else None,
        "province": _known(profile.province),
        "city": _known(profile.city),
        "age": person.age,
        "gender": person.gender,
        "organisation": person.organisation,
        "target_groups": person.possible_groups(),
        "accessible_first": person.disability,
    }
    if kind == "course":
        found: SearchPage[Any] = search_courses(session, query=CourseQuery(**shared), page=page)
    else:
        found = search_jobs(session, query=JobQuery(**shared), page=page)
    return _capped(found) if _known(profile.city) or _known(profile.province) else found


def _capped(found: SearchPage[Item]) -> SearchPage[Item]:
    """At most FAR_CAP results from far provinces; the rest are counted, not listed."""
    far = found.counts.get(Nearness.ELSEWHERE, 0)
    left_off = max(0, far - FAR_CAP)
    if not left_off:
        return found
    total = found.total - left_off
    first = found.page * found.page_size
    return replace(found, hits=found.hits[: max(0, total - first)], total=total, left_off=left_off)


def heading(
    found: SearchPage[Course] | SearchPage[JobOpening],
    *,
    kind: ItemKind,
    profile: Profile,
    member: Member | None = None,
) -> str:
    """What the list is, in short lines: what is missing near the client first, then how many were found,
    where they are (city, province, neighbouring provinces, online, farther), and what fit depends on.
    For a family member (the profile is then theirs) the fit is said to be theirs."""
    person = Person.of(profile)
    noun = _("Catalogue: a course") if kind == "course" else _("Catalogue: a job")
    field = f"{noun} {found.fields[0]}" if found.fields else noun
    same_field = found.relaxation in (Relaxation.NONE, Relaxation.OTHER_AREAS)
    lines = _missing_nearby(found, profile, what=field if same_field else noun)
    if not same_field:
        lines.append(_("Catalogue list: field not found").format(field=field, noun=noun))
    unknown = person.unknown_facts()
    count, what = format_number(found.total + found.left_off), field if same_field else noun
    if unknown:
        lines.append(_("Catalogue list: found").format(count=count, field=what))
    elif member is not None:
        lines.append(
            _("Catalogue list: found for a member").format(
                count=count, field=what, member=your_member(member)
            )
        )
    else:
        lines.append(_("Catalogue list: found for you").format(count=count, field=what))
    lines += _where(found, profile)
    if nothing_near(found, profile) and not found.left_off:  # the far-ones line names the counsellor already
        lines.append(_("Catalogue list: a counsellor can help"))
    if person.disability:
        lines.append(_("Catalogue list: accessible first"))
    elif found.total > 1:
        lines.append(_("Catalogue list: nearest first"))
    if unknown:
        facts = _("Catalogue suits: and").join(_(FACT_BY_NAME[name].label_key) for name in unknown)
        lines.append(_("Catalogue list: fit depends on").format(facts=facts))
    return "\n".join(lines)


def nothing_near(found: SearchPage[Any], profile: Profile) -> bool:
    """Nothing in the client's city or province: a counsellor is offered with the list."""
    if not _known(profile.city) and not _known(profile.province):
        return False
    return not found.counts.get(Nearness.CITY) and not found.counts.get(Nearness.PROVINCE)


def _missing_nearby(found: SearchPage[Any], profile: Profile, *, what: str) -> list[str]:
    """Said first: the client's city or province has none of what they asked for."""
    in_city, in_province = found.counts.get(Nearness.CITY, 0), found.counts.get(Nearness.PROVINCE, 0)
    if in_city or (not _known(profile.city) and not _known(profile.province)):
        return []
    if in_province:
        return [_("Catalogue list: none in the city").format(what=what)] if _known(profile.city) else []
    if _known(profile.city):
        return [_("Catalogue list: none in the city or province").format(what=what)]
    return [_("Catalogue list: none in the province").format(what=what)]


_WHERE = (
    (Nearness.CITY, "Catalogue list: in your city"),
    (Nearness.PROVINCE, "Catalogue list: elsewhere in your province"),
    (Nearness.NEIGHBOUR, "Catalogue list: in neighbouring provinces"),
    (Nearness.ONLINE, "Catalogue list: online"),
    (Nearness.ELSEWHERE, "Catalogue list: in farther provinces"),
)
_IN_PROVINCE = "Catalogue list: in your province"


def _where(found: SearchPage[Any], profile: Profile) -> list[str]:
    """How many are at each distance, nearest first; nothing when we do not know where the client lives."""
    if not _known(profile.city) and not _known(profile.province):
        return []
    # With no city known, the province's items are not "in other cities" of it: they are in her province.
    keys = dict(_WHERE) if _known(profile.city) else {**dict(_WHERE), Nearness.PROVINCE: _IN_PROVINCE}
    lines = [
        _(key).format(count=format_number(found.counts[near]))
        for near, key in keys.items()
        if found.counts.get(near)
    ]
    if found.left_off:
        shown = format_number(found.counts[Nearness.ELSEWHERE] - found.left_off)
        lines.append(
            _("Catalogue list: far ones left off").format(shown=shown, left_off=format_number(found.left_off))
        )
    return lines


def card(item: Course | JobOpening, profile: Profile) -> str:
    """The item's card, and what its fit depends on when the client's facts do not settle it."""
    base = course_card(item) if isinstance(item, Course) else job_card(item)
    return "\n".join([base, *fit_lines(item, Person.of(profile))])


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

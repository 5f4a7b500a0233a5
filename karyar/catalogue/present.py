"""Courses and job openings as the client reads them: a short card in a list, and the full details."""

from __future__ import annotations

from karyar.catalogue import labels
from karyar.catalogue.fit import Person, is_heavy
from karyar.db.models import CatalogueItem, CatalogueMode, Course, JobOpening
from karyar.texts import _
from persian.format import (
    LIST_SEPARATOR,
    format_number,
    jalali_date,
    join_parts,
    mark_ltr_runs,
    persian_text,
    toman,
)


def course_card(course: Course) -> str:
    lines = [persian_text(course.title), persian_text(course.provider), _place(course)]
    lines.append(_("Catalogue card: start").format(date=jalali_date(course.starts_at)))
    if course.duration_hours:
        lines.append(_("Catalogue card: duration").format(hours=format_number(course.duration_hours)))
    lines.append(
        _("Catalogue card: free")
        if course.cost_toman == 0
        else _("Catalogue card: cost").format(cost=toman(course.cost_toman))
    )
    return "\n".join(lines)


def course_details(course: Course) -> str:
    level = labels.LEVEL.get(course.level, course.level)
    lines = [course_card(course), _("Catalogue card: level").format(level=level)]
    return "\n".join(lines + _shared_details(course))


def job_card(job: JobOpening) -> str:
    lines = [persian_text(job.title), persian_text(job.employer), _place(job)]
    employment_type = labels.EMPLOYMENT_TYPE.get(job.employment_type, job.employment_type)
    lines.append(_("Catalogue card: employment type").format(type=employment_type))
    lines.append(_("Catalogue card: wage").format(wage=_wage(job)))
    if job.closes_at is not None:
        lines.append(_("Catalogue card: deadline").format(date=jalali_date(job.closes_at)))
    return "\n".join(lines)


def job_details(job: JobOpening) -> str:
    return "\n".join([job_card(job), *_shared_details(job)])


def suits(item: CatalogueItem) -> str:
    """Who an item is for, in one line: «زنان، ۱۸ تا ۴۵ سال، مددجویان کمیته امداد»; «همه» if anyone."""
    parts = []
    if item.gender != "any":
        parts.append(labels.GENDER.get(item.gender, item.gender))
    if item.min_age is not None or item.max_age is not None:
        parts.append(_ages(item))
    parts += [labels.TARGET_GROUP.get(code, code) for code in item.target_groups]
    if item.organisations:
        names = _("Catalogue suits: and").join(
            labels.ORGANISATION.get(code, code) for code in item.organisations
        )
        parts.append(_("Catalogue suits: clients of").format(organisations=names))
    return LIST_SEPARATOR.join(parts) or _("Catalogue suits: anyone")


def fit_lines(item: CatalogueItem, person: Person) -> list[str]:
    """What an item's fit depends on that the client's facts leave open, and heavy work for a client with a
    disability: nothing when the item surely fits."""
    parts = []
    if gender := person.open_gender(item):
        parts.append(labels.GENDER.get(gender, gender))
    if person.open_ages(item):
        parts.append(_ages(item))
    groups = person.open_groups(item)
    if groups:
        parts.append(_("Catalogue suits: or").join(labels.TARGET_GROUP.get(code, code) for code in groups))
    if organisations := person.open_organisations(item):
        names = _("Catalogue suits: and").join(labels.ORGANISATION.get(code, code) for code in organisations)
        parts.append(_("Catalogue suits: clients of").format(organisations=names))
    lines = [_("Catalogue card: only for").format(who=LIST_SEPARATOR.join(parts))] if parts else []
    if person.disability and is_heavy(item):
        lines.append(_("Catalogue card: heavy work"))
    return lines


def _ages(item: CatalogueItem) -> str:
    if item.min_age is not None and item.max_age is not None:
        ages = _("Catalogue suits: ages between")
        return ages.format(minimum=format_number(item.min_age), maximum=format_number(item.max_age))
    if item.min_age is not None:
        return _("Catalogue suits: ages from").format(minimum=format_number(item.min_age))
    return _("Catalogue suits: ages up to").format(maximum=format_number(item.max_age or 0))


def _place(item: CatalogueItem) -> str:
    if item.mode == CatalogueMode.ONLINE:
        return labels.MODE[CatalogueMode.ONLINE]
    where = LIST_SEPARATOR.join(
        part
        for part in (
            item.city,
            item.province and _("Catalogue card: province").format(province=item.province),
        )
        if part
    )
    return join_parts([where, labels.MODE[CatalogueMode.IN_PERSON]])


def _wage(job: JobOpening) -> str:
    if job.wage_toman and job.wage_text:
        return f"{toman(job.wage_toman)} ({persian_text(job.wage_text)})"
    if job.wage_toman:
        return toman(job.wage_toman)
    return persian_text(job.wage_text) if job.wage_text else _("Catalogue card: wage by agreement")


def _shared_details(item: CatalogueItem) -> list[str]:
    lines = [_("Catalogue card: suits").format(who=suits(item))]
    if item.requirements:
        lines.append(_("Catalogue card: requirements").format(requirements=persian_text(item.requirements)))
    if item.contact:
        # Phone numbers stay as staff wrote them (Telegram makes Latin-digit numbers tappable), marked to read
        # left to right in the Persian line.
        lines.append(_("Catalogue card: contact").format(contact=mark_ltr_runs(item.contact)))
    return lines

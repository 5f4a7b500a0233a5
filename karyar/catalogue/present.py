"""Courses and job openings as the client reads them: a short card in a list, and the full details."""

from __future__ import annotations

from karyar.catalogue import labels
from karyar.db.models import CatalogueItem, CatalogueMode, Course, JobOpening
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
    lines.append(f"شروع: {jalali_date(course.starts_at)}")
    if course.duration_hours:
        lines.append(f"مدت: {format_number(course.duration_hours)} ساعت")
    lines.append("رایگان" if course.cost_toman == 0 else f"هزینه: {toman(course.cost_toman)}")
    return "\n".join(lines)


def course_details(course: Course) -> str:
    lines = [course_card(course), f"سطح آموزش: {labels.LEVEL.get(course.level, course.level)}"]
    return "\n".join(lines + _shared_details(course))


def job_card(job: JobOpening) -> str:
    lines = [persian_text(job.title), persian_text(job.employer), _place(job)]
    lines.append(f"نوع همکاری: {labels.EMPLOYMENT_TYPE.get(job.employment_type, job.employment_type)}")
    lines.append(f"حقوق: {_wage(job)}")
    if job.closes_at is not None:
        lines.append(f"مهلت: {jalali_date(job.closes_at)}")
    return "\n".join(lines)


def job_details(job: JobOpening) -> str:
    return "\n".join([job_card(job), *_shared_details(job)])


def suits(item: CatalogueItem) -> str:
    """Who an item is for, in one line: «زنان، ۱۸ تا ۴۵ سال، مددجویان کمیته امداد»; «همه» if anyone."""
    parts = []
    if item.gender != "any":
        parts.append(labels.GENDER.get(item.gender, item.gender))
    if item.min_age is not None and item.max_age is not None:
        parts.append(f"{format_number(item.min_age)} تا {format_number(item.max_age)} سال")
    elif item.min_age is not None:
        parts.append(f"از {format_number(item.min_age)} سال")
    elif item.max_age is not None:
        parts.append(f"تا {format_number(item.max_age)} سال")
    parts += [labels.TARGET_GROUP.get(code, code) for code in item.target_groups]
    if item.organisations:
        names = " و ".join(labels.ORGANISATION.get(code, code) for code in item.organisations)
        parts.append(f"مددجویان {names}")
    return LIST_SEPARATOR.join(parts) or "همه"


def _place(item: CatalogueItem) -> str:
    if item.mode == CatalogueMode.ONLINE:
        return labels.MODE[CatalogueMode.ONLINE]
    where = LIST_SEPARATOR.join(
        part for part in (item.city, item.province and f"استان {item.province}") if part
    )
    return join_parts([where, labels.MODE[CatalogueMode.IN_PERSON]])


def _wage(job: JobOpening) -> str:
    if job.wage_toman and job.wage_text:
        return f"{toman(job.wage_toman)} ({persian_text(job.wage_text)})"
    if job.wage_toman:
        return toman(job.wage_toman)
    return persian_text(job.wage_text) if job.wage_text else "توافقی"


def _shared_details(item: CatalogueItem) -> list[str]:
    lines = [f"مناسب برای: {suits(item)}"]
    if item.requirements:
        lines.append(f"شرایط: {persian_text(item.requirements)}")
    if item.contact:
        # Phone numbers stay as staff wrote them (Telegram makes Latin-digit numbers tappable), marked to read
        # left to right in the Persian line.
        lines.append(f"تماس: {mark_ltr_runs(item.contact)}")
    return lines

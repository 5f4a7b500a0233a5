"""An opening in Persian for staff (Telegram and the command line) and a short line for lists."""

from __future__ import annotations

from karyar.catalogue import labels
from karyar.db.models import OpeningStatus
from karyar.employers.views import OpeningView
from karyar.texts import _
from persian.format import LIST_SEPARATOR, format_number, jalali_date, persian_text, toman

STATUS: dict[str, str] = {
    OpeningStatus.PENDING: _("Opening status: pending"),
    OpeningStatus.APPROVED: _("Opening status: approved"),
    OpeningStatus.REJECTED: _("Opening status: rejected"),
    OpeningStatus.FILLED: _("Opening status: filled"),
    OpeningStatus.WITHDRAWN: _("Opening status: withdrawn"),
}


def card(opening: OpeningView) -> str:
    place = LIST_SEPARATOR.join(part for part in (opening.city, opening.province) if part)
    organisation = (
        labels.ORGANISATION.get(opening.organisation, opening.organisation)
        if opening.organisation
        else _("Opening card: any organisation")
    )
    hours = labels.EMPLOYMENT_TYPE.get(opening.hours, opening.hours)
    if opening.home_based:
        hours = LIST_SEPARATOR.join([hours, labels.EMPLOYMENT_TYPE["home_based"]])
    text = _("Opening card").format(
        number=format_number(opening.id),
        status=STATUS.get(opening.status, opening.status),
        title=persian_text(opening.title),
        field=opening.field,
        employer=persian_text(opening.business_name),
        sector=persian_text(opening.sector) if opening.sector else "—",
        place=place,
        organisation=organisation,
        positions=format_number(opening.positions),
        hours=hours,
        wage=wage(opening),
        insurance=_("Employer opening: insured") if opening.insured else _("Employer opening: not insured"),
        suits=labels.GENDER.get(opening.gender, opening.gender),
        min_age=format_number(opening.min_age) if opening.min_age is not None else "—",
        disability=_("Opening card: yes") if opening.suits_disability else _("Opening card: no"),
        requirements=persian_text(opening.requirements) if opening.requirements else "—",
        contact=opening.contact_masked or "—",
        created=jalali_date(opening.created_at),
        interested=format_number(opening.interested),
    )
    if opening.reject_reason:
        text += "\n" + _("Opening card: reject reason").format(reason=opening.reject_reason)
    return text


def wage(opening: OpeningView) -> str:
    low, high = opening.wage_min_toman, opening.wage_max_toman
    if low is not None and high is not None and low != high:
        return _("Opening card: wage range").format(low=toman(low), high=toman(high))
    if low is not None or high is not None:
        return toman(low if low is not None else high or 0)
    return _("Catalogue card: wage by agreement")


def line(opening: OpeningView) -> str:
    """«۱۲ — چرخ‌کار، تولیدی پوشاک نسیم (تهران)»: one opening in a list."""
    return _("Opening line").format(
        number=format_number(opening.id),
        title=persian_text(opening.title),
        employer=persian_text(opening.business_name),
        place=opening.city or opening.province,
    )

"""Report periods in the Jalali calendar, with Iran-time boundaries.

A period is [start, end) in UTC. Staff name one as they think of it: «این هفته», «این ماه», «ماه قبل»,
«امسال», a Jalali month «۱۴۰۵/۰۹», a Jalali year «۱۴۰۴», or two Jalali dates «۱۴۰۵/۰۹/۰۱ تا ۱۴۰۵/۰۹/۱۵»
(both days included). Weeks start on Saturday, as Iranian calendars do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import jdatetime

from karyar.clock import now
from karyar.reports.words import request_words
from karyar.texts import _
from persian.format import IRAN_TIME, persian_text, typed_digits_and_spaces

MONTHS = jdatetime.date.j_months_fa
_DATE = r"(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})"


class PeriodError(ValueError):
    """The text names no period; the message says, in Persian, what is accepted."""


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive
    label: str  # Persian, as a heading says it
    jalali_year: int  # the Jalali year the period starts in: yearly targets are of this year

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    @property
    def year_start(self) -> datetime:
        return _midnight(jdatetime.date(self.jalali_year, 1, 1))


def _midnight(day: jdatetime.date) -> datetime:
    """The UTC moment an Iran day begins."""
    return datetime.combine(day.togregorian(), time(), tzinfo=IRAN_TIME).astimezone(UTC)


def jalali_day(moment: datetime) -> jdatetime.date:
    """The Iran day a UTC moment falls on."""
    return jdatetime.date.fromgregorian(date=moment.astimezone(IRAN_TIME).date())


def _today(moment: datetime | None) -> jdatetime.date:
    return jalali_day(moment or now())


def _day_label(day: jdatetime.date, *, with_year: bool = True) -> str:
    text = f"{day.day} {MONTHS[day.month - 1]}" + (f" {day.year}" if with_year else "")
    return persian_text(text)


def month(year: int, month_number: int) -> Period:
    if not 1 <= month_number <= 12:
        raise PeriodError(_("Report period: no such month").format(month=persian_text(str(month_number))))
    first = jdatetime.date(year, month_number, 1)
    following = jdatetime.date(year + (month_number == 12), month_number % 12 + 1, 1)
    label = persian_text(f"{MONTHS[month_number - 1]} {year}")
    return Period(start=_midnight(first), end=_midnight(following), label=label, jalali_year=year)


def year(year_number: int) -> Period:
    start, end = jdatetime.date(year_number, 1, 1), jdatetime.date(year_number + 1, 1, 1)
    label = persian_text(_("Report period: year").format(year=year_number))
    return Period(start=_midnight(start), end=_midnight(end), label=label, jalali_year=year_number)


def days(first: jdatetime.date, last: jdatetime.date) -> Period:
    """From the start of `first` to the end of `last`, both Iran days."""
    if last < first:
        raise PeriodError(_("Report period: end before start"))
    label = (
        _day_label(first)
        if first == last
        else _("Report period: from to").format(
            first=_day_label(first, with_year=first.year != last.year), last=_day_label(last)
        )
    )
    return Period(
        start=_midnight(first), end=_midnight(last + timedelta(days=1)), label=label, jalali_year=first.year
    )


def week_of(day: jdatetime.date) -> Period:
    """The Saturday-to-Friday week holding `day`."""
    saturday = day - timedelta(days=day.weekday())  # jdatetime counts weekdays from Saturday
    period = days(saturday, saturday + timedelta(days=6))
    label = _("Report period: week").format(days=period.label)
    return Period(period.start, period.end, label, period.jalali_year)


def spanning(first: jdatetime.date, last: jdatetime.date) -> Period:
    """The period of these whole days, named as a month, year or week when it is one."""
    following = last + timedelta(days=1)
    if first.day == 1 and following.day == 1:
        if first.month == 1 and following.month == 1 and following.year == first.year + 1:
            return year(first.year)
        if (following.year * 12 + following.month) - (first.year * 12 + first.month) == 1:
            return month(first.year, first.month)
    if first.weekday() == 0 and (last - first).days == 6:
        return week_of(first)
    return days(first, last)


def _jalali_date(year_text: str, month_text: str, day_text: str) -> jdatetime.date:
    try:
        return jdatetime.date(int(year_text), int(month_text), int(day_text))
    except ValueError:
        date = persian_text(f"{year_text}/{month_text}/{day_text}")
        raise PeriodError(_("Report period: no such date").format(date=date)) from None


def parse(text: str, *, today: datetime | None = None) -> Period:
    """The period a staff member named; an empty text is this month."""
    cleaned = " ".join(typed_digits_and_spaces(text).split()).lower()
    current = _today(today)
    words = request_words()
    named = next((name for name, names in words.periods.items() if cleaned in names), None)
    if not cleaned or named == "month":
        return month(current.year, current.month)
    if named == "week":
        return week_of(current)
    if named == "last-week":
        return week_of(current - timedelta(days=7))
    if named == "last-month":
        return month(current.year - (current.month == 1), (current.month - 2) % 12 + 1)
    if named == "year":
        return year(current.year)
    if named == "last-year":
        return year(current.year - 1)
    between = "|".join(re.escape(word) for word in words.range_words)
    if match := re.fullmatch(rf"{_DATE}\s*(?:{between})\s*{_DATE}", cleaned):
        parts = match.groups()
        return days(_jalali_date(*parts[:3]), _jalali_date(*parts[3:]))
    if match := re.fullmatch(_DATE, cleaned):
        day = _jalali_date(*match.groups())
        return days(day, day)
    if match := re.fullmatch(r"(\d{4})\s*[/\-.]\s*(\d{1,2})", cleaned):
        return month(_plausible_year(match.group(1)), int(match.group(2)))
    if match := re.fullmatch(r"(\d{4})", cleaned):
        return year(_plausible_year(match.group(1)))
    raise PeriodError(_("Report period: not understood"))


def _plausible_year(text: str) -> int:
    value = int(text)
    if not 1300 <= value <= 1500:
        raise PeriodError(_("Report period: not a Jalali year").format(year=persian_text(text)))
    return value


def weeks(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The Saturday-to-Friday weeks that cover [start, end), each cut to it."""
    first = week_of(jalali_day(start)).start
    bounds = []
    cursor = first
    while cursor < end:
        following = _midnight(_today(cursor) + timedelta(days=7))
        bounds.append((max(cursor, start), min(following, end)))
        cursor = following
    return bounds


def week_label(moment: datetime) -> str:
    """A week's tick label: the Iran day it starts on, «۸ آذر»."""
    return _day_label(_today(moment), with_year=False)

"""Report periods in the Jalali calendar: Iran-time boundaries, month ends, leap years, weeks from
Saturday, the named periods staff write, and the Persian explanations of what cannot be read."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import jdatetime
import pytest

from karyar.reports import periods
from karyar.reports.periods import PeriodError

# Thursday 12 Azar 1405, in the afternoon in Tehran.
TODAY = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_a_month_runs_from_iran_midnight_to_iran_midnight() -> None:
    azar = periods.parse("1405/09")
    # 1 Azar 1405 is 22 November 2026; Iran midnight is 20:30 UTC the evening before.
    assert (azar.start, azar.end) == (_utc(2026, 11, 21, 20, 30), _utc(2026, 12, 21, 20, 30))
    assert azar.label == "آذر ۱۴۰۵"
    assert azar.contains(_utc(2026, 11, 21, 20, 30)) and not azar.contains(_utc(2026, 12, 21, 20, 30))
    assert not azar.contains(_utc(2026, 11, 21, 20, 29, 59))


@pytest.mark.parametrize(
    ("text", "days"),
    [("1403/12", 30), ("1404/12", 29), ("1405/06", 31), ("1405/07", 30), ("1408/12", 30)],
)
def test_esfand_has_thirty_days_only_in_leap_years(text: str, days: int) -> None:
    period = periods.parse(text)
    assert (period.end - period.start).days == days


def test_the_last_day_of_a_leap_esfand_exists_and_a_common_one_does_not() -> None:
    assert periods.parse("1403/12/30").end == periods.parse("1404").start  # Nowruz 1404
    with pytest.raises(PeriodError, match="در تقویم نیست"):
        periods.parse("1404/12/30")


def test_a_year_starts_at_nowruz_and_a_leap_year_has_366_days() -> None:
    year = periods.parse("۱۴۰۵")
    assert year.start == _utc(2026, 3, 20, 20, 30) and year.label == "سال ۱۴۰۵"
    assert (year.end - year.start).days == 365
    assert (periods.parse("1403").end - periods.parse("1403").start).days == 366


def test_named_periods_are_relative_to_today() -> None:
    assert periods.parse("", today=TODAY).label == "آذر ۱۴۰۵"
    assert periods.parse("این ماه", today=TODAY).label == "آذر ۱۴۰۵"
    assert periods.parse("ماه قبل", today=TODAY).label == "آبان ۱۴۰۵"
    assert periods.parse("امسال", today=TODAY).label == "سال ۱۴۰۵"
    assert periods.parse("پارسال", today=TODAY).label == "سال ۱۴۰۴"
    farvardin = datetime(2026, 4, 1, tzinfo=UTC)
    assert periods.parse("last-month", today=farvardin).label == "اسفند ۱۴۰۴"


def test_a_week_runs_saturday_to_friday() -> None:
    week = periods.parse("این هفته", today=TODAY)
    first, last = periods.jalali_day(week.start), periods.jalali_day(week.end)
    assert first == jdatetime.date(1405, 9, 7) and first.weekday() == 0  # Saturday
    assert last == jdatetime.date(1405, 9, 14)  # the next Saturday: the week ends with Friday
    assert periods.parse("هفته قبل", today=TODAY).end == week.start


def test_custom_dates_include_both_days_in_any_digits() -> None:
    period = periods.parse("۱۴۰۵/۰۸/۰۱ تا ۱۴۰۵/۰۸/۱۵")
    assert periods.jalali_day(period.start) == jdatetime.date(1405, 8, 1)
    assert periods.jalali_day(period.end) == jdatetime.date(1405, 8, 16)
    assert period.label == "۱ آبان تا ۱۵ آبان ۱۴۰۵"
    across = periods.parse("1404/12/20 - 1405/01/10")
    assert across.label == "۲۰ اسفند ۱۴۰۴ تا ۱۰ فروردین ۱۴۰۵" and across.jalali_year == 1404


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("1405/13", "ماه ۱۳ نداریم"),
        ("1405/09/15 تا 1405/09/01", "پیش از تاریخ آغاز"),
        ("2026", "سال شمسی نیست"),
        ("دیروز و فردا", "دوره را نشناختم"),
    ],
)
def test_what_cannot_be_read_is_explained_in_persian(text: str, says: str) -> None:
    with pytest.raises(PeriodError, match=says):
        periods.parse(text)


@pytest.mark.parametrize("text", ["1405/09", "1404", "1405/09/08 تا 1405/09/14", "1405/09/03 تا 1405/09/20"])
def test_a_period_is_named_again_from_its_days(text: str) -> None:
    period = periods.parse(text)
    last = periods.jalali_day(period.end) - jdatetime.timedelta(days=1)
    again = periods.spanning(periods.jalali_day(period.start), last)
    assert (again.start, again.end) == (period.start, period.end)
    assert again.label == period.label or again.label == f"هفته‌ی {period.label}"


def test_weeks_cover_a_month_cut_to_it() -> None:
    azar = periods.parse("1405/09")
    weeks = periods.weeks(azar.start, azar.end)
    assert weeks[0][0] == azar.start and weeks[-1][1] == azar.end
    assert all(end == following for (_, end), (following, _) in itertools.pairwise(weeks))
    assert all(periods.jalali_day(start).weekday() == 0 for start, _ in weeks[1:])

"""Office hours: when counsellors work (Tehran time, Fridays and holidays off), working-time arithmetic,
counsellors' own hours, the Persian text clients read, and a bad calendar file refused with file:line."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import jdatetime
import pytest

from karyar import office_hours
from karyar.office_hours import (
    OfficeCalendar,
    OfficeCalendarError,
    PersonalHours,
    add_working_time,
    closes_at,
    describe_moment,
    holiday_name,
    is_open,
    load_office_calendar,
    next_opening,
    office_calendar,
    on_duty,
    working_seconds_between,
)
from karyar.settings import ConfigurationError

TEHRAN = ZoneInfo("Asia/Tehran")
HOUR = 3600.0


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Jalali date and a Tehran wall-clock time."""
    gregorian = jdatetime.date(year, month, day).togregorian()
    return datetime(gregorian.year, gregorian.month, gregorian.day, hour, minute, tzinfo=TEHRAN)


def jday(year: int, month: int, day_of_month: int) -> date:
    """The Gregorian date of a Jalali one."""
    return jdatetime.date(year, month, day_of_month).togregorian()


# One week of Azar 1405 (25 to 29 November 2026), with no holiday in it.
WEDNESDAY = (1405, 9, 4)
THURSDAY = (1405, 9, 5)
FRIDAY = (1405, 9, 6)
SATURDAY = (1405, 9, 7)
SUNDAY = (1405, 9, 8)


def test_the_week_used_here_is_the_real_one() -> None:
    days = (WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY)
    assert [jday(*d).strftime("%A") for d in days] == [
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]


# The shipped calendar


def test_the_shipped_calendar_loads_with_the_default_hours() -> None:
    calendar = office_calendar()
    assert calendar is office_calendar()
    assert calendar.timezone.key == "Asia/Tehran"
    assert str(calendar.office_hours) == "sat-wed 08:00-14:00, thu 08:00-12:00"
    assert calendar.office_hours.describe() == "شنبه تا چهارشنبه ۸ تا ۱۴، پنج‌شنبه ۸ تا ۱۲"


@pytest.mark.parametrize("year", [1405, 1406])
def test_the_solar_holidays_of_both_years_are_listed(year: int) -> None:
    for month, day_of_month, name in [
        (1, 1, "نوروز"),
        (1, 2, "نوروز"),
        (1, 3, "نوروز"),
        (1, 4, "نوروز"),
        (1, 12, "روز جمهوری اسلامی"),
        (1, 13, "روز طبیعت"),
        (3, 14, "رحلت امام خمینی"),
        (3, 15, "قیام ۱۵ خرداد"),
        (11, 22, "پیروزی انقلاب اسلامی"),
        (12, 29, "ملی شدن صنعت نفت"),
    ]:
        assert name in (holiday_name(jday(year, month, day_of_month)) or ""), (month, day_of_month)


@pytest.mark.parametrize("year", [1405, 1406])
def test_the_lunar_holidays_of_both_years_are_listed(year: int) -> None:
    names = " ".join(
        name
        for holiday, name in office_calendar().holidays.items()
        if jday(year, 1, 1) <= holiday < jday(year + 1, 1, 1)
    )
    for name in [
        "تاسوعا",
        "عاشورا",
        "اربعین",
        "شهادت امام رضا",
        "مبعث",
        "ولادت امام زمان",
        "عید فطر",
        "عید غدیر",
    ]:
        assert name in names


def test_coinciding_holidays_share_one_line() -> None:
    assert holiday_name(jday(1405, 1, 1)) == "نوروز و عید فطر"


# Open or closed


def test_open_on_a_weekday_morning() -> None:
    assert is_open(at(*SATURDAY, 8))
    assert is_open(at(*WEDNESDAY, 13, 59))
    assert not is_open(at(*WEDNESDAY, 14))  # a period ends just before its end
    assert not is_open(at(*SATURDAY, 7, 59))


def test_friday_is_closed() -> None:
    assert not is_open(at(*FRIDAY, 10))
    assert holiday_name(jday(*FRIDAY)) is None  # closed by the week, not a holiday


def test_thursday_afternoon_is_closed() -> None:
    assert is_open(at(*THURSDAY, 11, 59))
    assert not is_open(at(*THURSDAY, 12))
    assert not is_open(at(*THURSDAY, 13))


def test_a_public_holiday_is_closed_and_named() -> None:
    bahman_22 = at(1405, 11, 22, 10)
    assert bahman_22.date() == date(2027, 2, 11)
    assert not is_open(bahman_22)
    assert holiday_name(bahman_22.date()) == "پیروزی انقلاب اسلامی"
    assert holiday_name(jday(*SATURDAY)) is None


def test_nowruz_is_closed_and_the_day_after_is_open() -> None:
    for day_of_month in (1, 2, 3, 4):
        assert not is_open(at(1406, 1, day_of_month, 10))
        assert holiday_name(jday(1406, 1, day_of_month)) == "نوروز"
    assert is_open(at(1406, 1, 5, 10))  # a Thursday morning


def test_moments_are_read_in_tehran_time_whatever_their_timezone() -> None:
    # Saturday 7 Azar 1405 = 28 November 2026; Tehran is UTC+03:30.
    assert not is_open(datetime(2026, 11, 28, 4, 29, tzinfo=UTC))  # 07:59 in Tehran
    assert is_open(datetime(2026, 11, 28, 4, 30, tzinfo=UTC))  # 08:00
    assert is_open(datetime(2026, 11, 28, 10, 29, 59, tzinfo=UTC))  # 13:59:59
    assert not is_open(datetime(2026, 11, 28, 10, 30, tzinfo=UTC))  # 14:00
    assert is_open(datetime(2026, 11, 28, 11, 0, tzinfo=timezone(timedelta(hours=5))))  # 06:00 UTC = 09:30


def test_closes_at_gives_the_end_of_the_current_period() -> None:
    assert closes_at(at(*SATURDAY, 10)) == at(*SATURDAY, 14)
    assert closes_at(at(*THURSDAY, 9)) == at(*THURSDAY, 12)
    assert closes_at(datetime(2026, 11, 28, 5, 0, tzinfo=UTC)) == at(*SATURDAY, 14)
    assert closes_at(at(*SATURDAY, 14)) is None
    assert closes_at(at(*FRIDAY, 10)) is None


# The next opening


def test_next_opening_while_open_is_the_moment_itself() -> None:
    moment = datetime(2026, 11, 28, 6, 15, tzinfo=UTC)
    assert next_opening(moment) == moment
    assert next_opening(moment).tzinfo == TEHRAN


def test_next_opening_at_night_is_the_next_morning() -> None:
    assert next_opening(at(*SATURDAY, 20)) == at(*SUNDAY, 8)
    assert next_opening(at(*SUNDAY, 3)) == at(*SUNDAY, 8)


def test_next_opening_skips_the_weekend() -> None:
    assert next_opening(at(*THURSDAY, 12)) == at(*SATURDAY, 8)
    assert next_opening(at(*FRIDAY, 23, 59)) == at(*SATURDAY, 8)


def test_next_opening_skips_nowruz() -> None:
    # Thursday 27 Esfand, then Friday, oil nationalisation day (29 Esfand) and the four days of Nowruz.
    assert next_opening(at(1405, 12, 27, 12, 30)) == at(1406, 1, 5, 8)


def test_next_opening_skips_a_closure(tmp_path: Path) -> None:
    calendar = load_office_calendar(write(tmp_path, VALID))
    assert calendar.holiday_name(jday(1405, 9, 15)) == "تعطیلی به دلیل آلودگی هوا"
    assert calendar.next_opening(at(1405, 9, 14, 20)) == at(1405, 9, 16, 8)


# Working time


def test_working_time_across_a_night() -> None:
    assert working_seconds_between(at(*SATURDAY, 13), at(*SUNDAY, 9)) == 2 * HOUR


def test_working_time_across_a_friday() -> None:
    assert working_seconds_between(at(*THURSDAY, 11), at(*SATURDAY, 9)) == 2 * HOUR
    # The same in UTC: Thursday 07:30 UTC is 11:00 in Tehran.
    assert working_seconds_between(datetime(2026, 11, 26, 7, 30, tzinfo=UTC), at(*SATURDAY, 9)) == 2 * HOUR


def test_working_time_counts_nothing_outside_office_hours() -> None:
    assert working_seconds_between(at(*THURSDAY, 12), at(*SATURDAY, 8)) == 0
    assert working_seconds_between(at(*SATURDAY, 10), at(*SATURDAY, 9)) == 0
    assert working_seconds_between(at(1406, 1, 1), at(1406, 1, 5)) == 0


def test_a_whole_week_of_working_time() -> None:
    assert working_seconds_between(at(*SATURDAY), at(1405, 9, 14)) == (5 * 6 + 4) * HOUR


def test_add_working_time_waits_for_the_office_to_open() -> None:
    ten_minutes = 600
    assert add_working_time(at(*WEDNESDAY, 13, 55), ten_minutes) == at(*THURSDAY, 8, 5)
    assert add_working_time(at(*THURSDAY, 11, 55), ten_minutes) == at(*SATURDAY, 8, 5)
    assert add_working_time(at(*SATURDAY, 22), ten_minutes) == at(*SUNDAY, 8, 10)
    assert add_working_time(at(*SATURDAY, 13, 50), ten_minutes) == at(*SATURDAY, 14)
    assert add_working_time(at(*SATURDAY, 22), 0) == at(*SATURDAY, 22)


def test_add_working_time_refuses_negative_time() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_time(at(*SATURDAY, 10), -1)


ZONES = [UTC, TEHRAN, timezone(timedelta(hours=5, minutes=45)), ZoneInfo("America/New_York")]


def random_cases(count: int) -> list[tuple[datetime, float]]:
    """Start moments over both years of holidays, in several timezones, and spans up to two working weeks."""
    rng = random.Random(1405)
    first, last = at(1405, 1, 1).timestamp(), at(1406, 12, 1).timestamp()
    cases = []
    for _ in range(count):
        start = datetime.fromtimestamp(rng.uniform(first, last), tz=rng.choice(ZONES))
        seconds = rng.choice([rng.uniform(0, 600), rng.uniform(0, 6 * HOUR), rng.uniform(0, 68 * HOUR)])
        cases.append((start, round(seconds, 3)))
    return cases


@pytest.mark.parametrize(("start", "seconds"), random_cases(300))
def test_add_working_time_is_the_inverse_of_working_seconds_between(start: datetime, seconds: float) -> None:
    end = add_working_time(start, seconds)
    assert working_seconds_between(start, end) == pytest.approx(seconds, abs=1e-5)
    if seconds:  # and it is the earliest such moment: the office was open just before it
        assert is_open(end - timedelta(microseconds=1))


# Counsellors' own hours


@pytest.mark.parametrize(
    ("spec", "canonical", "persian"),
    [
        ("sat-wed 08:00-14:00, thu 08:00-12:00", "sat-wed 08:00-14:00, thu 08:00-12:00",
         "شنبه تا چهارشنبه ۸ تا ۱۴، پنج‌شنبه ۸ تا ۱۲"),
        ("شنبه-چهارشنبه ۸-۱۴", "sat-wed 08:00-14:00", "شنبه تا چهارشنبه ۸ تا ۱۴"),
        ("شنبه تا سه شنبه از ساعت ۹:۳۰ تا ۱۳، پنجشنبه ۸ تا ۱۰", "sat-tue 09:30-13:00, thu 08:00-10:00",
         "شنبه تا سه‌شنبه ۹:۳۰ تا ۱۳، پنج‌شنبه ۸ تا ۱۰"),
        ("Sunday 10-12 14:00-16:00; TUE 8 - 9", "sun 10:00-12:00 14:00-16:00, tue 08:00-09:00",
         "یک‌شنبه ۱۰ تا ۱۲ و ۱۴ تا ۱۶، سه‌شنبه ۸ تا ۹"),
        ("يكشنبه ٨–١٢", "sun 08:00-12:00", "یک‌شنبه ۸ تا ۱۲"),  # Arabic letters and digits, an en dash
        ("sat 8-12, sun 8-12, mon 9-12", "sat-sun 08:00-12:00, mon 09:00-12:00",
         "شنبه و یک‌شنبه ۸ تا ۱۲، دوشنبه ۹ تا ۱۲"),
        ("wed 13:15-14", "wed 13:15-14:00", "چهارشنبه ۱۳:۱۵ تا ۱۴"),
    ],
    ids=["english", "persian", "persian with words", "several ranges", "arabic spelling", "grouped", "minutes"],
)  # fmt: skip
def test_personal_hours_are_read_in_either_language(spec: str, canonical: str, persian: str) -> None:
    hours = PersonalHours.parse(spec)
    assert hours is not None
    assert str(hours) == canonical
    assert hours.describe() == persian
    assert PersonalHours.parse(str(hours)) == hours


@pytest.mark.parametrize("spec", [None, "", "   "])
def test_no_personal_hours_means_the_office_hours(spec: str | None) -> None:
    assert PersonalHours.parse(spec) is None


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("weekdays 8-14", "'weekdays' is not a day of the week"),
        ("sat", "no hours after 'sat'"),
        ("sat 8-25", "'25' is not a time of day"),
        ("sat 8:75-9", "'8:75' is not a time of day"),
        ("sat 14-8", "14:00-08:00 ends before it starts"),
        ("wed-sat 8-12", "wednesday-saturday runs backwards"),
        ("sat-mon 8-12, sun 9-10", "sunday is given twice"),
        ("sat 8-12 11-13", "08:00-12:00 and 11:00-13:00 overlap"),
        ("sat 8 12", "cannot read"),
        ("sat 8-12,,", "a part between commas is empty"),
    ],
)
def test_a_bad_spec_says_what_is_wrong_and_what_is_expected(spec: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        PersonalHours.parse(spec)
    message = str(caught.value)
    assert reason in message
    assert 'e.g. "sat-wed 08:00-14:00, thu 08:00-12:00"' in message


def test_on_duty_needs_the_office_open_and_the_counsellors_own_hours() -> None:
    mornings = PersonalHours.parse("sat-mon 10-12, fri 8-12")
    assert on_duty(at(*SATURDAY, 11), mornings)
    assert not on_duty(at(*SATURDAY, 9), mornings)  # office open, counsellor not yet
    assert not on_duty(at(*WEDNESDAY, 11), mornings)
    assert not on_duty(at(*FRIDAY, 10), mornings)  # their hours, but the office is closed
    assert not on_duty(at(1405, 11, 22, 11), mornings)  # a holiday: always off
    assert on_duty(datetime(2026, 11, 28, 7, 0, tzinfo=UTC), mornings)  # 10:30 in Tehran


def test_on_duty_without_personal_hours_follows_the_office() -> None:
    assert on_duty(at(*THURSDAY, 9), None)
    assert not on_duty(at(*THURSDAY, 13), None)


# What clients read


def test_describe_moment_today_and_tomorrow() -> None:
    assert describe_moment(at(*SATURDAY, 8), now=at(*SATURDAY, 6)) == "امروز ساعت ۸ صبح"
    assert describe_moment(at(*SUNDAY, 8), now=at(*SATURDAY, 22)) == "فردا ساعت ۸ صبح"
    assert describe_moment(at(*SATURDAY, 13, 30), now=at(*SATURDAY, 6)) == "امروز ساعت ۱۳:۳۰"
    assert describe_moment(at(*SATURDAY, 14), now=at(*SATURDAY, 6)) == "امروز ساعت ۱۴"
    assert describe_moment(at(*SATURDAY, 9, 5), now=at(*SATURDAY, 6)) == "امروز ساعت ۹:۰۵ صبح"


def test_describe_moment_names_the_day_when_it_is_further() -> None:
    thursday_night = at(*THURSDAY, 20)
    assert describe_moment(next_opening(thursday_night), now=thursday_night) == "شنبه ۷ آذر، ساعت ۸ صبح"


def test_describe_moment_adds_the_year_when_it_is_another() -> None:
    before_nowruz = at(1405, 12, 27, 12, 30)
    assert (
        describe_moment(next_opening(before_nowruz), now=before_nowruz)
        == "پنج‌شنبه ۵ فروردین ۱۴۰۶، ساعت ۸ صبح"
    )


def test_describe_moment_uses_tehran_days_for_utc_moments() -> None:
    # 21:00 UTC on Friday is 00:30 on Saturday in Tehran: Saturday 08:00 is «today».
    friday_night_utc = datetime(2026, 11, 27, 21, 0, tzinfo=UTC)
    assert (
        describe_moment(datetime(2026, 11, 28, 4, 30, tzinfo=UTC), now=friday_night_utc) == "امروز ساعت ۸ صبح"
    )


def test_describe_moment_is_relative_to_the_clock_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("karyar.clock.now", lambda: datetime(2026, 11, 27, 12, 0, tzinfo=UTC))  # Friday
    assert describe_moment(at(*SATURDAY, 8)) == "فردا ساعت ۸ صبح"


@pytest.mark.parametrize(
    "call",
    [
        lambda naive: is_open(naive),
        lambda naive: next_opening(naive),
        lambda naive: closes_at(naive),
        lambda naive: working_seconds_between(naive, at(*SATURDAY, 9)),
        lambda naive: working_seconds_between(at(*SATURDAY, 9), naive),
        lambda naive: add_working_time(naive, 60),
        lambda naive: on_duty(naive, None),
        lambda naive: describe_moment(naive, now=at(*SATURDAY, 9)),
        lambda naive: describe_moment(at(*SATURDAY, 9), now=naive),
    ],
)
def test_a_naive_datetime_is_refused(call: Callable[[datetime], object]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        call(datetime(2026, 11, 28, 10, 0))


# A calendar file staff broke

VALID = """\
timezone: Asia/Tehran
office_hours:
  saturday: "08:00-14:00"
  sunday: "08:00-14:00"
  monday: "08:00-14:00"
  tuesday: "08:00-14:00"
  wednesday: "08:00-14:00"
  thursday: "08:00-12:00"
  friday: closed
holidays:
  - {date: 1405/11/22, name: پیروزی انقلاب اسلامی}
  - {date: ۱۴۰۵/۱۲/۲۹, name: ملی شدن صنعت نفت}
closures:
  - {date: 1405/09/15, name: تعطیلی به دلیل آلودگی هوا}
"""


def write(directory: Path, text: str) -> Path:
    path = directory / "office_calendar.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file_loads(tmp_path: Path) -> None:
    calendar = load_office_calendar(write(tmp_path, VALID))
    assert isinstance(calendar, OfficeCalendar)
    assert calendar.holidays == {
        date(2027, 2, 11): "پیروزی انقلاب اسلامی",
        date(2027, 3, 20): "ملی شدن صنعت نفت",
    }
    assert str(calendar.office_hours) == str(office_calendar().office_hours)


def test_closures_may_be_left_empty(tmp_path: Path) -> None:
    text = VALID[: VALID.index("closures:")] + "closures:\n  # none yet\n"
    assert load_office_calendar(write(tmp_path, text)).closures == {}


def test_split_office_hours(tmp_path: Path) -> None:
    text = VALID.replace('saturday: "08:00-14:00"', 'saturday: "08:00-12:00, 13:00-15:30"')
    calendar = load_office_calendar(write(tmp_path, text))
    assert calendar.is_open(at(*SATURDAY, 15)) and not calendar.is_open(at(*SATURDAY, 12, 30))
    assert calendar.closes_at(at(*SATURDAY, 9)) == at(*SATURDAY, 12)
    assert calendar.next_opening(at(*SATURDAY, 12)) == at(*SATURDAY, 13)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  thursday:", "  thurday:", "office_hours.thurday: unknown weekday (expected saturday, sunday,"),
        ('saturday: "08:00-14:00"', 'saturday: "08:00-25:00"', "office_hours.saturday: '25:00' is not a time of day"),
        ('thursday: "08:00-12:00"', 'thursday: "12:00-08:00"',
         "office_hours.thursday: 12:00-08:00 ends before it starts"),
        ('sunday: "08:00-14:00"', 'sunday: "08:00-12:00, 11:00-14:00"',
         "office_hours.sunday: 08:00-12:00 and 11:00-14:00 overlap"),
        ("friday: closed", "friday: 8", "office_hours.friday: expected closed or hours"),
        ("1405/11/22", "1405/12/30", "holidays[0].date: 1405/12/30 is not a valid Jalali date"),
        ("1405/11/22", "1405/13/01", "holidays[0].date: 1405/13/01 is not a valid Jalali date"),
        ("1405/11/22", "1405-11-22", "holidays[0].date: '1405-11-22' is not a Jalali date written YYYY/MM/DD"),
        ("name: پیروزی انقلاب اسلامی}", "nam: پیروزی انقلاب اسلامی}",
         "holidays[0]: expected {date: YYYY/MM/DD, name: …} and nothing else"),
        ("1405/09/15", "1405/11/22", "closures[0].date: 1405/11/22 is listed twice (also on line 11)"),
        ("۱۴۰۵/۱۲/۲۹", "1405/11/22", "holidays[1].date: 1405/11/22 is listed twice (also on line 11)"),
        ("Asia/Tehran", "Asia/Tehrn", "timezone: unknown timezone 'Asia/Tehrn'"),
        ("closures:", "closure:", "closure: unknown key (expected timezone, office_hours, holidays, closures)"),
        ("friday: closed", "friday: closed: yes", "YAML syntax: mapping values are not allowed here"),
    ],
    ids=["bad weekday", "bad time", "end before start", "overlap", "not hours", "no such day", "no such month",
         "gregorian dashes", "misspelt name", "duplicate across lists", "duplicate holiday", "bad timezone",
         "unknown key", "yaml syntax"],
)  # fmt: skip
def test_a_bad_file_names_the_file_line_and_reason(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert VALID.count(old) == 1, old
    text = VALID.replace(old, new)
    line = text[: text.rindex(new)].count("\n") + 1  # the last: a duplicate comes after the original
    with pytest.raises(OfficeCalendarError) as caught:
        load_office_calendar(write(tmp_path, text))
    assert str(caught.value).startswith(f"{tmp_path / 'office_calendar.yml'}:{line}: {message}")


@pytest.mark.parametrize(
    ("old", "message"),
    [
        ("  friday: closed\n", "office_hours: friday is missing (write 'friday: closed' for a day off)"),
        ("timezone: Asia/Tehran\n", "office calendar: timezone is missing"),
    ],
)
def test_a_missing_entry_is_named(tmp_path: Path, old: str, message: str) -> None:
    text = VALID.replace(old, "")
    with pytest.raises(OfficeCalendarError, match="^" + str(tmp_path)) as caught:
        load_office_calendar(write(tmp_path, text))
    assert message in str(caught.value)


def test_a_week_without_office_hours_is_refused(tmp_path: Path) -> None:
    text = VALID
    for hours in ('"08:00-14:00"', '"08:00-12:00"'):
        text = text.replace(hours, "closed")
    with pytest.raises(OfficeCalendarError, match=":2: office_hours: every day is closed"):
        load_office_calendar(write(tmp_path, text))


def test_a_calendar_error_is_a_one_line_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_office_calendar(write(tmp_path, VALID.replace("1405/11/22", "1405/12/30")))
    assert "\n" not in str(caught.value)


def test_a_missing_file_is_a_calendar_error(tmp_path: Path) -> None:
    with pytest.raises(OfficeCalendarError, match="cannot be read"):
        load_office_calendar(tmp_path / "absent.yml")


def test_the_shipped_file_can_be_loaded_by_its_path() -> None:
    assert office_hours.CALENDAR_FILE.name == "office_calendar.yml"
    assert load_office_calendar(office_hours.CALENDAR_FILE) == office_calendar()

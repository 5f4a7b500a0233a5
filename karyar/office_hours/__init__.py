"""When human counsellors work, by the office calendar staff edit (karyar/reference/office_calendar.yml).

The functions here use the shipped calendar; each takes timezone-aware datetimes in any timezone (a naive
one raises ValueError) and answers in the office's timezone (Tehran).
"""

from __future__ import annotations

from datetime import date, datetime

from karyar.office_hours.calendar import OfficeCalendar
from karyar.office_hours.hours import PersonalHours, TimeRange, WeeklyHours
from karyar.office_hours.loader import (
    CALENDAR_FILE,
    OfficeCalendarError,
    load_office_calendar,
    office_calendar,
)

__all__ = [
    "CALENDAR_FILE",
    "OfficeCalendar",
    "OfficeCalendarError",
    "PersonalHours",
    "TimeRange",
    "WeeklyHours",
    "add_working_time",
    "closes_at",
    "describe_moment",
    "holiday_name",
    "is_open",
    "load_office_calendar",
    "next_opening",
    "office_calendar",
    "on_duty",
    "working_seconds_between",
]


def is_open(at: datetime) -> bool:
    return office_calendar().is_open(at)


def next_opening(at: datetime) -> datetime:
    return office_calendar().next_opening(at)


def closes_at(at: datetime) -> datetime | None:
    return office_calendar().closes_at(at)


def working_seconds_between(start: datetime, end: datetime) -> float:
    return office_calendar().working_seconds_between(start, end)


def add_working_time(start: datetime, seconds: float) -> datetime:
    return office_calendar().add_working_time(start, seconds)


def holiday_name(day: date) -> str | None:
    return office_calendar().holiday_name(day)


def on_duty(at: datetime, personal: PersonalHours | None) -> bool:
    return office_calendar().on_duty(at, personal)


def describe_moment(at: datetime, *, now: datetime | None = None) -> str:
    return office_calendar().describe_moment(at, now=now)

"""Read the office calendar staff edit (karyar/reference/office_calendar.yml) and refuse a bad one with file:line."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jdatetime

from karyar.office_hours.calendar import OfficeCalendar
from karyar.office_hours.hours import WEEKDAYS, TimeRange, WeeklyHours, parse_ranges
from karyar.policies.errors import PolicyError, display_path
from karyar.policies.yaml_source import Location, YamlSource, read_yaml
from karyar.settings import PROJECT_ROOT, ConfigurationError, get_settings
from persian.text import to_ascii_digits

CALENDAR_FILE = PROJECT_ROOT / "karyar" / "reference" / "office_calendar.yml"
_REQUIRED = ("timezone", "office_hours", "holidays")
_KEYS = (*_REQUIRED, "closures")
_JALALI_DATE = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_DATE_FORMAT = "a Jalali date written YYYY/MM/DD, e.g. 1405/01/01"


class OfficeCalendarError(ConfigurationError):
    """An office calendar file that cannot be used; the message names the file, the line and the reason."""

    @classmethod
    def at(cls, path: Path, line: int, message: str) -> OfficeCalendarError:
        return cls(f"{display_path(path)}:{line}: {message}")


def load_office_calendar(path: Path | None = None) -> OfficeCalendar:
    """Read and check the calendar (the shipped one by default); raises OfficeCalendarError for the first problem."""
    try:
        source = read_yaml(path or CALENDAR_FILE)
    except PolicyError as error:  # the shared YAML reader words its errors as we want them
        raise OfficeCalendarError(str(error)) from None
    data = source.data
    if not isinstance(data, dict):
        raise _error(source, (), "the file must hold a mapping with " + ", ".join(_KEYS))
    for key in data:
        if key not in _KEYS:
            raise _error(source, (key,), f"unknown key (expected {', '.join(_KEYS)})")
    for key in _REQUIRED:
        if key not in data:
            raise _error(source, (), f"{key} is missing")
    timezone, office_hours = _timezone(source), _office_hours(source)
    seen: dict[date, int] = {}
    holidays = _days_off(source, "holidays", seen)
    return OfficeCalendar(timezone, office_hours, holidays, _days_off(source, "closures", seen))


@lru_cache(maxsize=1)
def office_calendar() -> OfficeCalendar:
    """The calendar in force (OFFICE_CALENDAR_FILE, else the shipped one), read once."""
    return load_office_calendar(get_settings().OFFICE_CALENDAR_FILE)


def _error(source: YamlSource, location: Location, message: str) -> OfficeCalendarError:
    return OfficeCalendarError.at(source.path, source.line_of(location), f"{_dotted(location)}: {message}")


def _dotted(location: Location) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "office calendar"


def _timezone(source: YamlSource) -> ZoneInfo:
    name = source.data["timezone"]
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise _error(source, ("timezone",), f"unknown timezone {name!r} (e.g. Asia/Tehran)") from None


def _office_hours(source: YamlSource) -> WeeklyHours:
    raw = source.data["office_hours"]
    if not isinstance(raw, dict):
        raise _error(source, ("office_hours",), "expected each weekday with its hours or closed")
    for name in raw:
        if name not in WEEKDAYS:
            raise _error(source, ("office_hours", name), f"unknown weekday (expected {', '.join(WEEKDAYS)})")
    for name in WEEKDAYS:
        if name not in raw:
            raise _error(
                source, ("office_hours",), f"{name} is missing (write '{name}: closed' for a day off)"
            )
    hours = WeeklyHours(tuple(_day_hours(source, name, raw[name]) for name in WEEKDAYS))
    if not any(hours.days):
        raise _error(source, ("office_hours",), "every day is closed; at least one day needs hours")
    return hours


def _day_hours(source: YamlSource, name: str, value: Any) -> tuple[TimeRange, ...]:
    if not isinstance(value, str):
        raise _error(source, ("office_hours", name), 'expected closed or hours like "08:00-14:00"')
    if value.strip().lower() == "closed":
        return ()
    try:
        return parse_ranges(value)
    except ValueError as error:
        raise _error(source, ("office_hours", name), str(error)) from None


def _days_off(source: YamlSource, key: str, seen: dict[date, int]) -> dict[date, str]:
    """{day: name} from a list of {date, name}; `seen` (day: line) keeps a day to one entry in the file."""
    raw = source.data.get(key)
    if raw is None and key == "closures":
        return {}
    if not isinstance(raw, list):
        raise _error(source, (key,), "expected a list of {date: YYYY/MM/DD, name: …}")
    days: dict[date, str] = {}
    for i, item in enumerate(raw):
        day, name = _day_off(source, (key, i), item)
        if day in seen:
            raise _error(
                source, (key, i, "date"), f"{item['date']} is listed twice (also on line {seen[day]})"
            )
        seen[day] = source.line_of((key, i, "date"))
        days[day] = name
    return days


def _day_off(source: YamlSource, location: Location, item: Any) -> tuple[date, str]:
    if not isinstance(item, dict) or set(item) != {"date", "name"}:
        raise _error(source, location, "expected {date: YYYY/MM/DD, name: …} and nothing else")
    name = item["name"]
    if not isinstance(name, str) or not name.strip():
        raise _error(source, (*location, "name"), "a name (Persian text) is needed")
    return _jalali(source, (*location, "date"), item["date"]), name.strip()


def _jalali(source: YamlSource, location: Location, value: Any) -> date:
    """A Jalali YYYY/MM/DD (Latin or Persian digits) as the Gregorian date the calendar works with."""
    match = _JALALI_DATE.match(to_ascii_digits(value)) if isinstance(value, str) else None
    if match is None:
        raise _error(source, location, f"'{value}' is not {_DATE_FORMAT}")
    try:
        return jdatetime.date(*(int(part) for part in match.groups())).togregorian()
    except ValueError:
        raise _error(source, location, f"{value} is not a valid Jalali date") from None

"""Reading typed values out of one spreadsheet row, collecting every problem instead of stopping at the first."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import jdatetime

from karyar.catalogue import words
from karyar.catalogue.reference import compact_key
from karyar.catalogue.sheets import Cell, Row
from karyar.texts import _
from persian.format import IRAN_TIME
from persian.text import LIST_SEPARATORS, parse_persian_number, to_ascii_digits

_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]+(\d{1,2}):(\d{2}))?")
# Years before this are Jalali (1405 …), later ones Gregorian (2026 …).
_FIRST_GREGORIAN_YEAR = 1700


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in a file, where the staff member will find it (the header is row 1)."""

    row: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class RowReader:
    row: Row
    problems: list[Problem] = field(default_factory=list)

    def problem(self, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.row.number, column, message))

    def _raw(self, column: str) -> Cell:
        value = self.row.cells.get(column)
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    def text(self, column: str, *, required: bool = False, max_length: int | None = None) -> str | None:
        value = self._raw(column)
        if value is None:
            if required:
                self.problem(column, _("Catalogue import: required"))
            return None
        if isinstance(value, bool | datetime | date | time):
            self.problem(column, _("Catalogue import: not text").format(value=value))
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # Excel stores a typed code such as 1001 as 1001.0
        text = str(value)
        if max_length is not None and len(text) > max_length:
            self.problem(column, _("Catalogue import: too long").format(limit=max_length))
            return None
        return text

    def integer(self, column: str, *, minimum: int = 0, maximum: int | None = None) -> int | None:
        value = self._raw(column)
        if value is None:
            return None
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str):
            number = parse_persian_number(value)
        if number is None:
            self.problem(column, _("Catalogue import: not an integer").format(value=value))
            return None
        if number < minimum or (maximum is not None and number > maximum):
            message = (
                _("Catalogue import: not between")
                if maximum is not None
                else _("Catalogue import: below minimum")
            )
            self.problem(column, message.format(minimum=minimum, maximum=maximum, number=number))
            return None
        return number

    def choice(self, column: str, choices: Mapping[str, str], *, default: str | None = None) -> str | None:
        """A coded value; `choices` maps every accepted spelling (by compact_key) to its code."""
        text = self.text(column)
        if text is None:
            if default is None:
                self.problem(column, _("Catalogue import: required"))
            return default
        code = choices.get(compact_key(text))
        if code is None:
            self.problem(column, _("Catalogue import: not a choice").format(text=text, codes=_codes(choices)))
        return code

    def codes(self, column: str, choices: Mapping[str, str]) -> list[str]:
        """A list of coded values separated by commas; empty means everyone."""
        text = self.text(column)
        if text is None:
            return []
        found: list[str] = []
        for part in filter(None, (piece.strip() for piece in LIST_SEPARATORS.split(text))):
            code = choices.get(compact_key(part))
            if code is None:
                self.problem(
                    column, _("Catalogue import: not in list").format(text=part, codes=_codes(choices))
                )
            elif code not in found:
                found.append(code)
        return found

    def flag(self, column: str, *, default: bool) -> bool:
        value = self._raw(column)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        key = compact_key(str(int(value) if isinstance(value, float) else value))
        if key in words.yes_words():
            return True
        if key in words.no_words():
            return False
        self.problem(column, _("Catalogue import: not yes or no").format(value=value))
        return default

    def moment(self, column: str, *, required: bool = False, end_of_day: bool = False) -> datetime | None:
        """A date (Jalali 1405-10-15 or Gregorian 2027-01-05, optionally with HH:MM) in Iran time, as UTC.

        A date without a time means the start of that day, or its end for a deadline (`end_of_day`).
        """
        value = self._raw(column)
        if value is None:
            if required:
                self.problem(column, _("Catalogue import: date required"))
            return None
        local: datetime | None
        if isinstance(value, datetime):
            local = value.replace(tzinfo=None)
        elif isinstance(value, date):
            local = datetime.combine(value, time())
        elif isinstance(value, str):
            local = _parse_date(value)
        else:
            local = None
        if local is None:
            self.problem(column, _("Catalogue import: not a date").format(value=value))
            return None
        if end_of_day and local.time() == time():
            local = local.replace(hour=23, minute=59, second=59)
        return local.replace(tzinfo=IRAN_TIME).astimezone(UTC)


def _parse_date(text: str) -> datetime | None:
    match = _DATE.fullmatch(to_ascii_digits(text).strip())
    if match is None:
        return None
    year, month, day = (int(part) for part in match.group(1, 2, 3))
    hour, minute = (int(part) if part else 0 for part in match.group(4, 5))
    try:
        if year < _FIRST_GREGORIAN_YEAR:
            day_date = jdatetime.date(year, month, day).togregorian()
        else:
            day_date = date(year, month, day)
        return datetime.combine(day_date, time(hour, minute))
    except ValueError:
        return None


def _codes(choices: Mapping[str, str]) -> str:
    return ", ".join(dict.fromkeys(choices.values()))


def choices_of(labels: Mapping[str, str], aliases: Mapping[str, list[str]]) -> dict[str, str]:
    """Every accepted spelling of each code (the code, its Persian label, its aliases) by compact_key."""
    accepted: dict[str, str] = {}
    for code, label in labels.items():
        for spelling in [code, label, *aliases.get(code, [])]:
            accepted[compact_key(spelling)] = code
    return accepted

"""Weekly hours (the office's and each counsellor's), read from what staff type and shown back to people."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import reduce
from itertools import pairwise
from pathlib import Path

import jdatetime

from karyar.data_files import read_data_file
from karyar.texts import _
from persian.format import LIST_SEPARATOR, join_list, persian_text
from persian.text import LIST_SEPARATORS, RANGE_WORD, search_key

# The Iranian week starts on Saturday; every per-day tuple here is in this order.
WEEKDAYS = ("saturday", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday")
_SHORT = tuple(day[:3] for day in WEEKDAYS)
_PERSIAN_WEEKDAYS: tuple[str, ...] = tuple(jdatetime.date.j_weekdays_fa)

_TYPED_WORDS = read_data_file(Path(__file__).with_name("typed_words.yml"))
_TYPED_DAY_NAMES = {
    search_key(name): WEEKDAYS.index(day) for day, names in _TYPED_WORDS["days"].items() for name in names
}
# search_key drops half-spaces but keeps spaces: «سه شنبه» must become one token like «سه‌شنبه».
_SPLIT_WEEKDAY = re.compile(
    "|".join(r"\s+".join(map(re.escape, name.split())) for name in _TYPED_DAY_NAMES if " " in name)
)
# What staff may type for a day: English (full or short) or a name of typed_words.yml.
_DAY_NAMES = (
    {name: i for i, name in enumerate(WEEKDAYS)}
    | {name: i for i, name in enumerate(_SHORT)}
    | {name.replace(" ", ""): i for name, i in _TYPED_DAY_NAMES.items()}
)
_FILLERS = frozenset(search_key(word) for word in _TYPED_WORDS["fillers"])
# Between the ranges of one day: spaces and commas.
_RANGE_BREAKS = re.compile(rf"[\s,{LIST_SEPARATOR.strip()}]+")
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?$")

SPEC_FORMAT = (
    f'expected days then hours, e.g. "sat-wed 08:00-14:00, thu 08:00-12:00" or "{_TYPED_WORDS["example"]}" '
    "(days: sat…fri or their Persian names; hours: HH:MM-HH:MM, several allowed)"
)


def iranian_weekday(day: date) -> int:
    """0 for Saturday … 6 for Friday."""
    return (day.weekday() + 2) % 7


# "24:00" closes a range at midnight, so a service can be open around the clock.
END_OF_DAY = time.max


@dataclass(frozen=True, order=True)
class TimeRange:
    """From `start` (included) to `end` (excluded), within one day."""

    start: time
    end: time

    def __str__(self) -> str:
        end = "24:00" if self.end == END_OF_DAY else f"{self.end:%H:%M}"
        return f"{self.start:%H:%M}-{end}"

    def describe(self) -> str:
        return _from_to(_short_time(self.start), _short_time(self.end))

    def contains(self, moment: time) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True)
class WeeklyHours:
    """Opening ranges for each day of the week, Saturday first; a day with no range is a day off."""

    days: tuple[tuple[TimeRange, ...], ...]

    def ranges_on(self, day: date) -> tuple[TimeRange, ...]:
        return self.days[iranian_weekday(day)]

    def contains(self, local: datetime) -> bool:
        """Whether a wall-clock moment (already in the office's timezone) is within these hours."""
        return any(r.contains(local.time()) for r in self.ranges_on(local.date()))

    def __str__(self) -> str:
        """The canonical English spec, e.g. "sat-wed 08:00-14:00, thu 08:00-12:00"."""
        return ", ".join(
            (_SHORT[first] if first == last else f"{_SHORT[first]}-{_SHORT[last]}")
            + " "
            + " ".join(str(r) for r in ranges)
            for first, last, ranges in self._groups()
        )

    def describe(self) -> str:
        """For a Persian reader, e.g. «شنبه تا چهارشنبه ۸ تا ۱۴، پنجشنبه ۸ تا ۱۲»."""
        parts = []
        for first, last, ranges in self._groups():
            if first == last:
                days = _PERSIAN_WEEKDAYS[first]
            elif last == first + 1:
                days = _and(_PERSIAN_WEEKDAYS[first], _PERSIAN_WEEKDAYS[last])
            else:
                days = _from_to(_PERSIAN_WEEKDAYS[first], _PERSIAN_WEEKDAYS[last])
            parts.append(f"{days} {reduce(_and, (r.describe() for r in ranges))}")
        return persian_text(join_list(parts))

    def _groups(self) -> list[tuple[int, int, tuple[TimeRange, ...]]]:
        """Runs of consecutive days with the same hours: (first day, last day, their ranges)."""
        groups: list[tuple[int, int, tuple[TimeRange, ...]]] = []
        for i, ranges in enumerate(self.days):
            if not ranges:
                continue
            if groups and groups[-1][1] == i - 1 and groups[-1][2] == ranges:
                groups[-1] = (groups[-1][0], i, ranges)
            else:
                groups.append((i, i, ranges))
        return groups


class PersonalHours(WeeklyHours):
    """A counsellor's own hours; they count only while the office is open too."""

    @classmethod
    def parse(cls, spec: str | None) -> PersonalHours | None:
        """Read what staff type («sat-wed 08:00-14:00, thu 08:00-12:00», «شنبه تا چهارشنبه ۸ تا ۱۴»).

        None for an empty spec: the counsellor keeps the office hours. Raises ValueError for anything else
        that cannot be read, with the expected format in the message.
        """
        if spec is None or not spec.strip():
            return None
        try:
            return cls(_parse_spec(spec))
        except ValueError as error:
            raise ValueError(f"cannot read the hours {spec!r}: {error}; {SPEC_FORMAT}") from None


def parse_ranges(text: str) -> tuple[TimeRange, ...]:
    """One day's hours: «08:00-14:00», «8-12, 13-16», «۸ تا ۱۲ و ۱۴ تا ۱۶»; sorted, none overlapping."""
    tokens = [t for t in _RANGE_BREAKS.split(_tokenisable(text)) if t and t not in _FILLERS]
    if not tokens:
        raise ValueError("no hours given (write them as HH:MM-HH:MM)")
    if len(tokens) % 3 or any(tokens[i] != "-" for i in range(1, len(tokens), 3)):
        raise ValueError(f"cannot read {text.strip()!r} as hours (write them as HH:MM-HH:MM)")
    ranges = sorted(_time_range(tokens[i], tokens[i + 2]) for i in range(0, len(tokens), 3))
    for before, after in pairwise(ranges):
        if after.start <= before.end:
            raise ValueError(f"{before} and {after} overlap or touch; write them as one range")
    return tuple(ranges)


def _tokenisable(text: str) -> str:
    """Latin digits, Persian letters in one spelling, weekday names as single words, dashes spaced out."""
    text = _SPLIT_WEEKDAY.sub(lambda spaced: "".join(spaced[0].split()), search_key(text))
    return RANGE_WORD.sub(" - ", text)


def _parse_spec(spec: str) -> tuple[tuple[TimeRange, ...], ...]:
    days: list[tuple[TimeRange, ...]] = [()] * len(WEEKDAYS)
    for item in LIST_SEPARATORS.split(_tokenisable(spec)):
        first, last, ranges = _parse_item(item)
        for i in range(first, last + 1):
            if days[i]:
                raise ValueError(f"{WEEKDAYS[i]} is given twice")
            days[i] = ranges
    return tuple(days)


def _parse_item(item: str) -> tuple[int, int, tuple[TimeRange, ...]]:
    """«sat-wed 8-14» → (0, 4, ranges): a day or a run of days, then their hours."""
    tokens = item.split()
    if not tokens:
        raise ValueError("a part between commas is empty")
    first = _DAY_NAMES.get(tokens[0])
    if first is None:
        raise ValueError(f"{tokens[0]!r} is not a day of the week")
    last, rest = first, tokens[1:]
    if len(rest) >= 2 and rest[0] == "-" and rest[1] in _DAY_NAMES:
        last, rest = _DAY_NAMES[rest[1]], rest[2:]
        if last < first:
            raise ValueError(
                f"{WEEKDAYS[first]}-{WEEKDAYS[last]} runs backwards (the week runs from Saturday to Friday)"
            )
    if not rest:
        raise ValueError(f"no hours after {item.strip()!r}")
    return first, last, parse_ranges(" ".join(rest))


def _time_range(start: str, end: str) -> TimeRange:
    time_range = TimeRange(_time(start), END_OF_DAY if _is_midnight_end(end) else _time(end))
    if time_range.end <= time_range.start:
        raise ValueError(f"{time_range} ends before it starts (a range cannot cross midnight)")
    return time_range


def _is_midnight_end(text: str) -> bool:
    match = _TIME.match(text)
    return match is not None and int(match[1]) == 24 and int(match[2] or 0) == 0


def _time(text: str) -> time:
    match = _TIME.match(text)
    hour, minute = (int(match[1]), int(match[2] or 0)) if match else (-1, -1)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValueError(f"{text!r} is not a time of day (use HH:MM from 00:00 to 23:59)")
    return time(hour, minute)


def _short_time(moment: time) -> str:
    """8:00 → «8», 8:30 → «8:30»: a whole hour reads better without its minutes."""
    return f"{moment.hour}" if moment.minute == 0 else f"{moment.hour}:{moment.minute:02}"


def _from_to(start: str, end: str) -> str:
    """«8 تا 14», «شنبه تا چهارشنبه»."""
    return _("Office hours: from to").format(start=start, end=end)


def _and(first: str, second: str) -> str:
    """«8 تا 12 و 14 تا 16», «شنبه و یکشنبه»."""
    return _("Office hours: and").format(first=first, second=second)

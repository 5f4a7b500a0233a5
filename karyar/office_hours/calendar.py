"""When counsellors work: the weekly office hours, except on public holidays and one-off closures."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import jdatetime

from karyar import clock
from karyar.office_hours.hours import PersonalHours, WeeklyHours
from karyar.texts import _
from persian.format import persian_text

Period = tuple[datetime, datetime]


@dataclass(frozen=True)
class OfficeCalendar:
    """Every method takes timezone-aware datetimes in any timezone; a naive one raises ValueError.

    Open periods include their start and exclude their end: at 14:00 an office open 08:00-14:00 is closed.
    """

    timezone: ZoneInfo
    office_hours: WeeklyHours
    holidays: Mapping[date, str]
    closures: Mapping[date, str]

    def is_open(self, at: datetime) -> bool:
        return self.closes_at(at) is not None

    def closes_at(self, at: datetime) -> datetime | None:
        """When the open period `at` falls in ends; None while the office is closed."""
        local = self._local(at)
        return next((end for start, end in self._periods(local.date()) if start <= local < end), None)

    def next_opening(self, at: datetime) -> datetime:
        """The first open moment from `at` on (the same moment while open), in the office's timezone."""
        local = self._local(at)
        return next(max(start, local) for start, end in self._periods_from(local.date()) if local < end)

    def working_seconds_between(self, start: datetime, end: datetime) -> float:
        """Open time between two moments; 0 when `end` is not after `start`."""
        first, last = self._local(start), self._local(end)
        total = timedelta()
        for period_start, period_end in self._periods_from(first.date()):
            if period_start >= last:
                break
            total += max(timedelta(), _elapsed(max(period_start, first), min(period_end, last)))
        return total.total_seconds()

    def add_working_time(self, start: datetime, seconds: float) -> datetime:
        """The moment by which `seconds` of open time have passed since `start` (start itself for 0)."""
        if seconds < 0:
            raise ValueError(f"working time cannot be negative (got {seconds} seconds)")
        local = self._local(start)
        remaining = timedelta(seconds=seconds)
        if not remaining:
            return local
        periods = self._periods_from(local.date())
        while True:
            period_start, period_end = next(periods)
            begin = max(period_start, local)
            available = max(timedelta(), _elapsed(begin, period_end))
            if remaining <= available:
                return (begin.astimezone(UTC) + remaining).astimezone(self.timezone)
            remaining -= available

    def holiday_name(self, day: date) -> str | None:
        """Why the office is shut on a day (a public holiday or a closure); None on other days."""
        return self.holidays.get(day) or self.closures.get(day)

    def on_duty(self, at: datetime, personal: PersonalHours | None) -> bool:
        """Whether a counsellor works at `at`: the office is open and it is within their own hours, if any."""
        return self.is_open(at) and (personal is None or personal.contains(self._local(at)))

    def describe_moment(self, at: datetime, *, now: datetime | None = None) -> str:
        """«امروز ساعت ۸ صبح», «فردا ساعت ۱۳:۳۰» or «شنبه ۷ آذر، ساعت ۸ صبح», in the office's timezone."""
        local = self._local(at)
        today = self._local(now or clock.now()).date()
        if local.date() == today:
            text = _("Office hours: today at").format(time=_clock_time(local))
        elif local.date() == today + timedelta(days=1):
            text = _("Office hours: tomorrow at").format(time=_clock_time(local))
        else:
            text = _("Office hours: day at").format(
                day=_jalali_day(local.date(), today), time=_clock_time(local)
            )
        return persian_text(text)

    def _local(self, at: datetime) -> datetime:
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError(f"a timezone-aware datetime is needed, got the naive {at.isoformat()}")
        return at.astimezone(self.timezone)

    def _periods(self, day: date) -> list[Period]:
        if day in self.holidays or day in self.closures:
            return []
        return [
            (
                datetime.combine(day, r.start, tzinfo=self.timezone),
                datetime.combine(day, r.end, tzinfo=self.timezone),
            )
            for r in self.office_hours.ranges_on(day)
        ]

    def _periods_from(self, day: date) -> Iterator[Period]:
        """Open periods from `day` on, without end: the office opens at least one weekday (the loader checks)."""
        while True:
            yield from self._periods(day)
            day += timedelta(days=1)


def _elapsed(start: datetime, end: datetime) -> timedelta:
    # In UTC: subtracting two datetimes of one zone compares wall clocks, wrong across a clock change.
    return end.astimezone(UTC) - start.astimezone(UTC)


def _clock_time(local: datetime) -> str:
    """8:00 → «8 صبح», 8:30 → «8:30 صبح», 14:00 → «14», 13:30 → «13:30»: 24-hour, «صبح» before noon."""
    text = f"{local.hour}" if local.minute == 0 else f"{local.hour}:{local.minute:02}"
    return _("Office hours: morning time").format(time=text) if local.hour < 12 else text


def _jalali_day(day: date, today: date) -> str:
    """«شنبه ۷ آذر»; the year too when it is not this year («شنبه ۱ فروردین ۱۴۰۶»)."""
    jalali = jdatetime.date.fromgregorian(date=day)
    text = f"{jdatetime.date.j_weekdays_fa[jalali.weekday()]} {jalali.day} {jdatetime.date.j_months_fa[jalali.month - 1]}"
    if jalali.year != jdatetime.date.fromgregorian(date=today).year:
        text += f" {jalali.year}"
    return text

"""Persian output formatting: digits, numbers and lists as a Persian reader expects them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import jdatetime
from babel.numbers import format_decimal

from nlu.text import to_ascii_digits, to_persian_digits

LIST_SEPARATOR = "، "
# Iran has kept standard time all year since 2022; dates people read are Iran dates.
IRAN_TIME = ZoneInfo("Asia/Tehran")
_MARKS = re.compile("[\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def typed_digits_and_spaces(text: str) -> str:
    """A date or number as staff type it: ASCII digits, and a space for each half-space or direction mark
    (Telegram clients put those around digits in Persian text)."""
    return _MARKS.sub(" ", to_ascii_digits(text))


def format_number(number: int | float) -> str:
    """1234567 → «۱٬۲۳۴٬۵۶۷»: Babel gives Persian separators with Latin digits, so digits are translated after."""
    return to_persian_digits(format_decimal(number, locale="fa", numbering_system="arabext"))


def persian_text(text: str) -> str:
    """Show any digits in a text as Persian digits."""
    return to_persian_digits(text)


def join_list(items: list[str]) -> str:
    return LIST_SEPARATOR.join(items)


def jalali_date(moment: datetime) -> str:
    """A UTC moment as the Iran date a reader expects: «۱۵ دی ۱۴۰۵»."""
    local = jdatetime.date.fromgregorian(date=moment.astimezone(IRAN_TIME).date())
    return persian_text(f"{local.day} {jdatetime.date.j_months_fa[local.month - 1]} {local.year}")


def toman(amount: int) -> str:
    """1200000 → «۱٬۲۰۰٬۰۰۰ تومان»."""
    return f"{format_number(amount)} تومان"


def jalali_datetime(moment: datetime) -> str:
    """A UTC moment as Iran date and time: «۲ آذر ۱۴۰۵، ساعت ۱۰:۰۵»."""
    local = moment.astimezone(IRAN_TIME)
    return f"{jalali_date(moment)}، ساعت {persian_text(local.strftime('%H:%M'))}"


def parse_jalali_datetime(text: str) -> datetime:
    """An Iran date and time as staff type it, «۱۴۰۵/۰۹/۱۰ ۱۴:۳۰» or "1405-9-10 ساعت 14:30", as a UTC moment.

    Digits may be Persian, Arabic or Latin; the date's parts are separated by / - or . and the time, which
    is required (an announcement should not go out at midnight by mistake), by : or ٫. Raises ValueError
    saying what is wrong; whether the moment is in the past is the caller's to decide.
    """
    cleaned = typed_digits_and_spaces(text).strip()
    match = re.fullmatch(
        r"(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[,،T]?\s*(?:ساعت\s*)?(\d{1,2})\s*[:٫]\s*(\d{2})",
        cleaned,
    )
    if match is None:
        raise ValueError(f"{text!r} is not a Jalali date and time like 1405/09/10 14:30")
    year, month, day, hour, minute = (int(part) for part in match.groups())
    if not 1300 <= year <= 1500:
        raise ValueError(f"{year} is not a plausible Jalali year")
    try:
        local = jdatetime.datetime(year, month, day, hour, minute).togregorian()
    except ValueError as error:
        raise ValueError(
            f"{year}/{month:02d}/{day:02d} {hour:02d}:{minute:02d} is not a valid date and time: {error}"
        ) from None
    return local.replace(tzinfo=IRAN_TIME).astimezone(UTC)

"""Persian output formatting: digits, numbers and lists as a Persian reader expects them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import jdatetime
from babel.numbers import format_decimal

from persian.text import to_ascii_digits, to_persian_digits

LIST_SEPARATOR = "، "
# Between the parts of one line that are not items of one list («مشهد؛ حضوری»). Not a middle dot (U+00B7)
# or «|»: next to numbers they read as the Persian digits ۰ and ۱.
PART_SEPARATOR = "؛ "
# Left-to-right mark. Latin digits right after Persian letters count as Arabic numbers in the bidi algorithm,
# so Telegram shows «051-38400000» as «38400000-051» and «/start» as «start/»; a mark on each side keeps the
# run in its own order. A mark, not an isolate (U+2066…U+2069): every Telegram client honours it.
LRM = "\u200e"
# A run that must read left to right: a command, a phone number, a course code, a URL, a @username.
_LTR_RUN = re.compile(
    r"(?<![\w\u200e\-./:@+?=&%#~{])[/@+]?[A-Za-z0-9](?:[A-Za-z0-9_\-./:@+?=&%#~]*[A-Za-z0-9_/])?"
)
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


def percent(value: float) -> str:
    """0.425 → «۴۲٫۵٪»: a share as a Persian percentage, to one decimal where it has one."""
    return (
        to_persian_digits(
            format_decimal(value * 100, format="#,##0.#", locale="fa", numbering_system="arabext")
        )
        + "٪"
    )


def join_list(items: list[str]) -> str:
    return LIST_SEPARATOR.join(items)


def join_parts(parts: list[str]) -> str:
    """«مشهد، استان خراسان رضوی؛ حضوری»: the parts of one line, set apart more than items of a list."""
    return PART_SEPARATOR.join(parts)


def ltr(run: str) -> str:
    """A run that must read left to right (a phone number, a command, a code), kept so in Persian text."""
    return f"{LRM}{run}{LRM}"


def mark_ltr_runs(text: str) -> str:
    """Every left-to-right run in a free text, such as «تلفن 051-38400000», marked with `ltr`; plain Latin
    words need no mark and get none. Runs already marked are left as they are."""

    def mark(match: re.Match[str]) -> str:
        return match[0] if match[0].isalpha() else ltr(match[0])

    return _LTR_RUN.sub(mark, text)


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

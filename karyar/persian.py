"""Persian output formatting: digits, numbers and lists as a Persian reader expects them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import jdatetime
from babel.numbers import format_decimal

from nlu.text import to_persian_digits

LIST_SEPARATOR = "، "
# Iran has kept standard time all year since 2022; dates people read are Iran dates.
IRAN_TIME = ZoneInfo("Asia/Tehran")


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

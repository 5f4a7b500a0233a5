"""Persian output formatting: digits, numbers and lists as a Persian reader expects them."""

from __future__ import annotations

from babel.numbers import format_decimal

from nlu.text import to_persian_digits

LIST_SEPARATOR = "، "


def format_number(number: int | float) -> str:
    """1234567 → «۱٬۲۳۴٬۵۶۷»: Babel gives Persian separators with Latin digits, so digits are translated after."""
    return to_persian_digits(format_decimal(number, locale="fa", numbering_system="arabext"))


def persian_text(text: str) -> str:
    """Show any digits in a text as Persian digits."""
    return to_persian_digits(text)


def join_list(items: list[str]) -> str:
    return LIST_SEPARATOR.join(items)

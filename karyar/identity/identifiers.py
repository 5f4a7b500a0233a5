"""National ids (کد ملی) and phone numbers: recognised in what a client writes, checked, masked for display.

A national id is ten digits whose last digit is a checksum of the other nine. Phone numbers are Iranian:
mobiles (09…, +989…, 00989…) and landlines with their area code (0… with eleven digits).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from pathlib import Path

from karyar.data_files import read_data_file
from persian.text import search_key, to_ascii_digits, to_persian_digits


class IdentifierKind(enum.StrEnum):
    NATIONAL_ID = "national_id"
    PHONE = "phone"


MASK = "•"
_WORDS_FILE = Path(__file__).with_name("identifier_words.yml")
# Runs of digits (any script) in groups split by single spaces, dashes or dots: «۰۹۱۲ ۳۴۵ ۶۷۸۹», «001-234567-8».
_DIGIT_RUN = re.compile(r"\+?[0-9۰-۹٠-٩]+(?:[ \-.][0-9۰-۹٠-٩]+)*")


def national_id_is_valid(digits: str) -> bool:
    """The checksum rule of the national card; ten identical digits are never issued."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    remainder = sum(int(digits[i]) * (10 - i) for i in range(9)) % 11
    check = int(digits[9])
    return check == remainder if remainder < 2 else check == 11 - remainder


def normalise_phone(raw: str) -> str | None:
    """An Iranian phone number in its national form (09121234567, 02188776655), or None if it is not one."""
    digits = to_ascii_digits(raw).replace(" ", "").replace("-", "").replace(".", "")
    if digits.startswith("+98"):
        digits = "0" + digits[3:]
    elif digits.startswith("0098"):
        digits = "0" + digits[4:]
    elif digits.startswith("98") and len(digits) == 12:
        digits = "0" + digits[2:]
    elif digits.startswith("9") and len(digits) == 10:
        digits = "0" + digits
    if not digits.isdigit() or len(digits) != 11 or not digits.startswith("0") or digits[1] == "0":
        return None
    return digits


def mask(kind: IdentifierKind, value: str) -> str:
    """What a counsellor sees without revealing: «۰۰۱•••••۷۸», «۰۹۱۲•••۶۷۸۹»."""
    if kind == IdentifierKind.NATIONAL_ID:
        shown = value[:3] + MASK * 5 + value[-2:]
    else:
        shown = value[:4] + MASK * 3 + value[-4:]
    return to_persian_digits(shown)


@dataclass(frozen=True, slots=True)
class Found:
    """An identifier in a text: where it was, what it is, its canonical value (None when its check failed)."""

    start: int
    end: int
    kind: IdentifierKind
    value: str | None

    @property
    def masked(self) -> str:
        if self.value is None:
            return MASK * 10
        return mask(self.kind, self.value)


def _classify(run: str) -> tuple[IdentifierKind, str | None] | None:
    digits = to_ascii_digits(run).lstrip("+").replace(" ", "").replace("-", "").replace(".", "")
    if len(digits) == 10 and not digits.startswith("9"):
        return IdentifierKind.NATIONAL_ID, digits if national_id_is_valid(digits) else None
    if len(digits) == 10 and national_id_is_valid(digits):
        return IdentifierKind.NATIONAL_ID, digits  # 9… is a valid national id prefix too
    phone = normalise_phone(run)
    if phone is not None:
        return IdentifierKind.PHONE, phone
    return None


def find_identifiers(text: str) -> list[Found]:
    """Every national id or phone number in the text, in order; other numbers (ages, amounts) are left alone."""
    found = []
    for match in _DIGIT_RUN.finditer(text):
        classified = _classify(match.group())
        if classified is not None:
            found.append(Found(match.start(), match.end(), *classified))
            continue
        # «۲۳ ۰۹۱۲۱۲۳۴۵۶۷»: an age next to a phone number; look at each group on its own.
        for group in re.finditer(r"\+?[0-9۰-۹٠-٩]+", match.group()):
            classified = _classify(group.group())
            if classified is not None:
                start = match.start() + group.start()
                found.append(Found(start, start + len(group.group()), *classified))
    return found


def redact(text: str, found: list[Found]) -> str:
    """The text with every identifier replaced by its mask: what is stored and what Rasa and counsellors see."""
    parts, position = [], 0
    for item in found:
        parts += [text[position : item.start], item.masked]
        position = item.end
    parts.append(text[position:])
    return "".join(parts)


# Words that only introduce an identifier: «کد ملی من ۰۰۱۲۳۴۵۶۷۸ هست» says nothing else to answer.
_INTRODUCING_WORDS = frozenset(search_key(word) for word in read_data_file(_WORDS_FILE)["introducing_words"])


def only_identifiers(text: str, found: list[Found]) -> bool:
    """Whether the text holds nothing but identifiers and the words that introduce them."""
    rest = redact(text, found)
    for item in found:
        rest = rest.replace(item.masked, " ")
    words = re.findall(r"[^\W_]+", search_key(rest))
    return all(word in _INTRODUCING_WORDS for word in words)


@dataclass(frozen=True, slots=True)
class Protected:
    """A checked identifier in its canonical form, on its way to being stored encrypted."""

    kind: IdentifierKind
    value: str


@dataclass(frozen=True, slots=True)
class Shielded:
    """A client's text made safe to store and pass on: identifiers masked, their values set apart."""

    text: str
    identifiers: tuple[Protected, ...]
    invalid: bool  # something looked like a national id but its check digit is wrong
    only_identifiers: bool  # nothing else in the text to answer

    @property
    def found_any(self) -> bool:
        return bool(self.identifiers) or self.invalid


def shield(text: str) -> Shielded:
    found = find_identifiers(text)
    if not found:
        return Shielded(text, (), invalid=False, only_identifiers=False)
    values = tuple(
        dict.fromkeys(Protected(item.kind, item.value) for item in found if item.value is not None)
    )
    return Shielded(
        redact(text, found),
        values,
        invalid=any(item.value is None for item in found),
        only_identifiers=only_identifiers(text, found),
    )

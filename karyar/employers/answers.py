"""The employer's conversation: which questions it asks, and each answer (typed or pressed) checked and put
in the form the store takes. A refused answer raises OpeningError naming what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from karyar.catalogue.reference import compact_key
from karyar.data_files import read_data_file
from karyar.db.models import EmploymentType
from karyar.employers import values
from karyar.employers.errors import OpeningError, Problem
from persian.text import RANGE_WORD, parse_persian_number, search_key

BUSINESS_STEPS = ("business_name", "province", "city", "organisation", "sector", "contact")
OPENING_STEPS = (
    "title", "field", "positions", "hours", "wage", "insured", "requirements", "suits_disability",
    "home_based",
)  # fmt: skip
SUMMARY = "summary"

YES, NO = "yes", "no"
NO_ORGANISATION = "none"
SKIP = "skip"  # a city not in the reference list, or no requirements
# The answers a button gives; the same words typed are understood too.
CHOICES: dict[str, tuple[str, ...]] = {
    "organisation": (*values.EMPLOYER_ORGANISATIONS, NO_ORGANISATION),
    "hours": (EmploymentType.FULL_TIME, EmploymentType.PART_TIME, EmploymentType.SEASONAL),
    "insured": (YES, NO),
    "suits_disability": (YES, NO),
    "home_based": (YES, NO),
    "city": (SKIP,),
    "requirements": (SKIP,),
}
_WORDS_FILE = Path(__file__).with_name("words.yml")


@dataclass(frozen=True, slots=True)
class Words:
    """The words of words.yml, in compact_key form."""

    yes: frozenset[str]
    no: frozenset[str]
    none: frozenset[str]
    no_organisation: frozenset[str]
    by_agreement: tuple[str, ...]
    currency: re.Pattern[str]
    people: re.Pattern[str]
    multipliers: dict[str, int]
    multiplier: re.Pattern[str]
    cancel: frozenset[str]
    status: tuple[str, ...]


@cache
def words() -> Words:
    raw = read_data_file(_WORDS_FILE)

    def keys(name: str) -> frozenset[str]:
        return frozenset(compact_key(str(word)) for word in raw[name])

    def ending(name: str) -> re.Pattern[str]:
        return re.compile(rf"\s*(?:{'|'.join(map(re.escape, raw[name]))})\s*$")

    multipliers = {str(word): int(value) for word, value in raw["multipliers"].items()}
    return Words(
        yes=keys("yes"),
        no=keys("no"),
        none=keys("none"),
        no_organisation=keys("no_organisation"),
        by_agreement=tuple(raw["by_agreement"]),
        currency=ending("currency"),
        people=ending("people"),
        multipliers=multipliers,
        multiplier=re.compile(rf"({'|'.join(map(re.escape, multipliers))})\s*$"),
        cancel=frozenset(search_key(str(word)) for word in raw["cancel"]),
        status=tuple(search_key(str(word)) for word in raw["status"]),
    )


# «۱۸ تا ۲۲» without a unit: a monthly wage that small is said in millions.
_MILLIONS_BELOW = 1000


def steps(*, registered: bool) -> tuple[str, ...]:
    """The questions in order: a registered employer is asked only about the opening."""
    return OPENING_STEPS if registered else BUSINESS_STEPS + OPENING_STEPS


def next_step(answers: Mapping[str, Any], *, registered: bool) -> str:
    """The first question without an answer, or the summary when all are answered."""
    return next((step for step in steps(registered=registered) if step not in answers), SUMMARY)


def read(step: str, typed: str, answers: Mapping[str, Any]) -> Any:
    """The answer to `step` from what was typed or pressed, in stored form (JSON values)."""
    key = compact_key(typed or "")
    if step in CHOICES and key in CHOICES[step]:
        return _pressed(step, key)
    reader = _READERS.get(step)
    if reader is None:
        raise ValueError(f"not a question of the employer's conversation: {step}")
    return reader(typed, answers)


def _pressed(step: str, code: str) -> Any:
    if CHOICES[step] == (YES, NO):
        return code == YES
    if code in (SKIP, NO_ORGANISATION):
        return None
    return code


def _yes_no(typed: str, _answers: Mapping[str, Any]) -> bool:
    key = compact_key(typed)
    if key in words().yes:
        return True
    if key in words().no:
        return False
    raise OpeningError(Problem.UNKNOWN_CHOICE, "yes or no", value=typed)


def _province(typed: str, _answers: Mapping[str, Any]) -> str:
    return values.place(typed, None)[0]


def _city(typed: str, answers: Mapping[str, Any]) -> str | None:
    if compact_key(typed) in words().none:
        return None
    return values.place(answers.get("province"), typed)[1]


def _organisation(typed: str, _answers: Mapping[str, Any]) -> str | None:
    if compact_key(typed) in words().no_organisation:
        return None
    return values.organisation(typed)


def _required_text(problem: Problem, limit: int) -> Any:
    return lambda typed, _answers: values.text(typed, limit=limit, problem=problem)


def _requirements(typed: str, _answers: Mapping[str, Any]) -> str | None:
    if compact_key(typed) in words().none:
        return None
    return values.text(typed, limit=values.REQUIREMENTS_LIMIT, problem=Problem.BAD_TITLE)


def _contact(typed: str, _answers: Mapping[str, Any]) -> str:
    phone = values.contact(typed)
    if phone is None:
        raise OpeningError(Problem.BAD_CONTACT, "a phone number is required")
    return phone


def _hours(typed: str, _answers: Mapping[str, Any]) -> str:
    return str(values.opening({"hours": typed})["hours"])


def _positions(typed: str, _answers: Mapping[str, Any]) -> int:
    count = parse_persian_number(words().people.sub("", search_key(typed)))
    if count is None:
        raise OpeningError(Problem.BAD_NUMBER, "a number of people", value=typed)
    return values.number(count, low=1, high=values.MAX_POSITIONS, required=True) or 1


def wage(typed: str) -> tuple[int | None, int | None]:
    """(lowest, highest) monthly wage in toman: «۱۸ تا ۲۲ میلیون تومان», «۲۰ میلیون», «توافقی» (None, None)."""
    known = words()
    text = known.currency.sub("", search_key(typed)).strip()
    if any(word in text for word in known.by_agreement):
        return None, None
    parts = RANGE_WORD.split(text)
    if len(parts) > 2 or not all(part.strip() for part in parts):
        raise OpeningError(Problem.BAD_NUMBER, "a wage or a range", value=typed)
    unit = known.multiplier.search(parts[-1])
    amounts = []
    for part in parts:
        amount = parse_persian_number(part)
        if amount is None:
            raise OpeningError(Problem.BAD_NUMBER, "a wage or a range", value=typed)
        if known.multiplier.search(part) is None:
            # «۱۸ تا ۲۲ میلیون»: the unit said once is for both ends.
            amount *= known.multipliers[unit[1]] if unit else (10**6 if amount < _MILLIONS_BELOW else 1)
        amounts.append(values.number(amount, low=0, high=values.MAX_WAGE_TOMAN))
    low, high = amounts[0], amounts[-1]
    values.check_wage(low, high)
    return low, high


def _wage(typed: str, _answers: Mapping[str, Any]) -> list[int | None]:
    return list(wage(typed))


_READERS: dict[str, Any] = {
    "business_name": _required_text(Problem.BAD_NAME, values.NAME_LIMIT),
    "province": _province,
    "city": _city,
    "organisation": _organisation,
    "sector": _required_text(Problem.BAD_NAME, values.SECTOR_LIMIT),
    "contact": _contact,
    "title": _required_text(Problem.BAD_TITLE, values.NAME_LIMIT),
    "field": lambda typed, _answers: values.field(typed),
    "positions": _positions,
    "hours": _hours,
    "wage": _wage,
    "insured": _yes_no,
    "requirements": _requirements,
    "suits_disability": _yes_no,
    "home_based": _yes_no,
}

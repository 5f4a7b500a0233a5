"""What an employer or staff type, checked and put in canonical form (the catalogue's reference words)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from karyar.catalogue.reference import compact_key, fields, places
from karyar.catalogue.validation import EMPLOYMENT_TYPES, GENDERS, ORGANISATIONS
from karyar.db.models import EmploymentType
from karyar.employers.errors import OpeningError, Problem
from karyar.facts import AGE_BOUNDS
from karyar.identity.identifiers import normalise_phone

NAME_LIMIT = 200
SECTOR_LIMIT = 64
REQUIREMENTS_LIMIT = 1000
MAX_POSITIONS = 1000
MAX_WAGE_TOMAN = 10**10
# Openings are for the organisations' clients; the youngest they serve is 15 (the policies' min_age).
MIN_WORKING_AGE = 15
EMPLOYER_ORGANISATIONS = ("emdad", "behzisti")
# The fields of an opening staff may edit, in the order the card shows them.
OPENING_FIELDS = (
    "title", "field", "positions", "hours", "wage_min_toman", "wage_max_toman", "insured", "requirements",
    "suits_disability", "home_based", "gender", "min_age",
)  # fmt: skip
# Home-based is a flag of its own: the hours say full-time, part-time or seasonal.
_HOURS = {word: code for word, code in EMPLOYMENT_TYPES.items() if code != EmploymentType.HOME_BASED}


def text(value: str | None, *, limit: int, problem: Problem, required: bool = True) -> str | None:
    cleaned = " ".join((value or "").split())
    if not cleaned:
        if required:
            raise OpeningError(problem, "a value is required", value=value or "")
        return None
    if len(cleaned) > limit:
        raise OpeningError(problem, f"at most {limit} characters", value=cleaned[:40])
    return cleaned


def organisation(value: str | None) -> str | None:
    """emdad or behzisti (or their Persian names); nothing means the employer deals with no organisation."""
    if not (value or "").strip():
        return None
    code = ORGANISATIONS.get(compact_key(value or ""))
    if code not in EMPLOYER_ORGANISATIONS:
        raise OpeningError(
            Problem.UNKNOWN_ORGANISATION,
            f"unknown organisation {value!r}; use emdad or behzisti",
            value=value or "",
        )
    return code


def place(province: str | None, city: str | None) -> tuple[str, str | None]:
    """The province and city in reference spelling; a city alone is enough to know the province."""
    known = places()
    city, province = (city or "").strip(), (province or "").strip()
    found_city = known.city(city) if city else None
    if city and found_city is None:
        raise OpeningError(Problem.UNKNOWN_CITY, f"unknown city {city!r}", value=city)
    found_province = known.province(province) if province else None
    if province and found_province is None:
        raise OpeningError(Problem.UNKNOWN_PROVINCE, f"unknown province {province!r}", value=province)
    if found_city is not None:
        city_province = known.city_province[found_city]
        if found_province is not None and found_province != city_province:
            raise OpeningError(
                Problem.CITY_ELSEWHERE,
                f"{found_city} is in {city_province}, not {found_province}",
                value=city or "",
            )
        found_province = city_province
    if found_province is None:
        raise OpeningError(Problem.UNKNOWN_PROVINCE, "a province or a city is required")
    return found_province, found_city


def contact(value: str | None) -> str | None:
    """A phone number in national form; nothing means none was given."""
    if not (value or "").strip():
        return None
    phone = normalise_phone(value or "")
    if phone is None:
        raise OpeningError(Problem.BAD_CONTACT, "not an Iranian phone number", value=value or "")
    return phone


def field(value: str) -> str:
    name = fields().canonical(value or "")
    if name is None:
        raise OpeningError(Problem.UNKNOWN_FIELD, f"unknown field {value!r}", value=value or "")
    return name


def number(value: int | None, *, low: int, high: int, required: bool = False) -> int | None:
    if value is None:
        if required:
            raise OpeningError(Problem.BAD_NUMBER, "a number is required")
        return None
    if isinstance(value, bool) or not low <= value <= high:
        raise OpeningError(Problem.BAD_NUMBER, f"{value} is not between {low} and {high}", value=str(value))
    return value


def choice(value: str, choices: Mapping[str, str]) -> str:
    code = choices.get(compact_key(value or ""))
    if code is None:
        known = ", ".join(dict.fromkeys(choices.values()))
        raise OpeningError(Problem.UNKNOWN_CHOICE, f"unknown value {value!r}; use {known}", value=value or "")
    return code


_CHECKS: dict[str, Any] = {
    "title": lambda v: text(v, limit=NAME_LIMIT, problem=Problem.BAD_TITLE),
    "field": field,
    "positions": lambda v: number(v, low=1, high=MAX_POSITIONS, required=True),
    "hours": lambda v: choice(v, _HOURS),
    "wage_min_toman": lambda v: number(v, low=0, high=MAX_WAGE_TOMAN),
    "wage_max_toman": lambda v: number(v, low=0, high=MAX_WAGE_TOMAN),
    "insured": bool,
    "requirements": lambda v: text(v, limit=REQUIREMENTS_LIMIT, problem=Problem.BAD_TITLE, required=False),
    "suits_disability": bool,
    "home_based": bool,
    "gender": lambda v: choice(v, GENDERS),
    "min_age": lambda v: number(v, low=MIN_WORKING_AGE, high=AGE_BOUNDS.high),
}


def opening(given: Mapping[str, Any]) -> dict[str, Any]:
    """Each value given, checked and canonical; raises OpeningError naming the first one at fault."""
    unknown = set(given) - set(OPENING_FIELDS)
    if unknown:
        raise ValueError(f"not fields of an opening: {', '.join(sorted(unknown))}")
    return {name: _CHECKS[name](value) for name, value in given.items()}


def check_wage(low: int | None, high: int | None) -> None:
    if low is not None and high is not None and low > high:
        raise OpeningError(Problem.WAGE_REVERSED, f"the lowest wage {low} is above the highest {high}")

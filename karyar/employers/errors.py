"""Why an employer's or an opening's details, or a review, were refused; each interface words it itself."""

from __future__ import annotations

import enum


class Problem(enum.StrEnum):
    BAD_NAME = "bad_name"
    BAD_TITLE = "bad_title"
    UNKNOWN_ORGANISATION = "unknown_organisation"
    UNKNOWN_PROVINCE = "unknown_province"
    UNKNOWN_CITY = "unknown_city"
    CITY_ELSEWHERE = "city_elsewhere"  # the city is in another province
    BAD_CONTACT = "bad_contact"
    UNKNOWN_FIELD = "unknown_field"
    BAD_NUMBER = "bad_number"  # positions, wage or age out of range
    WAGE_REVERSED = "wage_reversed"
    UNKNOWN_CHOICE = "unknown_choice"  # hours or gender
    UNKNOWN_EMPLOYER = "unknown_employer"
    NOT_FOUND = "not_found"
    NOT_PENDING = "not_pending"  # decided already
    NO_REASON = "no_reason"  # a rejection needs the reason the employer reads
    NOT_ALLOWED = "not_allowed"


class OpeningError(ValueError):
    """A refused change; `value` is the input at fault, if any."""

    def __init__(self, problem: Problem, message: str, *, value: str = "") -> None:
        super().__init__(message)
        self.problem = problem
        self.value = value

"""What a reader asks for, in one line: a period, and optionally an organisation and a province.

«/report ماه قبل بهزیستی تهران», «1405/08 emdad», «امسال خراسان رضوی»: the organisation and province are
recognised wherever they stand and the rest is the period. A reader limited to some organisations or
provinces gets those by default and is refused others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from karyar.catalogue.reference import places
from karyar.reports import periods
from karyar.reports.periods import Period
from karyar.reports.scope import ORGANISATIONS, Scope
from karyar.reports.words import request_words
from karyar.texts import _
from persian.text import search_key

EVERYTHING = Scope()


class RequestError(ValueError):
    """The request cannot be answered; the message is Persian and says why."""


@dataclass(frozen=True, slots=True)
class ReportRequest:
    period: Period
    scope: Scope


def _take(text: str, phrase: str) -> tuple[str, bool]:
    """`text` without the whole-word `phrase` (both search keys), and whether it was there."""
    pattern = re.compile(rf"(?:^|\s){re.escape(phrase)}(?=\s|$)")
    remaining, found = pattern.subn(" ", text)
    return remaining, found > 0


def parse(text: str, *, allowed: Scope = EVERYTHING, today: datetime | None = None) -> ReportRequest:
    remaining = search_key(text)
    organisations = []
    for organisation, words in request_words().organisations.items():
        for word in words:
            remaining, found = _take(remaining, search_key(word))
            if found and organisation not in organisations:
                organisations.append(organisation)
    provinces = []
    for name in sorted(places().provinces, key=len, reverse=True):  # «خراسان رضوی» before a shorter name
        remaining, found = _take(remaining, search_key(name))
        if found:
            provinces.append(name)
    # The period is read from the original text's words that are left, so its digits and signs survive.
    period = periods.parse(_unkeyed_rest(text, remaining), today=today)
    return ReportRequest(period=period, scope=within(Scope(tuple(organisations), tuple(provinces)), allowed))


def _unkeyed_rest(original: str, remaining_key: str) -> str:
    """The words of `original` whose search keys are still in `remaining_key`, in their order."""
    left = remaining_key.split()
    kept = []
    for word in original.split():
        key = search_key(word)
        if key and key in left:
            left.remove(key)
            kept.append(word)
        elif not key:
            kept.append(word)
    return " ".join(kept)


def within(asked: Scope, allowed: Scope) -> Scope:
    """What was asked, bounded by what the reader may see (all of it when nothing was asked)."""
    for organisation in asked.organisations:
        if allowed.organisations and organisation not in allowed.organisations:
            raise RequestError(_("Report request: organisation not allowed"))
    for province in asked.provinces:
        if allowed.provinces and province not in allowed.provinces:
            raise RequestError(_("Report request: province not allowed").format(province=province))
    return Scope(
        organisations=asked.organisations or tuple(o for o in allowed.organisations if o in ORGANISATIONS),
        provinces=asked.provinces or allowed.provinces,
    )

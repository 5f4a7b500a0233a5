"""A correction of one part of the résumé, stored as her profile facts (history kept, as with any fact)."""

from __future__ import annotations

import enum
from typing import cast

from sqlalchemy import update
from sqlalchemy.orm import Session

from karyar.catalogue.reference import compact_key, fields, places
from karyar.clock import now
from karyar.db.models import Client, ProfileFact
from karyar.facts import FACT_BY_NAME, ProfileFactName
from karyar.identity.identifiers import find_identifiers
from karyar.profile import record_fact
from karyar.resume.resume import NOTE_NAMES, PHONE_KEPT, PHONE_SHARED, Part
from karyar.vocabulary import value_label

SOURCE = "resume"
TEXT_LIMIT = 200
FIELD_LIMIT = 64


class Problem(enum.StrEnum):
    NO_CONSENT = "no_consent"  # the privacy notice is not accepted: nothing personal is stored
    EMPTY = "empty"
    TOO_LONG = "too_long"
    IDENTIFIER = "identifier"  # a phone number or national id typed into a part: kept out of the résumé
    UNKNOWN_PLACE = "unknown_place"
    UNKNOWN_CHOICE = "unknown_choice"


# The parts answered with a button: their canonical values.
CHOICES: dict[Part, tuple[str, ...]] = {
    Part.EDUCATION: FACT_BY_NAME[ProfileFactName.EDUCATION].values,
    Part.PHONE: (PHONE_SHARED, PHONE_KEPT),
}


def correct(session: Session, *, client_id: int, part: Part, answer: str) -> Problem | None:
    """Store her new answer for the part; the problem if it cannot be taken as it is."""
    if session.get_one(Client, client_id).consent_given_at is None:
        return Problem.NO_CONSENT
    answer = " ".join(answer.split())
    if not answer:
        return Problem.EMPTY
    if part in CHOICES:
        return _choice(session, client_id, part, answer)
    if part is Part.PLACE:
        return _place(session, client_id, answer)
    if len(answer) > (FIELD_LIMIT if part is Part.FIELD else TEXT_LIMIT):
        return Problem.TOO_LONG
    if find_identifiers(answer):
        return Problem.IDENTIFIER
    if part is Part.FIELD:
        _supersede(session, client_id, ProfileFactName.FIELD)
        named = [mention.field for mention in fields().mentioned(answer)] or [answer]
        for field in named:
            _record(session, client_id, ProfileFactName.FIELD, field)
        return None
    _record(session, client_id, NOTE_NAMES[part], answer)
    return None


def _choice(session: Session, client_id: int, part: Part, answer: str) -> Problem | None:
    name = ProfileFactName.EDUCATION if part is Part.EDUCATION else NOTE_NAMES[part]
    values = CHOICES[part]
    # A button gives the value itself; a typed answer is read against the values' Persian labels.
    found = answer if answer in values else _by_label(name, values, answer)
    if found is None:
        return Problem.UNKNOWN_CHOICE
    _record(session, client_id, name, found)
    return None


def _by_label(name: str, values: tuple[str, ...], answer: str) -> str | None:
    key = compact_key(answer)
    return next((value for value in values if compact_key(value_label(name, value)) == key), None)


def _place(session: Session, client_id: int, answer: str) -> Problem | None:
    known = places()
    city = known.city(answer)
    province = known.city_province[city] if city else known.province(answer)
    if province is None:
        return Problem.UNKNOWN_PLACE
    _record(session, client_id, ProfileFactName.PROVINCE, province)
    if city:
        _record(session, client_id, ProfileFactName.CITY, city)
    else:
        # A city of her old province would no longer be where she lives.
        _supersede(session, client_id, ProfileFactName.CITY)
    return None


def _record(session: Session, client_id: int, name: str, value: str) -> None:
    # Résumé notes are stored beside karyar.facts under names of their own; record_fact only stores the name.
    record_fact(session, client_id=client_id, name=cast(ProfileFactName, name), value=value, source=SOURCE)


def _supersede(session: Session, client_id: int, name: str) -> None:
    session.execute(
        update(ProfileFact)
        .where(
            ProfileFact.client_id == client_id,
            ProfileFact.name == name,
            ProfileFact.member.is_(None),
            ProfileFact.superseded_at.is_(None),
        )
        .values(superseded_at=now())
    )

"""Whom a catalogue item fits: the target groups a client is in or may be in, what their facts leave open
about an item, and which items need full physical strength (fit.yml, read once).

The same rules serve one client (Person, for a search and its cards) and many at once (`item_fits`, SQL
over columns of clients' facts, for matching alerts).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, cast, false, null, or_

from karyar.data_files import read_data_file
from karyar.db.models import CatalogueItem, SuitableGender
from karyar.eligibility.engine import WOMEN_ONLY_GROUPS, fact
from karyar.eligibility.model import Profile
from karyar.facts import FACT_BY_NAME, ProfileFactName
from persian.text import search_key

FIT_FILE = Path(__file__).resolve().parent / "fit.yml"
FEMALE_HEAD = "female_head_of_household"
SELF_SUPPORTING_GIRL = "self_supporting_girl"
DISABILITY = "person_with_disability"
ALL_GROUPS = frozenset(FACT_BY_NAME[ProfileFactName.TARGET_GROUP].values)
ORGANISATIONS = FACT_BY_NAME[ProfileFactName.ORGANISATION].values

# A group the facts put a client in without her saying so: a woman heading her household.
IMPLIED_GROUPS: dict[str, tuple[tuple[str, str], ...]] = {
    FEMALE_HEAD: (("gender", "female"), ("household_role", "head")),
}
# Groups a fact rules out: a man is neither a female head of household nor a self-supporting girl; for a
# wife or a child the head of the household is someone else, and a girl living with her family is not on
# her own.
RULED_OUT_BY: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("gender", "male", WOMEN_ONLY_GROUPS),
    ("household_role", "spouse", frozenset({FEMALE_HEAD, SELF_SUPPORTING_GIRL})),
    ("household_role", "child", frozenset({FEMALE_HEAD, SELF_SUPPORTING_GIRL})),
)


@cache
def heavy_field_keys() -> tuple[str, ...]:
    """The search keys of fields whose work is heavy (compared with an item's field_key)."""
    return tuple(search_key(str(name)) for name in read_data_file(FIT_FILE)["heavy_fields"])


@cache
def heavy_requirement_phrases() -> tuple[str, ...]:
    """Phrases in an item's requirements that ask for full physical strength."""
    return tuple(str(phrase) for phrase in read_data_file(FIT_FILE)["heavy_requirements"])


def is_heavy(item: CatalogueItem) -> bool:
    if item.field_key in heavy_field_keys():
        return True
    return any(phrase in (item.requirements or "") for phrase in heavy_requirement_phrases())


@dataclass(frozen=True, slots=True)
class Person:
    """What the catalogue needs to know of a client; None is unknown."""

    gender: str | None
    age: int | None
    organisation: str | None
    groups: frozenset[str]  # the target groups the client is surely in
    groups_known: bool  # the client said which groups they are in (or none)
    ruled_out: frozenset[str]  # groups their other facts rule out (a wife is not a female head of household)
    disability: bool  # a person with a disability, or limited ability to work

    @classmethod
    def of(cls, profile: Profile) -> Person:
        said: frozenset[str] | None = fact(profile, "target_group")
        groups = set(said or ())
        for group, facts in IMPLIED_GROUPS.items():
            if all(fact(profile, name) == value for name, value in facts):
                groups.add(group)
        ruled_out: set[str] = set()
        for name, value, out in RULED_OUT_BY:
            if fact(profile, name) == value:
                ruled_out |= out
        return cls(
            gender=fact(profile, "gender"),
            age=fact(profile, "age"),
            organisation=fact(profile, "organisation"),
            groups=frozenset(groups),
            groups_known=said is not None,
            ruled_out=frozenset(ruled_out - groups),
            disability=DISABILITY in groups or fact(profile, "work_ability") == "limited",
        )

    def possible_groups(self) -> tuple[str, ...] | None:
        """The groups the client is or may be in, for the search; None when nothing rules any out."""
        if self.groups_known:
            return tuple(sorted(self.groups))
        if not self.ruled_out:
            return None
        return tuple(sorted(ALL_GROUPS - self.ruled_out))

    def open_groups(self, item: CatalogueItem) -> list[str]:
        """The item's target groups when the client is not known to be in any of them (it depends on that)."""
        if not item.target_groups or self.groups & set(item.target_groups):
            return []
        return [group for group in item.target_groups if group not in self.ruled_out]

    def open_gender(self, item: CatalogueItem) -> str | None:
        return item.gender if item.gender != SuitableGender.ANY and self.gender is None else None

    def open_ages(self, item: CatalogueItem) -> bool:
        return self.age is None and (item.min_age is not None or item.max_age is not None)

    def open_organisations(self, item: CatalogueItem) -> list[str]:
        return list(item.organisations) if item.organisations and self.organisation is None else []

    def unknown_facts(self) -> list[str]:
        """The facts that decide whether an item fits and are not known: their names, in asking order."""
        missing = {
            ProfileFactName.ORGANISATION: self.organisation is None,
            ProfileFactName.AGE: self.age is None,
            ProfileFactName.GENDER: self.gender is None,
            ProfileFactName.TARGET_GROUP: not self.groups_known and not self.groups,
        }
        return [name for name, unknown in missing.items() if unknown]


@dataclass(frozen=True, slots=True)
class ClientColumns:
    """Many clients' facts as SQL expressions, NULL where a fact is unknown or declined: what `item_fits`
    compares items with when alerts are matched for everyone at once."""

    # gender (as `known_gender` works it out), household_role, organisation (text), age (a number)
    facts: Mapping[str, ColumnElement[Any]]
    said_group: Callable[[str], ColumnElement[bool]]  # the client said she is in this group
    groups_known: ColumnElement[bool]  # she answered which groups she is in (or none)


def known_gender(
    said: ColumnElement[Any], declined: ColumnElement[bool], said_group: Callable[[str], ColumnElement[bool]]
) -> ColumnElement[Any]:
    """engine.fact's gender for many clients: the one she said, else a woman when she said she is in a
    group only women are in, unless she declined to say."""
    women_only = or_(*[said_group(group) for group in sorted(WOMEN_ONLY_GROUPS)])
    return case(
        (said.is_not(None), said),
        (and_(~declined, women_only), SuitableGender.FEMALE.value),
        else_=null(),
    )


def item_fits(model: type[CatalogueItem], client: ClientColumns) -> list[ColumnElement[bool]]:
    """Conditions an item meets for a client whose facts do not rule it out; unknown facts rule out nothing.

    The SQL form of what a search asks of an item for one client (gender, age limits, organisation, target
    groups as Person works them out), for comparing items with many clients in one query.
    """
    gender, age, organisation = (client.facts[name] for name in ("gender", "age", "organisation"))
    organisations = cast(model.organisations, String)
    groups = cast(model.target_groups, String)
    return [
        or_(model.gender == SuitableGender.ANY, gender.is_(None), model.gender == gender),
        or_(age.is_(None), model.min_age.is_(None), model.min_age <= age),
        or_(age.is_(None), model.max_age.is_(None), model.max_age >= age),
        or_(
            organisations == "[]",
            organisation.is_(None),
            *[and_(organisation == code, _holds(organisations, code)) for code in ORGANISATIONS],
        ),
        or_(groups == "[]", *[and_(_holds(groups, g), _may_be_in(client, g)) for g in sorted(ALL_GROUPS)]),
    ]


def _holds(json_text: ColumnElement[str], code: str) -> ColumnElement[bool]:
    """A JSON list of plain codes, as text, holds the code (the same on SQLite and PostgreSQL)."""
    return json_text.contains(f'"{code}"', autoescape=True)


def _may_be_in(client: ClientColumns, group: str) -> ColumnElement[bool]:
    """Person.possible_groups for many clients: said or implied, or not ruled out while none were said."""
    implied = IMPLIED_GROUPS.get(group)
    implied_by = and_(*[client.facts[name] == value for name, value in implied]) if implied else false()
    out = [
        and_(client.facts[name].is_not(None), client.facts[name] == value)
        for name, value, groups in RULED_OUT_BY
        if group in groups
    ]
    ruled_out = or_(*out) if out else false()
    return or_(client.said_group(group), implied_by, and_(~client.groups_known, ~ruled_out))

"""Whom a catalogue item fits: the target groups a client is in or may be in, what their facts leave open
about an item, and which items need full physical strength (fit.yml, read once)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from karyar.data_files import read_data_file
from karyar.db.models import CatalogueItem, SuitableGender
from karyar.eligibility.engine import fact
from karyar.eligibility.model import Profile
from karyar.facts import FACT_BY_NAME, ProfileFactName
from persian.text import search_key

FIT_FILE = Path(__file__).resolve().parent / "fit.yml"
FEMALE_HEAD = "female_head_of_household"
SELF_SUPPORTING_GIRL = "self_supporting_girl"
DISABILITY = "person_with_disability"
ALL_GROUPS = frozenset(FACT_BY_NAME[ProfileFactName.TARGET_GROUP].values)


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
        gender, role = fact(profile, "gender"), fact(profile, "household_role")
        said: frozenset[str] | None = fact(profile, "target_group")
        groups = set(said or ())
        if gender == "female" and role == "head":
            groups.add(FEMALE_HEAD)
        ruled_out = set()
        if gender == "male":
            ruled_out |= {FEMALE_HEAD, SELF_SUPPORTING_GIRL}
        if role in ("spouse", "child"):
            # The head of the household is someone else, and a girl living with her family is not on her own.
            ruled_out |= {FEMALE_HEAD, SELF_SUPPORTING_GIRL}
        return cls(
            gender=gender,
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

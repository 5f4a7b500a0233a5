"""The client facts: every fact a client can tell us about themselves, its kind, its canonical values or
bounds, the order the intake asks it in, and the key of its label.

This table is the one definition. The stored names (profile_facts.name), the eligibility engine's profile,
the policy files' schema, the checks of the intake's answers and the labels are built from it or tested
against it, and so are Rasa's domain (slots, questions) and the NLU lookup tables.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal, get_args


class ProfileFactName(enum.StrEnum):
    """The names facts are stored under; members are in the order facts are shown to counsellors."""

    AGE = "age"
    GENDER = "gender"
    PROVINCE = "province"
    CITY = "city"
    EDUCATION = "education"
    ORGANISATION = "organisation"
    TARGET_GROUP = "target_group"
    FIELD = "field"
    EMPLOYMENT_STATUS = "employment_status"
    HOUSEHOLD_ROLE = "household_role"
    EMDAD_SUPPORT = "emdad_support"
    SCHOOL_GRADE = "school_grade"
    WORK_ABILITY = "work_ability"
    WORK_EXPERIENCE = "work_experience"
    LOCATION = "location"
    # Phone numbers and national ids are not facts: they are kept encrypted in client_identifiers.


class FactKind(enum.StrEnum):
    NUMBER = "number"  # a whole number within bounds
    CHOICE = "choice"  # one of the canonical values
    TEXT = "text"  # free text (places and fields are read against the reference data)


# A fact the client chose not to answer: known to be unknown, so it is not asked again.
SKIPPED = "skipped"
# A target_group answer meaning "none of these groups": known, and empty.
NO_TARGET_GROUP = "none"
# A school_grade answer for students past school.
UNIVERSITY = "university"

# The canonical values of the choice facts, as types the policy schema checks policy files with.
Organisation = Literal["emdad", "behzisti", "none"]
Gender = Literal["female", "male"]
HouseholdRole = Literal["head", "spouse", "child", "other"]
EmdadSupport = Literal["living_allowance", "single_multi_service"]
TargetGroup = Literal[
    "female_head_of_household",
    "self_supporting_girl",
    "person_with_disability",
    "recovered_addict",
    "care_leaver",
    "orphan",
    "deprived_area_resident",
    "referred_by_official",
]
EmploymentStatus = Literal["unemployed", "employed", "self_employed", "student"]
Education = Literal["none", "primary", "middle", "diploma", "associate", "bachelor", "master", "doctorate"]
WorkAbility = Literal["full", "limited"]
WorkExperience = Literal["none", "some", "experienced"]


@dataclass(frozen=True, slots=True)
class Bounds:
    """Both ends included."""

    low: int
    high: int

    def __contains__(self, number: object) -> bool:
        return isinstance(number, int) and self.low <= number <= self.high


# Ages we take: working age is what every service is about, but the family is served as a family and a
# parent often writes for a child, so a child old enough to be told «not yet, from 15» is accepted (10, the
# lowest minimum age a policy may set); 100 leaves room for the elderly of the motivation plans.
AGE_BOUNDS = Bounds(10, 100)
SCHOOL_GRADES = Bounds(1, 12)


@dataclass(frozen=True, slots=True)
class Fact:
    name: ProfileFactName
    kind: FactKind
    values: tuple[str, ...] = ()  # CHOICE: the canonical values
    bounds: Bounds | None = None  # NUMBER
    # Answers only a button gives (the NLU has no words for them, so no lookup entry): the engine reads each.
    button_only: tuple[str, ...] = ()
    accumulates: bool = False  # a new value adds to the ones in force instead of replacing them
    asked: bool = True  # the intake asks it; otherwise it only arrives another way

    @property
    def label_key(self) -> str:
        """The key of the fact's Persian label."""
        return f"Fact: {self.name}"

    @property
    def answers(self) -> frozenset[str]:
        """Every stored form of a choice or a number: what buttons and the NLU may give as the answer."""
        given = self.values
        if self.bounds is not None:
            given = tuple(str(number) for number in range(self.bounds.low, self.bounds.high + 1))
        return frozenset((*given, *self.button_only))


_F = ProfileFactName
# In asking order: who the client is first (it decides which questions matter), then what decides the
# rules, then what narrows a search. Education never changes a result; courses and jobs may ask for it.
FACTS: tuple[Fact, ...] = (
    Fact(_F.ORGANISATION, FactKind.CHOICE, get_args(Organisation)),
    Fact(_F.AGE, FactKind.NUMBER, bounds=AGE_BOUNDS),
    Fact(_F.GENDER, FactKind.CHOICE, get_args(Gender)),
    Fact(_F.HOUSEHOLD_ROLE, FactKind.CHOICE, get_args(HouseholdRole)),
    Fact(_F.EMDAD_SUPPORT, FactKind.CHOICE, get_args(EmdadSupport)),
    Fact(_F.TARGET_GROUP, FactKind.CHOICE, get_args(TargetGroup), button_only=(NO_TARGET_GROUP,)),
    Fact(_F.EMPLOYMENT_STATUS, FactKind.CHOICE, get_args(EmploymentStatus)),
    Fact(_F.SCHOOL_GRADE, FactKind.NUMBER, bounds=SCHOOL_GRADES, button_only=(UNIVERSITY,)),
    Fact(_F.EDUCATION, FactKind.CHOICE, get_args(Education)),
    Fact(_F.WORK_ABILITY, FactKind.CHOICE, get_args(WorkAbility)),
    Fact(_F.WORK_EXPERIENCE, FactKind.CHOICE, get_args(WorkExperience)),
    Fact(_F.FIELD, FactKind.TEXT, accumulates=True),
    Fact(_F.PROVINCE, FactKind.TEXT),
    Fact(_F.CITY, FactKind.TEXT),
    Fact(_F.LOCATION, FactKind.TEXT, asked=False),  # a shared map location, «lat,lon»
)

FACT_BY_NAME: dict[str, Fact] = {fact.name: fact for fact in FACTS}
ASKING_ORDER: tuple[ProfileFactName, ...] = tuple(fact.name for fact in FACTS if fact.asked)

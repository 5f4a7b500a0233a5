"""The shape of a policy file, checked field by field (unknown keys are refused, so typos never pass).

Criteria name client facts and their canonical values as karyar.facts defines them: a policy that names
an unknown fact or value, or an age or grade out of the fact's bounds, is refused.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, StringConstraints, field_validator
from pydantic_core.core_schema import ValidationInfo

from karyar.facts import (
    AGE_BOUNDS,
    SCHOOL_GRADES,
    EmdadSupport,
    EmploymentStatus,
    Gender,
    HouseholdRole,
    Organisation,
    TargetGroup,
    WorkAbility,
    WorkExperience,
)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")]
Age = Annotated[int, Field(ge=AGE_BOUNDS.low, le=AGE_BOUNDS.high)]
SchoolGrade = Annotated[int, Field(ge=SCHOOL_GRADES.low, le=SCHOOL_GRADES.high)]
ServiceKind = Literal["training", "placement", "insurance", "loan", "capital", "allowance", "internship"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Criterion(_Strict):
    """Who a rule is about: every key given must hold; a list of criteria holds when any one of them does."""

    age_min: Age | None = None
    age_max: Age | None = None  # inclusive: 17 means "under 18"
    gender: list[Gender] | None = None
    organisation: list[Organisation] | None = None
    household_role: list[HouseholdRole] | None = None
    emdad_support: list[EmdadSupport] | None = None
    target_group: list[TargetGroup] | None = None  # holds when the client is in any of them
    employment_status: list[EmploymentStatus] | None = None
    school_grade: list[SchoolGrade] | None = None
    work_ability: list[WorkAbility] | None = None
    work_experience: list[WorkExperience] | None = None

    @field_validator("age_max")
    @classmethod
    def _max_not_below_min(cls, value: int | None, info: ValidationInfo) -> int | None:
        low = info.data.get("age_min")
        if value is not None and low is not None and value < low:
            raise ValueError(f"age_max ({value}) is below age_min ({low})")
        return value


class Consent(_Strict):
    """A letter of consent from the head of household, and whom it is required from."""

    required_for: list[Criterion]
    text: Text  # shown when the rule applies to the client
    text_when_unsure: Text  # shown while we cannot tell yet; it says whom the rule is for


class Requirement(_Strict):
    """A rule that excludes people from some services (e.g. single/multi-service clients with a job)."""

    id: Identifier
    services: list[Identifier] | None = None  # absent: every service of the policy
    applies_to: list[Criterion] | None = None  # absent: applies to everyone
    must: list[Criterion]
    reason: Text  # why the client is not eligible, citing the rule


class Service(_Strict):
    id: Identifier
    kind: ServiceKind
    title: Text
    for_you: Text | None = None  # why the client may apply, citing the rule (not needed when nobody can)
    audience: list[Criterion] | None = None  # absent: everyone who passes the requirements; []: nobody
    not_for_you: Text | None = None  # why not, when the audience excludes the client
    suits: list[Criterion] | None = None  # whom the option suits best (a suggestion, never a refusal)
    suits_you: Text | None = None
    consent: Identifier | None = None  # a key of `consents`
    amount: Identifier | None = None  # a key of `figures`: the fixed amount in toman
    notes: list[Text] = []
    conditions: list[Text] = []
    documents: list[Text] = []
    next_steps: list[Text] = []


class SubGroup(_Strict):
    id: Identifier
    title: Text
    when: list[Criterion]


class PriorityGroup(_Strict):
    id: Identifier
    title: Text
    when: list[Criterion]
    sub_groups: list[SubGroup] = []  # in order: the first that holds is the client's
    default_sub_group: Identifier | None = None  # when none of the sub-groups holds


class Elsewhere(_Strict):
    """A topic outside Karyar (subsidies, housing, …) and who does answer it, told to the client instead."""

    topic: Identifier  # a topic of karyar/policies/elsewhere_words.yml
    answer: Text


class EmployerOffer(_Strict):
    """What the organisation offers an employer who hires its clients, in the seeds' wording."""

    id: Identifier
    title: Text
    text: Text
    # Offered only for hiring people in these groups (Behzisti's for people with a disability); absent: any.
    for_hiring: list[TargetGroup] | None = None


class Policy(_Strict):
    organisation: Literal["emdad", "behzisti", "general"]
    title: Text
    effective_from: date
    min_age: Annotated[int, Field(ge=AGE_BOUNDS.low, le=25)]  # full years
    too_young: Text
    final_say: Text  # added to every favourable answer: who decides, so nothing reads as a promise
    figures: dict[Identifier, PositiveInt] = {}  # amounts, percentages, months; usable in texts as {name}
    consents: dict[Identifier, Consent] = {}
    requirements: list[Requirement] = []
    priority: list[PriorityGroup] = []  # in order: rank 1 first
    services: list[Service]
    elsewhere: list[Elsewhere] = []
    employers: list[EmployerOffer] = []

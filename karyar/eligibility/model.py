"""The engine's input (a client's profile) and output (an assessment per service).

Every value is canonical (English identifiers); Persian is only in the texts the engine puts in results
(reasons, conditions, documents, next steps), which come from the policy files.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args


class Topic(enum.StrEnum):
    """What the client asked about; decides which facts the questions must collect."""

    ELIGIBILITY = "eligibility"  # every service
    COURSES = "courses"  # a course search
    JOBS = "jobs"  # a job search
    LOANS = "loans"  # loan plan types and capital


class Status(enum.StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    NEEDS_INFO = "needs_info"


# A fact the client chose not to answer: known to be unknown, so it is not asked again.
SKIPPED = "skipped"

# The canonical values of the facts (shared by the policy files' schema and the fact parser).
Gender = Literal["female", "male"]
Organisation = Literal["emdad", "behzisti", "none"]
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

FACT_VALUES: dict[str, frozenset[str]] = {
    "gender": frozenset(get_args(Gender)),
    "organisation": frozenset(get_args(Organisation)),
    "household_role": frozenset(get_args(HouseholdRole)),
    "emdad_support": frozenset(get_args(EmdadSupport)),
    "target_group": frozenset(get_args(TargetGroup)),
    "employment_status": frozenset(get_args(EmploymentStatus)),
    "education": frozenset(get_args(Education)),
    "work_ability": frozenset(get_args(WorkAbility)),
    "work_experience": frozenset(get_args(WorkExperience)),
}

# The order in which missing facts are asked: who the client is first (it decides which questions matter),
# then what decides the rules, then what narrows a search. Education never changes a result.
ASKING_ORDER: tuple[str, ...] = (
    "organisation",
    "age",
    "gender",
    "household_role",
    "emdad_support",
    "target_group",
    "employment_status",
    "school_grade",
    "work_ability",
    "work_experience",
    "field",
    "province",
    "city",
)


@dataclass(frozen=True, slots=True)
class Profile:
    """What we know about a client; None = not known yet, SKIPPED strings = declined to answer.

    Values: gender female|male; organisation emdad|behzisti|none; household_role head|spouse|child|other;
    emdad_support living_allowance|single_multi_service (Emdad only); target_groups from
    female_head_of_household|self_supporting_girl|person_with_disability|recovered_addict|care_leaver|
    orphan|deprived_area_resident|referred_by_official; employment_status unemployed|employed|self_employed|
    student; education none|primary|middle|diploma|associate|bachelor|master|doctorate; school_grade 1-12
    (only for students at school); work_ability full|limited; work_experience none|some|experienced.
    """

    age: int | None = None
    gender: str | None = None
    organisation: str | None = None
    household_role: str | None = None
    emdad_support: str | None = None
    target_groups: frozenset[str] = frozenset()
    target_groups_known: bool = False  # True once the client answered the target-group question
    employment_status: str | None = None
    education: str | None = None
    school_grade: int | None = None
    work_ability: str | None = None
    work_experience: str | None = None
    province: str | None = None
    city: str | None = None
    fields: tuple[str, ...] = ()
    skipped: frozenset[str] = frozenset()  # names of every fact the client declined (never asked again)

    @classmethod
    def from_facts(cls, facts: Mapping[str, Sequence[str]]) -> Profile:
        """Build a profile from stored facts (karyar.profile.current_profile) or form slots."""
        from karyar.eligibility.facts import profile_from_facts

        return profile_from_facts(facts)


@dataclass(frozen=True, slots=True)
class Priority:
    """Where the client stands in the organisation's priority order (1 = served first)."""

    group: str  # e.g. "living_allowance", "client_child", "single_multi_service"
    title: str  # Persian, from the policy
    rank: int
    sub_group: str | None = None  # Emdad single/multi-service sub-order: "a", "b", "c"
    sub_title: str | None = None
    sub_rank: int | None = None


@dataclass(frozen=True, slots=True)
class ServiceResult:
    service: str  # e.g. "training.skill", "placement", "loan.self_sufficiency", "behzisti.work_capital"
    title: str  # Persian, from the policy
    status: Status
    reasons: tuple[str, ...] = ()  # Persian, each citing the rule it applies
    missing: tuple[str, ...] = ()  # fact names that would decide a NEEDS_INFO
    conditions: tuple[str, ...] = ()  # Persian: what must be fulfilled (e.g. the head-of-household letter)
    documents: tuple[str, ...] = ()  # Persian
    next_steps: tuple[str, ...] = ()  # Persian
    amount_toman: int | None = None  # for fixed amounts in the policy (capital, allowance); never promised
    notes: tuple[str, ...] = ()  # Persian: what the service is and what it offers (e.g. employer incentives)
    suggested: bool = False  # the client's answers match whom the option suits; a counsellor still decides


@dataclass(frozen=True, slots=True)
class Assessment:
    organisation: str
    policy_effective_from: str  # ISO date of the policy applied
    services: tuple[ServiceResult, ...]
    priority: Priority | None = None
    missing: tuple[str, ...] = field(default=())  # every fact still missing, in asking order

    def by_status(self, status: Status) -> tuple[ServiceResult, ...]:
        return tuple(result for result in self.services if result.status == status)

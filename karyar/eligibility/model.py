"""The engine's input (a client's profile) and output (an assessment per service).

Every value is canonical (English identifiers); Persian is only in the texts the engine puts in results
(reasons, conditions, documents, next steps), which come from the policy files.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from karyar.facts import (
    AGE_BOUNDS,
    FACT_BY_NAME,
    NO_TARGET_GROUP,
    SCHOOL_GRADES,
    SKIPPED,
    UNIVERSITY,
    Bounds,
)


class Topic(enum.StrEnum):
    """What the client asked about; decides which facts the questions must collect."""

    ELIGIBILITY = "eligibility"  # every service
    COURSES = "courses"  # a course search
    JOBS = "jobs"  # a job search
    LOANS = "loans"  # loan plan types and capital


# The requests (intents of the NLU) that need the client's facts, and the topic each asks about.
TOPIC_OF_INTENT = {
    "ask_eligibility": Topic.ELIGIBILITY,
    "ask_training": Topic.COURSES,
    "ask_jobs": Topic.JOBS,
    "ask_loan": Topic.LOANS,
}


class Status(enum.StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    NEEDS_INFO = "needs_info"


# A school_grade answer of a student past school reads as a grade above the last one, so the school-only
# rules (the student vocational level) say "not for you" instead of asking again.
PAST_SCHOOL_GRADE = SCHOOL_GRADES.high + 1


@dataclass(frozen=True, slots=True)
class Profile:
    """What we know about a client; None = not known yet, SKIPPED strings = declined to answer.

    Values are the canonical values of karyar.facts; emdad_support is for Emdad's clients only, school_grade
    for students at school.
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
        """Build a profile from stored facts (karyar.profile.current_profile) or form slots.

        Values that cannot be understood are ignored (as if never given), never an error.
        """
        skipped: set[str] = set()

        def last(name: str) -> str | None:
            values = [v.strip() for v in facts.get(name, ()) if isinstance(v, str) and v.strip()]
            if values and values[-1].lower() == SKIPPED:
                skipped.add(name)
                return SKIPPED
            return values[-1] if values else None

        def choice(name: str) -> str | None:
            value = last(name)
            if value is None:
                return None
            value = value.lower()
            return value if value == SKIPPED or value in FACT_BY_NAME[name].values else None

        def number(name: str, bounds: Bounds) -> int | None:
            value = last(name)
            try:
                parsed = int(value or "")  # int() reads Persian and Arabic-Indic digits too
            except ValueError:
                return None
            return parsed if parsed in bounds else None

        groups_given = [v.strip().lower() for v in facts.get("target_group", ()) if isinstance(v, str)]
        groups = frozenset(v for v in groups_given if v in FACT_BY_NAME["target_group"].values)
        if not groups and SKIPPED in groups_given:
            skipped.add("target_group")
        fields = tuple(
            dict.fromkeys(
                v.strip() for v in facts.get("field", ()) if isinstance(v, str) and v.strip() and v != SKIPPED
            )
        )
        if not fields and SKIPPED in facts.get("field", ()):
            skipped.add("field")

        profile = cls(
            age=number("age", AGE_BOUNDS),
            gender=choice("gender"),
            organisation=choice("organisation"),
            household_role=choice("household_role"),
            emdad_support=choice("emdad_support"),
            target_groups=groups,
            target_groups_known=bool(groups) or bool({SKIPPED, NO_TARGET_GROUP} & set(groups_given)),
            employment_status=choice("employment_status"),
            education=choice("education"),
            school_grade=PAST_SCHOOL_GRADE
            if last("school_grade") == UNIVERSITY
            else number("school_grade", SCHOOL_GRADES),
            work_ability=choice("work_ability"),
            work_experience=choice("work_experience"),
            province=last("province"),
            city=last("city"),
            fields=fields,
        )
        return replace(profile, skipped=frozenset(skipped))  # complete only once every fact was read


@dataclass(frozen=True, slots=True)
class Priority:
    """Where the client stands in the organisation's priority order (1 = served first)."""

    group: str  # e.g. "living_allowance", "client_child", "single_multi_service"
    title: str  # Persian, from the policy
    rank: int
    out_of: int = 0  # how many groups the order has, so "rank 1 of 3" says where the client stands
    sub_group: str | None = None  # Emdad single/multi-service sub-order: "a", "b", "c"
    sub_title: str | None = None
    sub_rank: int | None = None
    sub_out_of: int | None = None


@dataclass(frozen=True, slots=True)
class ServiceResult:
    service: str  # e.g. "training.skill", "placement", "loan.self_sufficiency", "behzisti.work_capital"
    title: str  # Persian, from the policy
    status: Status
    kind: str = ""  # the policy's kind: training, placement, insurance, loan, capital, allowance, internship
    reasons: tuple[str, ...] = ()  # Persian, each citing the rule it applies
    missing: tuple[str, ...] = ()  # fact names that would decide a NEEDS_INFO
    conditions: tuple[str, ...] = ()  # Persian: what must be fulfilled (e.g. the head-of-household letter)
    documents: tuple[str, ...] = ()  # Persian
    next_steps: tuple[str, ...] = ()  # Persian
    amount_toman: int | None = None  # for fixed amounts in the policy (capital, allowance); never promised
    notes: tuple[str, ...] = ()  # Persian: what the service is and what it offers (e.g. employer incentives)
    suggested: bool = False  # the client's answers match whom the option suits; a counsellor still decides
    option: bool = False  # one of several plan types the policy says whom each suits (one is suggested)
    suited_because: tuple[str, ...] = ()  # Persian: what the client said that makes the option suit them
    consent_letter: bool | None = False  # the head of household's letter is needed (None: cannot tell yet)


@dataclass(frozen=True, slots=True)
class Assessment:
    organisation: str
    policy_effective_from: str  # ISO date of the policy applied
    services: tuple[ServiceResult, ...]
    priority: Priority | None = None
    missing: tuple[str, ...] = field(default=())  # every fact still missing, in asking order

    def by_status(self, status: Status) -> tuple[ServiceResult, ...]:
        return tuple(result for result in self.services if result.status == status)

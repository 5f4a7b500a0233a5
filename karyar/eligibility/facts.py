"""From stored facts (name → values, as karyar.profile.current_profile returns them) to a Profile, and back
to the questions still worth asking."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from karyar.eligibility.engine import assess
from karyar.eligibility.model import FACT_VALUES, SKIPPED, Profile, Topic
from karyar.policies import PolicySet

# A target_group answer meaning "none of these groups": known, and empty.
NO_TARGET_GROUP = "none"
# A school_grade answer for students past school: read as a grade above the last one, so the school-only
# rules (the student vocational level) say "not for you" instead of asking again.
UNIVERSITY = "university"
PAST_SCHOOL_GRADE = 13


def profile_from_facts(facts: Mapping[str, Sequence[str]]) -> Profile:
    """Build a profile; values that cannot be understood are ignored (as if never given), never an error."""
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
        return value if value == SKIPPED or value in FACT_VALUES[name] else None

    def number(name: str, low: int, high: int) -> int | None:
        value = last(name)
        try:
            parsed = int(value or "")  # int() reads Persian and Arabic-Indic digits too
        except ValueError:
            return None
        return parsed if low <= parsed <= high else None

    groups_given = [v.strip().lower() for v in facts.get("target_group", ()) if isinstance(v, str)]
    groups = frozenset(v for v in groups_given if v in FACT_VALUES["target_group"])
    if not groups and SKIPPED in groups_given:
        skipped.add("target_group")
    fields = tuple(
        dict.fromkeys(
            v.strip() for v in facts.get("field", ()) if isinstance(v, str) and v.strip() and v != SKIPPED
        )
    )
    if not fields and SKIPPED in facts.get("field", ()):
        skipped.add("field")

    profile = Profile(
        age=number("age", 0, 120),
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
        else number("school_grade", 1, 12),
        work_ability=choice("work_ability"),
        work_experience=choice("work_experience"),
        province=last("province"),
        city=last("city"),
        fields=fields,
    )
    return replace(profile, skipped=frozenset(skipped))  # complete only once every fact was read


def missing_facts(profile: Profile, *, topic: Topic, policies: PolicySet) -> list[str]:
    """The facts still worth asking for this topic, in asking order (ProfileFactName values).

    Only facts that would change a result or a search are listed; known and declined facts never are.
    """
    return list(assess(profile, policies, topic=topic).missing)

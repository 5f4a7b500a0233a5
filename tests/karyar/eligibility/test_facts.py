"""Stored facts → profile (never crashing on odd values), and which questions are still worth asking."""

from __future__ import annotations

import pytest

from karyar.eligibility.engine import missing_facts
from karyar.eligibility.model import Profile, Topic
from karyar.facts import SKIPPED
from karyar.policies import PolicySet


def test_a_full_profile() -> None:
    profile = Profile.from_facts(
        {
            "age": ["۱۷"],
            "gender": ["female"],
            "province": ["تهران"],
            "city": ["ری"],
            "education": ["diploma"],
            "organisation": ["emdad"],
            "target_group": ["orphan", "female_head_of_household"],
            "field": ["خیاطی", "آرایشگری"],
            "employment_status": ["student"],
            "household_role": ["child"],
            "emdad_support": ["living_allowance"],
            "school_grade": ["11"],
            "work_ability": ["full"],
            "work_experience": ["some"],
        }
    )
    assert profile == Profile(
        age=17,
        gender="female",
        organisation="emdad",
        household_role="child",
        emdad_support="living_allowance",
        target_groups=frozenset({"orphan", "female_head_of_household"}),
        target_groups_known=True,
        employment_status="student",
        education="diploma",
        school_grade=11,
        work_ability="full",
        work_experience="some",
        province="تهران",
        city="ری",
        fields=("خیاطی", "آرایشگری"),
    )


def test_declined_facts_are_known_to_be_unknown() -> None:
    profile = Profile.from_facts(
        {"target_group": [SKIPPED], "age": [SKIPPED], "gender": [SKIPPED], "field": [SKIPPED]}
    )
    assert profile.target_groups == frozenset() and profile.target_groups_known
    assert profile.age is None and profile.gender == SKIPPED and profile.fields == ()
    assert profile.skipped == {"target_group", "age", "gender", "field"}


def test_none_of_the_target_groups_is_an_answer() -> None:
    profile = Profile.from_facts({"target_group": ["none"]})
    assert profile.target_groups == frozenset() and profile.target_groups_known
    assert profile.skipped == frozenset()


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ({"age": ["abc"]}, Profile()),
        ({"age": ["200"]}, Profile()),
        ({"age": ["15.5"]}, Profile()),
        ({"school_grade": ["13"]}, Profile()),
        ({"gender": ["unknown"]}, Profile()),
        ({"organisation": ["red_crescent"]}, Profile()),
        ({"target_group": ["pilots"]}, Profile()),
        ({"age": []}, Profile()),
        ({"field": ["", "  "]}, Profile()),
    ],
    ids=["text age", "age out of range", "fractional age", "grade 13", "odd gender", "odd organisation",
         "odd group", "no values", "blank field"],
)  # fmt: skip
def test_values_that_cannot_be_understood_are_ignored(
    stored: dict[str, list[str]], expected: Profile
) -> None:
    assert Profile.from_facts(stored) == expected


def test_the_latest_value_of_a_single_fact_wins() -> None:
    assert Profile.from_facts({"age": ["30", "31"], "gender": ["male", "Female"]}) == Profile(
        age=31, gender="female"
    )


def test_the_model_builds_itself_from_facts() -> None:
    assert Profile.from_facts({"age": ["20"]}).age == 20


def _missing(shipped: PolicySet, topic: Topic, **stored: str) -> list[str]:
    profile = Profile.from_facts({name: [value] for name, value in stored.items()})
    return missing_facts(profile, topic=topic, policies=shipped)


@pytest.mark.parametrize(
    ("topic", "stored", "expected"),
    [
        (Topic.ELIGIBILITY, {}, ["organisation", "age"]),
        (Topic.COURSES, {}, ["organisation", "age", "gender", "field", "province"]),
        (Topic.COURSES, {"organisation": "emdad"},
         ["age", "gender", "employment_status", "field", "province"]),
        (Topic.COURSES, {"organisation": "emdad", "age": "16", "gender": "male", "employment_status": "student"},
         ["household_role", "school_grade", "field", "province"]),  # the letter is for members, not a head
        (Topic.COURSES, {"organisation": "emdad", "age": "30", "gender": "female", "employment_status": "unemployed"},
         ["household_role", "field", "province"]),
        (Topic.LOANS, {"organisation": "emdad", "age": "62", "emdad_support": "living_allowance"}, []),
        (Topic.COURSES, {"organisation": "emdad", "age": "30", "gender": "male",
                         "employment_status": "unemployed"}, ["field", "province"]),
        (Topic.JOBS, {"organisation": "emdad"},
         ["age", "gender", "emdad_support", "employment_status", "field", "province", "city"]),
        (Topic.JOBS, {"organisation": "emdad", "age": "30", "gender": "female", "emdad_support": "living_allowance"},
         ["household_role", "field", "province", "city"]),
        (Topic.JOBS, {"organisation": "emdad", "age": "30", "gender": "male", "emdad_support": "living_allowance",
                      "household_role": "head", "field": "خیاطی", "province": "قزوین", "city": "قزوین"}, []),
        (Topic.LOANS, {"organisation": "emdad", "age": "30", "emdad_support": "single_multi_service",
                       "household_role": "head", "gender": "male", "employment_status": "unemployed"},
         ["target_group", "work_ability"]),
        (Topic.LOANS, {"organisation": "emdad", "age": "30", "emdad_support": "living_allowance"},
         ["work_ability"]),
        (Topic.LOANS, {"organisation": "emdad", "age": "30", "emdad_support": "living_allowance",
                       "work_ability": "full"}, ["work_experience"]),
        (Topic.ELIGIBILITY, {"organisation": "behzisti"}, ["age", "target_group"]),
        (Topic.LOANS, {"organisation": "behzisti", "age": "30"}, ["target_group"]),
        (Topic.JOBS, {"organisation": "none"}, ["age", "gender", "field", "province", "city"]),
        (Topic.JOBS, {"organisation": "behzisti", "age": "35", "target_group": "person_with_disability"},
         ["gender", "field", "province", "city"]),  # no rule needs it, but some jobs are for women only
        (Topic.JOBS, {"organisation": "behzisti", "age": "42", "target_group": "female_head_of_household"},
         ["field", "province", "city"]),  # a female head of household is a woman
        (Topic.ELIGIBILITY, {"organisation": "skipped", "age": "skipped"}, []),
        (Topic.COURSES, {"organisation": "behzisti", "age": "30", "gender": "skipped", "target_group": "skipped",
                         "field": "skipped", "province": "skipped"}, []),
    ],
    ids=["nothing known", "courses, nothing known", "emdad courses", "emdad student courses",
         "emdad courses, a woman: is she the head", "emdad loans, 62: the plan type is clear already",
         "emdad courses, rules settled", "emdad jobs", "emdad jobs, a woman", "emdad jobs, all known",
         "emdad single/multi-service loans", "emdad loans", "emdad loans, experience next", "behzisti",
         "behzisti loans", "general jobs", "behzisti jobs: gender for the search", "behzisti jobs: her group says she is a woman", "declined answers", "declined answers for a course search"],
)  # fmt: skip
def test_missing_facts(shipped: PolicySet, topic: Topic, stored: dict[str, str], expected: list[str]) -> None:
    assert _missing(shipped, topic, **stored) == expected


def test_emdad_questions_are_never_asked_of_behzisti_clients(shipped: PolicySet) -> None:
    for topic in Topic:
        asked = _missing(shipped, topic, organisation="behzisti")
        assert "emdad_support" not in asked and "household_role" not in asked


def test_the_grade_is_asked_of_students_only(shipped: PolicySet) -> None:
    common = {"organisation": "emdad", "age": "16", "gender": "female"}
    assert "school_grade" not in _missing(shipped, Topic.COURSES, **common, employment_status="unemployed")
    assert "school_grade" in _missing(shipped, Topic.COURSES, **common, employment_status="student")


def test_a_profile_holding_skipped_texts_is_not_asked_again(shipped: PolicySet) -> None:
    profile = Profile(organisation="emdad", age=30, gender=SKIPPED, employment_status=SKIPPED)
    assert missing_facts(profile, topic=Topic.COURSES, policies=shipped) == ["field", "province"]

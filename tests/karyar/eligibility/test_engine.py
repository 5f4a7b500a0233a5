"""The rules as a client sees them: status, the rule cited, the conditions, the priority rank."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from karyar.eligibility.engine import assess
from karyar.eligibility.model import Profile, ServiceResult, Status, Topic
from karyar.policies import PolicySet

CONSENT = "رضایت‌نامه"
DECLINED = "ترجیح دادید"


def facts(**values: str | list[str]) -> dict[str, list[str]]:
    return {name: value if isinstance(value, list) else [value] for name, value in values.items()}


def emdad(**values: str | list[str]) -> dict[str, list[str]]:
    return facts(organisation="emdad", **values)


def behzisti(**values: str | list[str]) -> dict[str, list[str]]:
    return facts(organisation="behzisti", **values)


@dataclass(frozen=True)
class Case:
    name: str
    facts: dict[str, list[str]]
    service: str
    status: Status
    reason: str | None = None  # a phrase of the rule the reasons must cite
    condition: str | None = None  # a phrase some condition must contain
    no_condition: str | None = None  # a phrase no condition may contain
    note: tuple[str, ...] = ()  # phrases the notes must contain
    missing: tuple[str, ...] | None = None
    suggested: bool | None = None
    because: tuple[str, ...] | None = None  # what the client said that makes the option suit them
    amount: int | None = None
    topic: Topic = Topic.ELIGIBILITY


ADULT = {"age": "30", "gender": "male", "employment_status": "unemployed"}

CASES = [
    # Minimum age: 15 full years.
    Case("age 14 is too young", emdad(age="14"), "training.skill", Status.NOT_ELIGIBLE, reason="۱۵ سال تمام"),
    Case("age 15 is old enough", emdad(age="15", gender="male", employment_status="unemployed"),
         "training.skill", Status.ELIGIBLE, reason="حداقل ۱۵ سال تمام"),
    Case("unknown age needs asking", emdad(gender="male", employment_status="unemployed"),
         "training.skill", Status.NEEDS_INFO, missing=("age",)),
    Case("declined age goes to a counsellor", emdad(age="skipped", employment_status="unemployed"),
         "training.skill", Status.NEEDS_INFO, reason=DECLINED, missing=("age",)),
    Case("age 14 cannot be placed", emdad(age="14", household_role="child", gender="male"),
         "placement", Status.NOT_ELIGIBLE, reason="۱۵ سال تمام"),
    Case("age 14 cannot apply for a loan", emdad(age="14"), "loan.motivation", Status.NOT_ELIGIBLE,
         reason="۱۵ سال تمام"),
    # Training consent: female of any age, male under 18.
    Case("male 15 trainee needs the letter", emdad(age="15", gender="male", employment_status="unemployed"),
         "training.skill", Status.ELIGIBLE, condition=CONSENT),
    Case("male 17 trainee needs the letter", emdad(age="17", gender="male", employment_status="unemployed"),
         "training.skill", Status.ELIGIBLE, condition=CONSENT),
    Case("male 18 trainee needs no letter", emdad(age="18", gender="male", employment_status="unemployed"),
         "training.skill", Status.ELIGIBLE, no_condition=CONSENT),
    Case("female 40 trainee needs the letter",
         emdad(age="40", gender="female", household_role="spouse", employment_status="unemployed"),
         "training.skill", Status.ELIGIBLE, condition=CONSENT),
    # The letter is the head of household's consent for the other members: a head never needs her own.
    Case("female head of household needs no training letter",
         emdad(age="45", gender="female", household_role="head", employment_status="unemployed"),
         "training.skill", Status.ELIGIBLE, no_condition=CONSENT),
    Case("daughter trainee needs the letter",
         emdad(age="22", gender="female", household_role="child", employment_status="unemployed"),
         "training.skill", Status.ELIGIBLE, condition="سرپرست خانواده‌تان"),
    Case("another woman of the household needs the letter",
         emdad(age="50", gender="female", household_role="other", employment_status="unemployed"),
         "training.skill", Status.ELIGIBLE, condition="سرپرست خانواده‌تان"),
    Case("boy of 16 who heads the household needs no letter",
         emdad(age="16", gender="male", household_role="head", employment_status="unemployed"),
         "training.skill", Status.ELIGIBLE, no_condition=CONSENT),
    Case("woman of unknown role: the letter is stated for members, not heads",
         emdad(age="40", gender="female", employment_status="unemployed"), "training.skill", Status.ELIGIBLE,
         condition="اگر خودتان سرپرست خانوار هستید"),
    Case("female head of household student needs no letter",
         emdad(age="17", gender="female", household_role="head", employment_status="student", school_grade="11"),
         "training.students", Status.ELIGIBLE, no_condition=CONSENT),
    Case("unknown gender: the letter rule is stated for whom it applies",
         emdad(age="30", employment_status="unemployed"), "training.skill", Status.ELIGIBLE,
         condition="آقایان کمتر از ۱۸ سال"),
    Case("female student trainee needs the letter",
         emdad(age="16", gender="female", employment_status="student", school_grade="10"),
         "training.students", Status.ELIGIBLE, condition=CONSENT),
    # Training levels by employment status.
    Case("employed: no skill training", emdad(age="30", gender="male", employment_status="employed"),
         "training.skill", Status.NOT_ELIGIBLE, reason="جویای کار"),
    Case("employed: sustaining training", emdad(age="30", gender="male", employment_status="employed"),
         "training.sustaining", Status.ELIGIBLE, reason="طبق ضوابط کمیته امداد"),
    Case("self-employed: sustaining training",
         emdad(age="30", gender="male", employment_status="self_employed"), "training.sustaining",
         Status.ELIGIBLE),
    Case("unemployed: no sustaining training", emdad(**ADULT), "training.sustaining", Status.NOT_ELIGIBLE,
         reason="پایدارسازی و توسعه"),
    Case("self-employed: entrepreneurship training",
         emdad(age="30", gender="male", employment_status="self_employed"), "training.entrepreneurship",
         Status.ELIGIBLE),
    Case("unknown employment: skill training undecided", emdad(age="30", gender="male"), "training.skill",
         Status.NEEDS_INFO, missing=("employment_status",)),
    # Students' vocational training: grades 10-12 only.
    Case("grade 9 is too early", emdad(age="15", gender="male", employment_status="student", school_grade="9"),
         "training.students", Status.NOT_ELIGIBLE, reason="دهم تا دوازدهم"),
    Case("grade 10", emdad(age="15", gender="male", employment_status="student", school_grade="10"),
         "training.students", Status.ELIGIBLE),
    Case("grade 12", emdad(age="17", gender="male", employment_status="student", school_grade="12"),
         "training.students", Status.ELIGIBLE),
    Case("not a student", emdad(**ADULT), "training.students", Status.NOT_ELIGIBLE, reason="سه سال پایانی"),
    Case("student of unknown grade", emdad(age="16", gender="male", employment_status="student"),
         "training.students", Status.NEEDS_INFO, missing=("school_grade",)),
    Case("unknown employment: the grade is not asked yet", emdad(age="16", gender="male"),
         "training.students", Status.NEEDS_INFO, missing=("employment_status",)),
    # Placement consent: wife, daughter, son aged 15-18 (18 included).
    Case("wife needs the letter", emdad(age="30", gender="female", household_role="spouse"), "placement",
         Status.NEEDS_INFO, condition=CONSENT, missing=("emdad_support", "employment_status")),
    Case("husband needs no letter",
         emdad(age="30", gender="male", household_role="spouse", emdad_support="living_allowance"),
         "placement", Status.ELIGIBLE, no_condition=CONSENT),
    Case("daughter needs the letter",
         emdad(age="20", gender="female", household_role="child", emdad_support="living_allowance"),
         "placement", Status.ELIGIBLE, condition=CONSENT),
    Case("son 15 needs the letter",
         emdad(age="15", gender="male", household_role="child", emdad_support="living_allowance"),
         "placement", Status.ELIGIBLE, condition=CONSENT),
    Case("son 18 needs the letter",
         emdad(age="18", gender="male", household_role="child", emdad_support="living_allowance"),
         "placement", Status.ELIGIBLE, condition=CONSENT),
    Case("son 19 needs no letter",
         emdad(age="19", gender="male", household_role="child", emdad_support="living_allowance"),
         "placement", Status.ELIGIBLE, no_condition=CONSENT),
    Case("female head of household needs no placement letter",
         emdad(age="40", gender="female", household_role="head", emdad_support="living_allowance"),
         "placement", Status.ELIGIBLE, no_condition=CONSENT),
    Case("unknown role: the letter rule is stated for whom it applies",
         emdad(age="30", gender="female", emdad_support="living_allowance"), "placement", Status.ELIGIBLE,
         condition="پسر ۱۵ تا ۱۸ ساله"),
    Case("placement shows the employer incentives",
         emdad(age="30", gender="male", household_role="head", emdad_support="living_allowance"),
         "placement", Status.ELIGIBLE, note=("۱۰۰٪", "۵۰٪", "۲۳٪", "شورای عالی کار"), topic=Topic.JOBS),
    Case("employer insurance support explained",
         emdad(age="30", gender="male", household_role="head", emdad_support="living_allowance"),
         "insurance.employer_share", Status.ELIGIBLE, note=("۱۰۰٪", "۵۰٪", "۲۳٪"), topic=Topic.JOBS),
    # Single/multi-service clients: only job seekers without a job.
    Case("single/multi-service with a job: no placement",
         emdad(age="30", gender="male", household_role="head", emdad_support="single_multi_service",
               employment_status="employed"), "placement", Status.NOT_ELIGIBLE, reason="تک و چندخدمتی"),
    Case("single/multi-service without a job: placement",
         emdad(age="30", gender="male", household_role="head", emdad_support="single_multi_service",
               employment_status="unemployed"), "placement", Status.ELIGIBLE),
    Case("single/multi-service with a job: no loan",
         emdad(age="30", emdad_support="single_multi_service", employment_status="self_employed"),
         "loan.self_sufficiency", Status.NOT_ELIGIBLE, reason="نیازمندان جویای کار"),
    Case("living allowance with a job: loan open",
         emdad(age="30", emdad_support="living_allowance", employment_status="self_employed"),
         "loan.self_sufficiency", Status.ELIGIBLE),
    Case("employed, support unknown: loan undecided", emdad(age="30", employment_status="employed"),
         "loan.capacity_building", Status.NEEDS_INFO, missing=("emdad_support",)),
    # Loan plan types: open to apply; the suggestion follows whom each suits.
    Case("age 60 suits motivation plans", emdad(age="60", emdad_support="living_allowance"),
         "loan.motivation", Status.ELIGIBLE, reason="کهولت سن", suggested=True),
    Case("limited work ability suits motivation plans",
         emdad(age="35", emdad_support="living_allowance", work_ability="limited"), "loan.motivation",
         Status.ELIGIBLE, suggested=True),
    Case("capable 30-year-old: motivation plan open, not suggested",
         emdad(age="30", emdad_support="living_allowance", work_ability="full", work_experience="none"),
         "loan.motivation", Status.ELIGIBLE, reason="مشاور شغلی", suggested=False),
    Case("capable without experience suits capacity building",
         emdad(age="25", emdad_support="living_allowance", work_ability="full", work_experience="none"),
         "loan.capacity_building", Status.ELIGIBLE, reason="تجربه کافی ندارند", suggested=True),
    Case("experienced: capacity building not suggested",
         emdad(age="40", emdad_support="living_allowance", work_ability="full", work_experience="experienced"),
         "loan.capacity_building", Status.ELIGIBLE, suggested=False),
    Case("capable and experienced suits self-sufficiency",
         emdad(age="40", emdad_support="living_allowance", work_ability="full", work_experience="experienced"),
         "loan.self_sufficiency", Status.ELIGIBLE, suggested=True),
    Case("age 60 is the reason motivation plans suit", emdad(age="60", emdad_support="living_allowance"),
         "loan.motivation", Status.ELIGIBLE, suggested=True, because=("سن شما",)),
    Case("age and limited ability are both reasons",
         emdad(age="62", emdad_support="living_allowance", work_ability="limited"), "loan.motivation",
         Status.ELIGIBLE, suggested=True, because=("سن شما", "اینکه گفتید توان کاری‌تان محدود است")),
    Case("capable beginner: ability and experience are the reasons",
         emdad(age="25", emdad_support="living_allowance", work_ability="full", work_experience="none"),
         "loan.capacity_building", Status.ELIGIBLE, suggested=True,
         because=("اینکه توان کار کامل دارید", "اینکه هنوز سابقه کار ندارید")),
    Case("not suggested: no reason", emdad(age="30", emdad_support="living_allowance", work_ability="full",
                                           work_experience="none"),
         "loan.motivation", Status.ELIGIBLE, suggested=False, because=()),
    Case("experienced suits entrepreneurship",
         emdad(age="40", emdad_support="living_allowance", work_ability="full", work_experience="experienced"),
         "loan.entrepreneurship", Status.ELIGIBLE, reason="برای دیگران هم شغل", suggested=True),
    # Behzisti: its target groups and their families only.
    Case("female head of household: Behzisti training",
         behzisti(age="35", gender="female", target_group="female_head_of_household"), "training.skill",
         Status.ELIGIBLE, reason="گروه‌های هدف بهزیستی", no_condition=CONSENT),
    Case("spouse of a person with a disability counts",
         behzisti(age="35", household_role="spouse", target_group="person_with_disability"),
         "behzisti.work_capital", Status.ELIGIBLE),
    Case("outside Behzisti's target groups", behzisti(age="30", target_group="orphan"), "training.skill",
         Status.NOT_ELIGIBLE, reason="دختران خودسرپرست"),
    Case("in none of the groups", behzisti(age="30", target_group="none"), "behzisti.work_capital",
         Status.NOT_ELIGIBLE, reason="بانوان سرپرست خانوار"),
    Case("declined the group question", behzisti(age="30", target_group="skipped"), "training.skill",
         Status.NEEDS_INFO, reason=DECLINED, missing=("target_group",)),
    Case("group not asked yet", behzisti(age="30"), "placement", Status.NEEDS_INFO, missing=("target_group",)),
    Case("work capital amount from the policy", behzisti(age="22", target_group="care_leaver"),
         "behzisti.work_capital", Status.ELIGIBLE, note=("۵۰٬۰۰۰٬۰۰۰",), amount=50_000_000),
    Case("training allowance amount from the policy", behzisti(age="22", target_group="self_supporting_girl"),
         "behzisti.training_allowance", Status.ELIGIBLE, note=("۱۰٬۰۰۰٬۰۰۰",), amount=10_000_000),
    Case("internship of 3 to 6 months", behzisti(age="22", target_group="recovered_addict"),
         "behzisti.internship", Status.ELIGIBLE, note=("۳ تا ۶ ماه", "استادکار")),
    Case("Behzisti age 14", behzisti(age="14", target_group="person_with_disability"), "training.skill",
         Status.NOT_ELIGIBLE, reason="۱۵ سال تمام"),
    # Neither organisation: public courses and job services, no loans of ours.
    Case("no organisation: public courses", facts(organisation="none", age="20"), "general.public_training",
         Status.ELIGIBLE, reason="سازمان آموزش فنی و حرفه‌ای"),
    Case("organisation not said yet: the general services", facts(age="20"), "general.job_services",
         Status.ELIGIBLE, reason="سامانه کارجویان"),
    Case("unknown organisation: the general services", facts(organisation="red_crescent", age="20"),
         "general.public_training", Status.ELIGIBLE),
    Case("no organisation: no loans of ours", facts(organisation="none", age="20"), "general.loans",
         Status.NOT_ELIGIBLE, reason="کمیته امداد و بهزیستی"),
    # Not said is not "none": whether loans are for her is the organisation's to say, never «شامل شما نمی‌شود».
    Case("organisation not said yet: loans ask for it", facts(age="20"), "general.loans", Status.NEEDS_INFO,
         missing=("organisation",), topic=Topic.LOANS),
    Case("organisation declined: loans still depend on it", facts(organisation="skipped", age="20"),
         "general.loans", Status.NEEDS_INFO, missing=("organisation",), topic=Topic.LOANS),
    Case("no organisation, age 14", facts(organisation="none", age="14"), "general.job_services",
         Status.NOT_ELIGIBLE, reason="۱۵ سال تمام"),
]  # fmt: skip


def _result(shipped: PolicySet, case: Case) -> ServiceResult:
    assessment = assess(Profile.from_facts(case.facts), shipped, topic=case.topic)
    by_id = {result.service: result for result in assessment.services}
    assert case.service in by_id, f"{case.service} not assessed; got {sorted(by_id)}"
    return by_id[case.service]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_rule(shipped: PolicySet, case: Case) -> None:
    result = _result(shipped, case)
    assert result.status == case.status, result.reasons
    if case.reason is not None:
        assert any(case.reason in reason for reason in result.reasons), result.reasons
    if case.condition is not None:
        assert any(case.condition in condition for condition in result.conditions), result.conditions
    if case.no_condition is not None:
        assert not any(case.no_condition in condition for condition in result.conditions), result.conditions
    for phrase in case.note:
        assert any(phrase in note for note in result.notes), result.notes
    if case.missing is not None:
        assert result.missing == case.missing
    if case.suggested is not None:
        assert result.suggested is case.suggested
    if case.because is not None:
        assert result.suited_because == case.because
    if case.amount is not None:
        assert result.amount_toman == case.amount


PRIORITY_CASES = [
    ("living allowance", emdad(emdad_support="living_allowance", household_role="head"), 1, None),
    ("a client's child", emdad(emdad_support="single_multi_service", household_role="child",
                               employment_status="unemployed"), 2, None),
    ("female head of household by group", emdad(emdad_support="single_multi_service", household_role="spouse",
                                                employment_status="unemployed",
                                                target_group="female_head_of_household"), 3, "a"),
    ("woman who heads the household", emdad(emdad_support="single_multi_service", household_role="head",
                                            gender="female", employment_status="unemployed"), 3, "a"),
    ("orphan", emdad(emdad_support="single_multi_service", household_role="head", gender="male",
                     employment_status="unemployed", target_group="orphan"), 3, "b"),
    ("orphan and recovered addict: the higher sub-group",
     emdad(emdad_support="single_multi_service", household_role="head", gender="male",
           employment_status="unemployed", target_group=["recovered_addict", "orphan"]), 3, "b"),
    ("needy job seeker in no listed group", emdad(emdad_support="single_multi_service", household_role="head",
                                                  gender="male", employment_status="unemployed",
                                                  target_group="none"), 3, "b"),
    ("deprived-area resident", emdad(emdad_support="single_multi_service", household_role="other",
                                     gender="male", employment_status="unemployed",
                                     target_group="deprived_area_resident"), 3, "c"),
    ("referred by an official", emdad(emdad_support="single_multi_service", household_role="head",
                                      gender="male", employment_status="unemployed",
                                      target_group="referred_by_official"), 3, "c"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "client", "rank", "sub_group"), PRIORITY_CASES, ids=[c[0] for c in PRIORITY_CASES]
)
def test_emdad_priority(
    shipped: PolicySet, name: str, client: dict[str, list[str]], rank: int, sub_group: str | None
) -> None:
    priority = assess(Profile.from_facts(client), shipped).priority
    assert priority is not None
    assert (priority.rank, priority.sub_group) == (rank, sub_group)
    assert priority.title


def test_priority_says_how_many_groups_there_are(shipped: PolicySet) -> None:
    client = emdad(emdad_support="single_multi_service", household_role="head", gender="female",
                   employment_status="unemployed")  # fmt: skip
    priority = assess(Profile.from_facts(client), shipped, topic=Topic.LOANS).priority
    assert priority is not None
    assert (priority.rank, priority.out_of, priority.sub_rank, priority.sub_out_of) == (3, 3, 1, 3)


def test_once_a_plan_type_clearly_suits_the_others_are_not_asked_about(shipped: PolicySet) -> None:
    client = emdad(age="62", gender="male", household_role="head", emdad_support="living_allowance")
    assessment = assess(Profile.from_facts(client), shipped, topic=Topic.LOANS)
    assert "work_ability" not in assessment.missing and "work_experience" not in assessment.missing


def test_priority_sub_order_is_ranked(shipped: PolicySet) -> None:
    client = emdad(emdad_support="single_multi_service", household_role="head", gender="male",
                   employment_status="unemployed", target_group="recovered_addict")  # fmt: skip
    priority = assess(Profile.from_facts(client), shipped).priority
    assert priority is not None and priority.sub_rank == 3 and priority.sub_title is not None
    assert "معتادان بهبودیافته" in priority.sub_title


@pytest.mark.parametrize(
    "client",
    [
        emdad(emdad_support="single_multi_service", household_role="head", employment_status="employed"),
        behzisti(target_group="female_head_of_household"),
        facts(organisation="none"),
    ],
    ids=["single/multi-service with a job", "Behzisti", "no organisation"],
)
def test_no_priority_group(shipped: PolicySet, client: dict[str, list[str]]) -> None:
    assert assess(Profile.from_facts(client), shipped).priority is None


def test_priority_waits_for_the_support_type(shipped: PolicySet) -> None:
    assessment = assess(Profile.from_facts(emdad(household_role="child")), shipped)
    assert assessment.priority is None
    assert "emdad_support" in assessment.missing


def test_sub_group_waits_for_the_target_group(shipped: PolicySet) -> None:
    client = emdad(emdad_support="single_multi_service", household_role="head", gender="male",
                   employment_status="unemployed")  # fmt: skip
    assessment = assess(Profile.from_facts(client), shipped, topic=Topic.LOANS)
    assert assessment.priority is not None and assessment.priority.rank == 3
    assert assessment.priority.sub_group is None
    assert "target_group" in assessment.missing


@pytest.mark.parametrize(
    ("client", "topic", "services"),
    [
        (emdad(), Topic.COURSES, {"training.skill", "training.sustaining", "training.entrepreneurship",
                                  "training.students"}),
        (emdad(), Topic.JOBS, {"placement", "insurance.employer_share"}),
        (emdad(), Topic.LOANS, {"loan.motivation", "loan.capacity_building", "loan.self_sufficiency",
                                "loan.entrepreneurship"}),
        (behzisti(), Topic.LOANS, {"loan.self_employment", "behzisti.work_capital"}),
        (behzisti(), Topic.COURSES, {"training.skill", "behzisti.training_allowance", "behzisti.internship"}),
        (facts(organisation="none"), Topic.JOBS, {"general.job_services"}),
    ],
    ids=["emdad courses", "emdad jobs", "emdad loans", "behzisti loans", "behzisti courses", "general jobs"],
)  # fmt: skip
def test_topic_narrows_the_services(
    shipped: PolicySet, client: dict[str, list[str]], topic: Topic, services: set[str]
) -> None:
    assert {
        result.service for result in assess(Profile.from_facts(client), shipped, topic=topic).services
    } == services


def test_every_service_is_assessed_without_a_topic(shipped: PolicySet) -> None:
    assessment = assess(Profile.from_facts(emdad(**ADULT)), shipped)
    assert len(assessment.services) == len(shipped.for_organisation("emdad").services)
    assert assessment.organisation == "emdad"
    assert assessment.policy_effective_from == "2025-03-21"


@pytest.mark.parametrize(
    "client",
    [emdad(**ADULT, emdad_support="living_allowance", household_role="head"),
     behzisti(age="30", target_group="female_head_of_household"),
     facts(organisation="none", age="30")],
    ids=["emdad", "behzisti", "general"],
)  # fmt: skip
def test_a_favourable_answer_says_who_decides(shipped: PolicySet, client: dict[str, list[str]]) -> None:
    assessment = assess(Profile.from_facts(client), shipped)
    final_say = shipped.for_organisation(assessment.organisation).final_say
    eligible = assessment.by_status(Status.ELIGIBLE)
    assert eligible
    for result in eligible:
        assert result.reasons[-1] == final_say
        assert result.next_steps or result.notes


def test_not_eligible_results_carry_no_documents_or_steps(shipped: PolicySet) -> None:
    assessment = assess(Profile.from_facts(emdad(age="14")), shipped)
    assert {result.status for result in assessment.services} == {Status.NOT_ELIGIBLE}
    assert all(not result.documents and not result.conditions for result in assessment.services)

"""What a particular person reads: the result and the «خوب است بدانید» note, in the Persian they receive.

Each test is one person a counsellor knows well; the assertions are on the text they would be sent.
"""

from __future__ import annotations

import pytest

from karyar.eligibility.engine import assess
from karyar.eligibility.model import Profile, Topic
from karyar.eligibility.summary import good_to_know_text, summary_text
from karyar.policies import PolicySet

LETTER = "رضایت‌نامه"
HEADS_LETTER = "رضایت‌نامه سرپرست خانواده‌تان"
PLACEMENT_LETTER = "رضایت‌نامه از سرپرست خانواده‌تان"
NOT_FOR_HEADS = "اگر خودتان سرپرست خانوار هستید، رضایت‌نامه لازم ندارید"
ORDER_OF_SERVICE = "ترتیب نوبت"

WIDOW_HEAD = {"organisation": "emdad", "age": "45", "gender": "female", "household_role": "head",
              "emdad_support": "living_allowance", "employment_status": "unemployed",
              "target_group": "female_head_of_household"}  # fmt: skip
WIDOW_SINGLE_SERVICE = {**WIDOW_HEAD, "emdad_support": "single_multi_service", "work_ability": "full",
                        "work_experience": "some"}  # fmt: skip
OLD_MAN_WITH_BACK_PAIN = {"organisation": "emdad", "age": "62", "gender": "male", "household_role": "head",
                          "emdad_support": "living_allowance", "employment_status": "unemployed",
                          "work_ability": "limited"}  # fmt: skip


def _son(age: int) -> dict[str, str]:
    return {"organisation": "emdad", "age": str(age), "gender": "male", "household_role": "child",
            "emdad_support": "living_allowance", "employment_status": "unemployed"}  # fmt: skip


def _result(shipped: PolicySet, facts: dict[str, str], topic: Topic) -> str:
    profile = Profile.from_facts({name: [value] for name, value in facts.items()})
    return summary_text(assess(profile, shipped, topic=topic), heading="")


def _note(shipped: PolicySet, facts: dict[str, str], topic: Topic) -> str:
    profile = Profile.from_facts({name: [value] for name, value in facts.items()})
    return good_to_know_text(assess(profile, shipped, topic=topic)) or ""


# 1. The consent letter is for the members the head of household consents for, never for the head.


@pytest.mark.parametrize("topic", [Topic.COURSES, Topic.JOBS, Topic.ELIGIBILITY])
def test_a_widow_who_heads_her_household_is_never_told_to_bring_a_letter(
    shipped: PolicySet, topic: Topic
) -> None:
    assert LETTER not in _note(shipped, WIDOW_HEAD, topic)
    assert LETTER not in _result(shipped, WIDOW_HEAD, topic)


def test_a_wife_is_told_to_bring_the_heads_letter_for_a_course(shipped: PolicySet) -> None:
    wife = {**WIDOW_HEAD, "household_role": "spouse", "target_group": "none"}
    assert HEADS_LETTER in _note(shipped, wife, Topic.COURSES)
    assert PLACEMENT_LETTER in _note(shipped, wife, Topic.JOBS)


def test_a_woman_who_has_not_said_her_role_is_told_whom_the_letter_is_for(shipped: PolicySet) -> None:
    woman = {key: value for key, value in WIDOW_HEAD.items() if key != "household_role"}
    note = _note(shipped, woman, Topic.COURSES)
    assert "کارآموزان خانم" in note and NOT_FOR_HEADS in note
    assert NOT_FOR_HEADS in _note(shipped, woman, Topic.JOBS)


def test_a_son_of_17_brings_the_heads_letter_for_a_course_and_for_a_job(shipped: PolicySet) -> None:
    assert HEADS_LETTER in _note(shipped, _son(17), Topic.COURSES)
    assert PLACEMENT_LETTER in _note(shipped, _son(17), Topic.JOBS)


def test_a_son_of_18_brings_it_for_a_job_only(shipped: PolicySet) -> None:
    # Seed 000: trainees «پسران کمتر از ۱۸ سال»; placement «پسر ۱۸-۱۵ ساله».
    assert LETTER not in _note(shipped, _son(18), Topic.COURSES)
    assert PLACEMENT_LETTER in _note(shipped, _son(18), Topic.JOBS)


def test_a_son_of_20_needs_no_letter(shipped: PolicySet) -> None:
    for topic in (Topic.COURSES, Topic.JOBS, Topic.ELIGIBILITY):
        assert LETTER not in _note(shipped, _son(20), topic)
        assert LETTER not in _result(shipped, _son(20), topic)


def test_a_daughter_of_20_brings_the_heads_letter(shipped: PolicySet) -> None:
    daughter = {**_son(20), "gender": "female"}
    assert HEADS_LETTER in _note(shipped, daughter, Topic.COURSES)
    assert PLACEMENT_LETTER in _note(shipped, daughter, Topic.JOBS)


def test_a_boy_of_16_who_heads_his_household_needs_no_letter(shipped: PolicySet) -> None:
    assert LETTER not in _note(shipped, {**_son(16), "household_role": "head"}, Topic.COURSES)


# 2. The priority group is said whenever a loan or a placement is discussed, as the order of service.


def test_a_widow_on_living_allowance_asking_for_a_loan_hears_her_group(shipped: PolicySet) -> None:
    text = _result(shipped, WIDOW_HEAD, Topic.LOANS)
    assert "شما در گروه «مددجویان کمک‌معیشت‌بگیر» هستید (اولویت ۱ از ۳)" in text
    assert "این فقط ترتیب رسیدگی است" in text


def test_a_single_service_widow_asking_for_a_loan_hears_her_group_and_her_place_in_it(
    shipped: PolicySet,
) -> None:
    text = _result(shipped, WIDOW_SINGLE_SERVICE, Topic.LOANS)
    assert "«مددجویان تک و چندخدمتی (نیازمندان جویای کار)» هستید (اولویت ۳ از ۳)" in text
    assert "ردیف شما «زنان سرپرست خانوار» است (ردیف ۱ از ۳)" in text
    assert "وقتی نوبت می‌گیرد که در گروه‌های بالاتر متقاضی آماده‌ای نمانده باشد" in text


def test_a_job_search_note_names_the_group(shipped: PolicySet) -> None:
    assert "«مددجویان کمک‌معیشت‌بگیر»" in _note(shipped, WIDOW_HEAD, Topic.JOBS)


def test_a_course_search_says_nothing_of_the_loan_order(shipped: PolicySet) -> None:
    assert ORDER_OF_SERVICE not in _note(shipped, WIDOW_HEAD, Topic.COURSES)
    assert ORDER_OF_SERVICE not in _result(shipped, WIDOW_HEAD, Topic.COURSES)


def test_behzisti_has_no_priority_order_to_tell(shipped: PolicySet) -> None:
    client = {"organisation": "behzisti", "age": "40", "target_group": "female_head_of_household"}
    assert ORDER_OF_SERVICE not in _result(shipped, client, Topic.LOANS)


# 3. The plan type that suits the client leads, with the reason; the others in one line; the expert decides.


def test_a_62_year_old_with_back_pain_is_told_motivation_plans_suit_him_and_why(shipped: PolicySet) -> None:
    text = _result(shipped, OLD_MAN_WITH_BACK_PAIN, Topic.LOANS)
    assert (
        "با توجه به سن شما و اینکه گفتید توان کاری‌تان محدود است، تسهیلات طرح‌های کارانگیزی برای شما"
        " مناسب‌تر است." in text
    )
    assert "هدف اصلی آن استقلال کامل اقتصادی نیست" in text  # what the plan gives, honestly
    assert "این فقط یک پیشنهاد است؛ نوع طرح و مبلغ را مشاور شغلی" in text
    [others] = [line for line in text.splitlines() if "انواع دیگر طرح" in line]
    assert "خودکفایی" in others and "کارآفرینی" in others
    # The other types are not offered as open to him: no bullet of their own.
    assert not any(line.startswith("• ") and "خودکفایی" in line for line in text.splitlines())


def test_age_alone_is_enough_to_suggest_motivation_plans(shipped: PolicySet) -> None:
    client = {"organisation": "emdad", "age": "62", "emdad_support": "living_allowance"}
    assert "با توجه به سن شما، تسهیلات طرح‌های کارانگیزی برای شما مناسب‌تر است" in _result(
        shipped, client, Topic.LOANS
    )


def test_a_capable_beginner_is_told_capacity_building_suits_her(shipped: PolicySet) -> None:
    text = _result(shipped, WIDOW_SINGLE_SERVICE, Topic.LOANS)
    assert (
        "با توجه به اینکه توان کار کامل دارید و اینکه سابقه کار کمی دارید، تسهیلات طرح‌های توان‌افزایی"
        " برای شما مناسب‌تر است." in text
    )
    assert "کارانگیزی" not in text.split("انواع دیگر طرح")[0]


def test_without_the_facts_the_types_are_one_line_and_the_counsellor_decides(shipped: PolicySet) -> None:
    client = {**OLD_MAN_WITH_BACK_PAIN, "age": "40", "work_ability": "skipped"}
    text = _result(shipped, client, Topic.LOANS)
    [line] = [line for line in text.splitlines() if "تسهیلات اشتغال در چند نوع طرح است" in line]
    assert "مشاور شغلی پس از بررسی توان، سابقه و شرایط شما پیشنهاد می‌کند" in line
    assert "مناسب‌تر است" not in text


def test_the_note_after_a_list_explains_only_the_plan_type_that_suits(shipped: PolicySet) -> None:
    note = _note(shipped, OLD_MAN_WITH_BACK_PAIN, Topic.ELIGIBILITY)
    assert "طرح‌های کارانگیزی برای بالا بردن روحیه" in note
    assert "طرح‌های خودکفایی در مدت معینی" not in note


# 4. What fits comes first; what does not apply is one line.


def test_what_does_not_apply_is_one_line_of_titles(shipped: PolicySet) -> None:
    text = _result(shipped, WIDOW_HEAD, Topic.COURSES)
    assert "❌ شامل شما نمی‌شود: آموزش‌های پایدارسازی و توسعه، حرفه‌آموزی دانش‌آموزان" in text
    assert "بازدهی کارشان" not in text  # the rule's paragraph is not repeated to her
    assert text.index("✅") < text.index("❌")


def test_when_nothing_applies_the_reason_is_the_answer(shipped: PolicySet) -> None:
    text = _result(shipped, {"organisation": "emdad", "age": "14"}, Topic.ELIGIBILITY)
    assert text.count("حداقل ۱۵ سال تمام") == 1
    assert "وقتی به این سن رسیدید" in text

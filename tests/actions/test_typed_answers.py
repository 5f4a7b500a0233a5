"""Typed answers read against the question being asked: its buttons' words, their synonyms and inflected forms."""

from __future__ import annotations

import json
import re

import pytest
from ruamel.yaml import YAML

from actions.answers import answer_from_text, checked
from actions.options import is_bare_answer
from karyar.facts import ASKING_ORDER, SKIPPED
from tests.support.chat import ROOT

# Each intake question, with forms clients type: the button's own word, with enclitics (joined, with a space
# or a half-space), colloquial, with Arabic letters.
TYPED: dict[str, list[tuple[str, str]]] = {
    "organisation": [
        ("کمیته امداد", "emdad"),
        ("امداد", "emdad"),
        ("امدادیم", "emdad"),
        ("امدادی‌ام", "emdad"),
        ("كميته امداد", "emdad"),
        ("بهزیستی", "behzisti"),
        ("بهزیستی‌ام", "behzisti"),
        ("هیچ‌کدام", "none"),
        ("هیچکدوم", "none"),
        ("هیچ کدوم", "none"),
    ],
    "age": [
        ("۲۳", "23"),
        ("23", "23"),
        ("٢٣", "23"),
        ("بیست و سه", "23"),
        ("۲۳ سالمه", "23"),
        ("٢٣ سالمه", "23"),
        ("سنم 23", "23"),
        ("من ۲۳ سالمه", "23"),
    ],
    "gender": [
        ("آقا", "male"),
        ("آقام", "male"),
        ("مرد", "male"),
        ("پسرم", "male"),
        ("خانم", "female"),
        ("خانمم", "female"),
        ("خانومم", "female"),
        ("زنم", "female"),
        ("دخترم", "female"),
    ],
    "household_role": [
        ("سرپرست خانوار", "head"),
        ("سرپرستم", "head"),
        ("سرپرست خانوارم", "head"),
        ("من سرپرست خانوار هستم", "head"),
        ("همسر سرپرست", "spouse"),
        ("همسرمه", "spouse"),
        ("همسر‌مه", "spouse"),
        ("همسرم", "spouse"),
        ("فرزند خانواده", "child"),
        ("پسرم", "child"),
        ("دخترم", "child"),
        ("بچه‌ام", "child"),
        ("هیچ‌کدام", "other"),
        ("هیچکدوم", "other"),
    ],
    "emdad_support": [
        ("مستمری یا کمک‌معیشت می‌گیرم", "living_allowance"),
        ("مستمری", "living_allowance"),
        ("مستمری بگیرم", "living_allowance"),
        ("تک‌خدمتی یا چندخدمتی", "single_multi_service"),
        ("تک خدمتیم", "single_multi_service"),
        ("چندخدمتی", "single_multi_service"),
        ("نمی‌دانم", SKIPPED),
    ],
    "target_group": [
        ("بانوی سرپرست خانوار", "female_head_of_household"),
        ("یتیم", "orphan"),
        ("یتیمم", "orphan"),
        ("فرد دارای معلولیت", "person_with_disability"),
        ("هیچ‌کدام", "none"),
        ("هیچکدوم", "none"),
        ("هیچکدومش", "none"),
        ("نه", "none"),
    ],
    "employment_status": [
        ("بیکارم و دنبال کارم", "unemployed"),
        ("بیکارم", "unemployed"),
        ("بیکاره", "unemployed"),
        ("بی‌کارم", "unemployed"),
        ("کارمندم", "employed"),
        ("کارگرم", "employed"),
        ("کار خودم را دارم", "self_employed"),
        ("دانشجوام", "student"),
        ("دانش‌آموزم", "student"),
    ],
    "school_grade": [
        ("دهم", "10"),
        ("دهمم", "10"),
        ("کلاس یازدهم", "11"),
        ("۱۲", "12"),
        ("12", "12"),
        ("١٢", "12"),
        ("نهم یا پایین‌تر", "9"),
        ("دانشجو هستم", "university"),
        ("دانشجوام", "university"),
    ],
    "education": [
        ("دیپلم", "diploma"),
        ("دیپلمم", "diploma"),
        ("دیپلم دارم", "diploma"),
        ("سیکل", "middle"),
        ("ابتدایی", "primary"),
        ("سواد ندارم", "none"),
        ("بی‌سوادم", "none"),
        ("دانشگاهی", "bachelor"),
        ("ليسانس", "bachelor"),
    ],
    "work_ability": [
        ("بله، می‌توانم کار کنم", "full"),
        ("بله", "full"),
        ("آره", "full"),
        ("بیماری یا محدودیت دارم", "limited"),
        ("نه", "limited"),
    ],
    "work_experience": [
        ("تجربه ندارم", "none"),
        ("ندارم", "none"),
        ("کمی تجربه دارم", "some"),
        ("کمی", "some"),
        ("تجربه‌ی زیاد دارم", "experienced"),
        ("زیاد", "experienced"),
    ],
    "field": [
        ("خیاطی", "خیاطی"),
        ("آشپزی و شیرینی‌پزی", "آشپزی"),
        ("برق", "برق‌کاری"),
        ("برقکار", "برق‌کاری"),
        ("دوخت", "خیاطی"),
        ("کامپیوتری", "کامپیوتر"),
        ("فرقی نمی‌کند", SKIPPED),
    ],
    "province": [
        ("خراسان رضوی", "خراسان رضوی"),
        ("خراسان رضوي", "خراسان رضوی"),
        ("فارس", "فارس"),
        ("مشهد", "مشهد"),  # a city: the form takes the province from it
        ("مشهدم", "مشهد"),
    ],
    "city": [
        ("مشهد", "مشهد"),
        ("مشهدم", "مشهد"),
        ("اهل مشهدم", "مشهد"),
        ("شيراز", "شیراز"),
    ],
}

# Short answers that are none of the question's options.
NOT_AN_OPTION: dict[str, list[str]] = {
    "organisation": ["سلام", "فردا"],
    "age": ["نمیدونم", "۲۵ سالمه و از مشهدم"],
    "gender": ["سلام", "امداد"],
    "household_role": ["آقا", "سلام"],
    "employment_status": ["هیچکدوم", "سلام"],
    "target_group": ["سلام", "امداد"],
    "field": ["یه چیزی"],
    "city": ["سلام"],
}


@pytest.mark.parametrize(
    ("slot", "text", "expected"),
    [(slot, text, expected) for slot, forms in TYPED.items() for text, expected in forms],
)
def test_a_typed_answer_is_read_against_the_question_asked(slot: str, text: str, expected: str) -> None:
    assert answer_from_text(slot, text) == expected
    # and the form accepts what it read (a city where the province was asked stands for its province)
    assert expected in (checked(slot, expected), checked("city", expected))


def test_every_question_is_covered() -> None:
    assert set(TYPED) == set(ASKING_ORDER)


@pytest.mark.parametrize(
    ("slot", "text"), [(slot, text) for slot, texts in NOT_AN_OPTION.items() for text in texts]
)
def test_an_answer_that_is_no_option_is_not_read_as_one(slot: str, text: str) -> None:
    assert answer_from_text(slot, text) is None


def _buttons() -> list[tuple[str, str, str]]:
    """(slot, title, value) of every answer button of the intake questions in domain/intake.yml."""
    domain = YAML(typ="safe", pure=True).load((ROOT / "domain" / "intake.yml").read_text("utf-8"))
    found: list[tuple[str, str, str]] = []
    for slot in ASKING_ORDER:
        for button in domain["responses"][f"utter_ask_{slot}"][0].get("buttons", []):
            payload = str(button["payload"])
            if payload == "/skip":
                found.append((slot, button["title"], SKIPPED))
            elif match := re.fullmatch(r"/inform(\{.*\})", payload):
                entities = json.loads(match[1].replace("{{", "{").replace("}}", "}"))
                found.append((slot, button["title"], str(entities[slot])))
    return found


@pytest.mark.parametrize(("slot", "title", "value"), _buttons())
def test_a_button_title_typed_is_the_button(slot: str, title: str, value: str) -> None:
    assert answer_from_text(slot, title) == value
    assert answer_from_text(slot, title.replace("\u200c", "")) == value
    assert answer_from_text(slot, title.replace("ی", "ي").replace("ک", "ك")) == value


@pytest.mark.parametrize("text", ["هیچکدوم", "هیچ‌کدام", "نه", "بله", "آره"])
def test_bare_answers_name_no_fact(text: str) -> None:
    assert is_bare_answer(text)


@pytest.mark.parametrize("text", ["امداد", "۲۵ سالمه", "نه امداد نه بهزیستی"])
def test_answers_that_name_a_fact_are_not_bare(text: str) -> None:
    assert not is_bare_answer(text)

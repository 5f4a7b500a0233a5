"""Values a client says do not hold are found, and only those."""

from __future__ import annotations

import pytest

from persian.negation import is_negative_verb, negated, superseded


def _spans(text: str, *values: str) -> list[tuple[int, int]]:
    return [(text.index(value), text.index(value) + len(value)) for value in values]


# (message, the values found in it, which of them the message says do not hold)
NEGATED_FORMS: list[tuple[str, tuple[str, ...], set[int]]] = [
    ("کمیته امداد نیستم، بهزیستی هستم", ("کمیته امداد", "بهزیستی"), {0}),
    ("امداد نیستم بهزیستی هستم", ("امداد", "بهزیستی"), {0}),
    ("مددجوی کمیته نیستم", ("کمیته",), {0}),
    ("بهزیستی نیستیم ما", ("بهزیستی",), {0}),
    ("زیر پوشش امداد نیستیم ولی بهزیستی هستیم", ("امداد", "بهزیستی"), {0}),
    ("نه امداد نه بهزیستی", ("امداد", "بهزیستی"), {0, 1}),
    ("نه امداد بلکه بهزیستی", ("امداد", "بهزیستی"), {0}),
    ("دیپلم ندارم", ("دیپلم",), {0}),
    ("دیپلم هم ندارم ولی خیاطی بلدم", ("دیپلم", "خیاطی"), {0}),
    ("لیسانس ندارم، دیپلم دارم", ("لیسانس", "دیپلم"), {0}),
    ("مدرک کارشناسی نداره", ("کارشناسی",), {0}),
    ("فوق دیپلم نگرفتم", ("فوق دیپلم",), {0}),
    ("سیکل رو نگرفتم هنوز", ("سیکل",), {0}),
    ("دیپلمم رو نگرفتم", ("دیپلمم",), {0}),
    ("به خیاطی علاقه ندارم", ("خیاطی",), {0}),
    ("تهران کار نمی‌کنم، کرج زندگی می‌کنم", ("تهران", "کرج"), {0}),
    ("تهران نمیشینم کرجم", ("تهران", "کرجم"), {0}),
    ("ساکن مشهد نیستم، نیشابورم", ("مشهد", "نیشابورم"), {0}),
    ("اصفهان نه، شیرازم", ("اصفهان", "شیرازم"), {0}),
    ("تهران زندگی می‌کنم ولی کار ندارم", ("تهران",), set()),
    ("بیکار نیستم", ("بیکار",), {0}),
    ("بیکار نیستم الان سر کارم", ("بیکار",), {0}),
    ("سرپرست خانوار نیستم", ("سرپرست خانوار",), {0}),
    ("سرپرست خانوار نیستم همسرم سرپرسته", ("سرپرست خانوار",), {0}),
    ("معلول نیستم", ("معلول",), {0}),
    ("معلولیت ندارم", ("معلولیت",), {0}),
    ("خیاطی بلد نیستم", ("خیاطی",), set()),  # «بلد» stands between: the verb is about knowing, kept
    ("خیاطی نمیخوام آرایشگری میخوام", ("خیاطی", "آرایشگری"), {0}),
    ("دوره آشپزی نمی‌خوام", ("آشپزی",), {0}),
    ("کامپیوتر رو دوست ندارم", ("کامپیوتر",), {0}),
    ("رانندگی اصلا بلد نیستم", ("رانندگی",), set()),
    ("مستمری بگیر نیستیم", ("مستمری بگیر",), {0}),
    ("تجربه کار دارم ولی دیپلم ندارم", ("دیپلم",), {0}),
    ("زن نیستم مردم", ("زن", "مردم"), {0}),
    ("خانم نیستم آقام", ("خانم", "آقام"), {0}),
    ("۳۰ سالمه بچه ندارم", ("۳۰ سالمه",), set()),
    ("۲۵ سالمه ولی کار ندارم", ("۲۵ سالمه",), set()),
    ("نه، امداد هستم", ("امداد",), set()),
    ("نه امداد هستم", ("امداد",), set()),
    ("من نجاری بلدم", ("نجاری",), set()),
    ("بی‌سواد هستم", ("بی‌سواد",), set()),
    ("تو روستا نیستیم، تو شهریم", ("روستا", "شهریم"), {0}),
    ("کمیته امداد نیستم behzisti hastam", ("کمیته امداد",), {0}),
    ("یتیم نیستم", ("یتیم",), {0}),
    ("بهزیستی نمیرم امداد میرم", ("بهزیستی", "امداد"), {0}),
]


@pytest.mark.parametrize(("text", "values", "expected"), NEGATED_FORMS)
def test_negated_values(text: str, values: tuple[str, ...], expected: set[int]) -> None:
    assert negated(text, _spans(text, *values)) == expected


@pytest.mark.parametrize("word", ["نیستم", "ندارم", "نداره", "نکردم", "نمی‌خوام", "نمیخوام", "نخوندم", "نه"])
def test_negative_verbs(word: str) -> None:
    assert is_negative_verb(word)


@pytest.mark.parametrize("word", ["نجاری", "نشونی", "دارم", "نقاشی", "نانوایی", "نظافت", "هستم"])
def test_words_that_only_start_like_one(word: str) -> None:
    assert not is_negative_verb(word)


def test_the_table_holds_forty_negated_forms() -> None:
    assert sum(bool(expected) for _, _, expected in NEGATED_FORMS) >= 30
    assert len(NEGATED_FORMS) >= 40


def _kinds(text: str, *values: tuple[str, str]) -> list[tuple[int, int, str]]:
    found = []
    for value, kind in values:
        start = text.index(value, found[-1][1] if found else 0)
        found.append((start, start + len(value), kind))
    return found


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("۲۵ سالمه، ببخشید ۲۶", (("۲۵", "age"), ("۲۶", "age")), {0}),
        ("تهران، نه یعنی کرج", (("تهران", "city"), ("کرج", "city")), {0}),
        ("خیاطی منظورم آرایشگری", (("خیاطی", "field"), ("آرایشگری", "field")), {0}),
        ("تهران یا کرج فرقی نداره", (("تهران", "city"), ("کرج", "city")), set()),
        (
            "۲۵ سالمه از تهران، ببخشید دیپلم دارم",
            (("۲۵", "age"), ("تهران", "city"), ("دیپلم", "education")),
            set(),
        ),
    ],
)
def test_a_value_taken_back_is_superseded(
    text: str, values: tuple[tuple[str, str], ...], expected: set[int]
) -> None:
    assert superseded(text, _kinds(text, *values)) == expected

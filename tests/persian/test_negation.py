"""Values a client says do not hold are found, and only those."""

from __future__ import annotations

import pytest

from persian.negation import is_negative_verb, negated


def _spans(text: str, *values: str) -> list[tuple[int, int]]:
    return [(text.index(value), text.index(value) + len(value)) for value in values]


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("کمیته امداد نیستم، بهزیستی هستم", ("کمیته امداد", "بهزیستی"), {0}),
        ("امداد نیستم بهزیستی هستم", ("امداد", "بهزیستی"), {0}),
        ("دیپلم ندارم", ("دیپلم",), {0}),
        ("دیپلم هم ندارم ولی خیاطی بلدم", ("دیپلم", "خیاطی"), {0}),
        ("تهران کار نمی‌کنم، کرج زندگی می‌کنم", ("تهران", "کرج"), {0}),
        ("نه امداد نه بهزیستی", ("امداد", "بهزیستی"), {0, 1}),
        ("نه امداد هستم", ("امداد",), set()),
        ("تهران زندگی می‌کنم ولی کار ندارم", ("تهران",), set()),
        ("۳۰ سالمه بچه ندارم", ("۳۰ سالمه",), set()),
        ("بیکار نیستم", ("بیکار",), {0}),
        ("من نجاری بلدم", ("نجاری",), set()),
        ("بی‌سواد هستم", ("بی‌سواد",), set()),
    ],
)
def test_negated_values(text: str, values: tuple[str, ...], expected: set[int]) -> None:
    assert negated(text, _spans(text, *values)) == expected


@pytest.mark.parametrize("word", ["نیستم", "ندارم", "نداره", "نکردم", "نمی‌خوام", "نمیخوام", "نخوندم", "نه"])
def test_negative_verbs(word: str) -> None:
    assert is_negative_verb(word)


@pytest.mark.parametrize("word", ["نجاری", "نشونی", "دارم", "نقاشی", "نانوایی", "نظافت", "هستم"])
def test_words_that_only_start_like_one(word: str) -> None:
    assert not is_negative_verb(word)

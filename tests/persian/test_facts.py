"""Ages, years at work and places with endings, read by rule (persian/facts.py), as clients write them."""

from __future__ import annotations

import pytest

from persian.facts import ages_and_experience, marker_end, places_in, spoken_place_forms
from persian.text import normalize, parse_persian_number, parse_years


def _read(text: str) -> list[tuple[str, str]]:
    normalised = normalize(text)
    return [(found.kind, found.value) for found in ages_and_experience(normalised)]


def _age(text: str) -> int | None:
    ages = [value for kind, value in _read(text) if kind == "age"]
    return parse_persian_number(ages[0]) if len(ages) == 1 else None


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("پنجاه و دو سالمه", 52),
        ("بیستوپنج سالمه", 25),
        ("سی‌وهشت سالمه", 38),
        ("من سی و سه ساله هستم", 33),
        ("هیجده سالم تموم شده", 18),
        ("۱۵ سال تمام دارم", 15),
        ("شصت سالمه", 60),
        ("سی سال", 30),
        ("سن: 44", 44),
        ("سن ۵۲", 52),
        ("سنم بیست و چهار سال", 24),
        ("sen 28", 28),
        ("man 31 salam hast", 31),
        ("خانم ۳۵ ساله از تبریز", 35),
        ("یه زن شصت و یک ساله ام", 61),
        ("۴۰ ساله هستم کار میکنم", 40),
        ("پنجاه و سه سال سن دارم", 53),
        ("٢٣ سالمه", 23),
    ],
)
def test_an_age_is_read_in_digits_or_words_with_its_marker(text: str, age: int) -> None:
    assert _age(text) == age


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("۱۰ ساله جوشکاری میکنم", 10),
        ("۱۵ سال سابقه رانندگی دارم", 15),
        ("شش ماه تو فروشندگی کار کردم", 0.5),
        ("سه سال است که خیاطی میکنم", 3),
    ],
)
def test_years_at_work_are_experience_not_age(text: str, years: float) -> None:
    read = _read(text)
    assert [kind for kind, _value in read] == ["work_experience"]
    assert parse_years(read[0][1]) == years


@pytest.mark.parametrize(
    "text",
    ["۵۲", "۲۰ میلیون وام میخوام", "سه تا بچه دارم", "متولد ۱۳۸۰ هستم", "۲ ساله ترک کردم", "ساعت ۸ صبح"],
)
def test_numbers_that_are_no_age_are_left_alone(text: str) -> None:
    assert [kind for kind, _value in _read(text)] in ([], ["work_experience"])
    assert _age(text) is None


PLACES = {
    "تهران": ("province", "تهران"),
    "یزد": ("province", "یزد"),
    "قم": ("province", "قم"),
    "فارس": ("province", "فارس"),
    "مشهد": ("city", "مشهد"),
    "رشت": ("city", "رشت"),
    "کرج": ("city", "کرج"),
}


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("تهرانم", "تهران"),
        ("یزدی ام", "یزد"),
        ("رشتی هستم", "رشت"),
        ("قمی‌ام", "قم"),
        ("مشهدیم و خیاطی بلدم", "مشهد"),
        ("کرجی هستیم", "کرج"),
    ],
)
def test_a_place_is_read_with_its_ending(text: str, place: str) -> None:
    forms = spoken_place_forms(PLACES, used_otherwise={"فارسی"})
    assert [found.value for found in places_in(normalize(text), forms)] == [place]


def test_words_that_mean_something_else_are_no_place() -> None:
    forms = spoken_place_forms(PLACES, used_otherwise={"فارسی"})
    assert list(places_in(normalize("فارسی بلدم، قمم نمیگن"), forms)) == []
    assert list(places_in(normalize("تهران"), forms)) == []  # the bare place is the lookup table's


@pytest.mark.parametrize(
    ("text", "number", "reaches"),
    [
        ("۳۰ سالم نیست", "۳۰", "۳۰ سالم"),
        ("۱۰ سال سابقه ندارم", "۱۰", "۱۰ سال سابقه"),
        ("شش ماه تجربه دارم", "شش", "شش ماه تجربه"),
        ("۲۵، سابقه ندارم", "۲۵", "۲۵"),
        ("۲۵ سالمه سابقه ندارم", "۲۵", "۲۵ سالمه"),
        ("۱۰ سال سابقه ندارم", "۱۰ سال", "۱۰ سال سابقه"),
    ],
)
def test_a_value_reaches_past_its_marker_to_where_a_negation_would_follow(
    text: str, number: str, reaches: str
) -> None:
    end = text.index(number) + len(number)
    assert text[: marker_end(text, end)] == reaches

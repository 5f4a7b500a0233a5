"""The reference data (karyar/reference/) and the NLU lookup tables agree.

places.yml lists the 31 provinces with their capitals and the cities with their provinces; fields.yml lists the
trades with their variants. The canonical values the NLU returns for `province`, `city` and `field` must be
exactly these names, and every name must be reachable from the lookup tables.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from persian.text import normalize
from tests.nlu.test_training_data import FIELDS, PROVINCES, intent_examples, nlu_data, parse_example

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "karyar" / "reference"

# the largest cities of Iran (2016 census, in order) that the product must know
LARGEST_CITIES = [
    "تهران", "مشهد", "اصفهان", "کرج", "شیراز", "تبریز", "قم", "اهواز", "کرمانشاه", "ارومیه", "رشت", "زاهدان",
    "همدان", "کرمان", "یزد", "اردبیل", "بندرعباس", "اراک", "اسلامشهر", "زنجان", "سنندج", "قزوین", "خرم‌آباد",
    "گرگان", "ساری", "شهریار", "قدس", "کاشان", "ملارد", "دزفول", "نیشابور", "بابل", "خمینی‌شهر", "سبزوار",
    "گلستان", "آمل", "پاکدشت", "نجف‌آباد", "بروجرد", "آبادان", "قرچک", "بجنورد", "ورامین", "بوشهر", "ساوه",
    "قائم‌شهر", "سیرجان", "بوکان", "بیرجند", "ایلام", "ملایر", "شاهرود", "مراغه", "سقز", "خوی",
]  # fmt: skip


def _load(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


@cache
def places() -> dict[str, Any]:
    return _load(REFERENCE / "places.yml")


@cache
def fields() -> list[dict[str, Any]]:
    return _load(REFERENCE / "fields.yml")["fields"]


def provinces() -> dict[str, str]:
    """province -> capital"""
    return {p["name"]: p["capital"] for p in places()["provinces"]}


def cities() -> dict[str, str]:
    """city -> province"""
    return {c["name"]: c["province"] for c in places()["cities"]}


def lookup_values(entity: str) -> dict[str, str]:
    """surface form -> canonical value, for the lookup table of `entity` and its synonyms."""
    elements = next(item["examples"] for item in nlu_data()["lookup"] if item["name"] == entity)
    synonyms = {form: item["name"] for item in nlu_data()["synonym"] for form in item["examples"]}
    return {element: synonyms.get(element, element) for element in elements}


def synonym_targets(forms: set[str]) -> set[str]:
    """Canonical values of the synonyms whose forms are in `forms`."""
    return {item["name"] for item in nlu_data()["synonym"] if set(item["examples"]) & forms}


# --- places ---------------------------------------------------------------------------------------------------


def test_31_provinces_named_as_in_the_contract() -> None:
    names = [p["name"] for p in places()["provinces"]]
    assert len(names) == 31
    assert len(set(names)) == 31
    assert set(names) == PROVINCES


def test_each_city_is_listed_once_with_one_known_province() -> None:
    names = [c["name"] for c in places()["cities"]]
    duplicated = [name for name, count in Counter(names).items() if count > 1]
    assert not duplicated, f"cities listed twice: {duplicated}"
    for city in places()["cities"]:
        assert set(city) == {"name", "province"}, city
        assert city["province"] in PROVINCES, city


def test_every_capital_is_a_city_of_its_province() -> None:
    for province, capital in provinces().items():
        assert cities().get(capital) == province, f"{capital} is not listed as a city of {province}"


def test_at_least_the_100_largest_cities() -> None:
    assert len(cities()) >= 100
    missing = [city for city in LARGEST_CITIES if city not in cities()]
    assert not missing, missing


@pytest.mark.parametrize(
    ("city", "province"),
    [
        ("مشهد", "خراسان رضوی"),
        ("کرج", "البرز"),
        ("اسلامشهر", "تهران"),
        ("گلستان", "تهران"),
        ("قدس", "تهران"),
        ("بندرعباس", "هرمزگان"),
        ("خرم‌آباد", "لرستان"),
        ("زاهدان", "سیستان و بلوچستان"),
        ("یاسوج", "کهگیلویه و بویراحمد"),
        ("شهرکرد", "چهارمحال و بختیاری"),
        ("بجنورد", "خراسان شمالی"),
        ("بیرجند", "خراسان جنوبی"),
        ("بوکان", "آذربایجان غربی"),
        ("مراغه", "آذربایجان شرقی"),
        ("کاشان", "اصفهان"),
        ("دزفول", "خوزستان"),
        ("سیرجان", "کرمان"),
        ("شاهرود", "سمنان"),
        ("ساوه", "مرکزی"),
    ],
)
def test_known_city_provinces(city: str, province: str) -> None:
    assert cities()[city] == province


def test_names_are_normalised_standard_spelling() -> None:
    for name in list(provinces()) + list(cities()):
        assert normalize(name) == name, name
        assert name == name.strip() and "  " not in name, name
        assert not any(ch.isascii() and ch.isalpha() for ch in name), name


# --- places and the lookup tables -----------------------------------------------------------------------------


def test_province_lookup_reaches_exactly_the_provinces() -> None:
    assert set(lookup_values("province").values()) == set(provinces())


def test_city_lookup_canonical_values_are_cities_of_places() -> None:
    values = set(lookup_values("city").values()) | synonym_targets(set(lookup_values("city")))
    unknown = values - set(cities())
    assert not unknown, f"city values that places.yml does not list: {sorted(unknown)}"


def test_every_city_of_places_is_reachable() -> None:
    """A city is found by the city lookup, or (when it has a province's name) by the province lookup."""
    city_values = set(lookup_values("city").values())
    province_forms = set(lookup_values("province"))
    for city in cities():
        if city in PROVINCES or city in province_forms:
            assert city not in city_values, f"{city} is in both the city and the province lookup"
            assert city in province_forms, city
        else:
            assert city in city_values, f"{city} is not in data/nlu/lookups/city.yml"
            assert city in lookup_values("city"), (
                f"the canonical spelling {city} itself is not a lookup element"
            )


def test_city_forms_do_not_point_to_two_cities() -> None:
    seen: dict[str, str] = {}
    for item in nlu_data()["synonym"]:
        if item["name"] in cities():
            for form in item["examples"]:
                assert seen.setdefault(form, item["name"]) == item["name"], form


# --- fields ---------------------------------------------------------------------------------------------------


def test_fields_are_unique_and_include_the_contract() -> None:
    names = [f["name"] for f in fields()]
    assert len(names) == len(set(names))
    assert set(names) >= FIELDS
    contract = [f["name"] for f in fields() if not f.get("extra")]
    assert set(contract) == FIELDS, "only the contract fields may lack `extra: true`"


def test_no_variant_belongs_to_two_fields() -> None:
    owner: dict[str, str] = {}
    for field in fields():
        for form in [field["name"], *field.get("variants", [])]:
            assert normalize(form) == form, form
            assert owner.setdefault(form, field["name"]) == field["name"], (
                f"{form}: {owner[form]}, {field['name']}"
            )


def test_field_lookup_matches_fields_reference() -> None:
    reference = {form: f["name"] for f in fields() for form in [f["name"], *f.get("variants", [])]}
    assert lookup_values("field") == reference


# --- annotated training values --------------------------------------------------------------------------------


def test_annotated_places_and_fields_are_reference_names() -> None:
    allowed = {"province": set(provinces()), "city": set(cities()), "field": {f["name"] for f in fields()}}
    for examples in intent_examples().values():
        for example in examples:
            for entity in parse_example(example)[1]:
                if entity["entity"] in allowed:
                    assert entity["value"] in allowed[entity["entity"]], example

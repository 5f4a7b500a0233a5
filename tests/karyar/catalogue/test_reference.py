"""The reference data the catalogue relies on: neighbouring provinces and the field vocabulary."""

from __future__ import annotations

from karyar.catalogue.reference import fields, places


def test_every_province_has_neighbours_and_the_relation_is_symmetric() -> None:
    known = places()
    assert set(known.neighbours) == set(known.provinces)
    for province, near in known.neighbours.items():
        assert near, province
        assert near <= set(known.provinces), province
        for other in near:
            assert province in known.neighbours[other], (province, other)


def test_fields_are_recognised_by_variant_and_spelling() -> None:
    vocabulary = fields()
    assert vocabulary.canonical("دوخت") == "خیاطی"
    assert vocabulary.canonical("خياطي") == "خیاطی"  # Arabic yeh
    assert vocabulary.canonical("قالی بافی") == vocabulary.canonical("قالیبافی") == "قالی‌بافی"
    assert [m.field for m in vocabulary.mentioned("میخوام دوخت یاد بگیرم")] == ["خیاطی"]
    assert vocabulary.canonical("فضانوردی") is None


def test_places_ignore_half_spaces_and_arabic_letters() -> None:
    known = places()
    assert known.city("خرم آباد") == "خرم‌آباد"
    assert known.province("كرمان") == "کرمان"
    assert known.city_province["کاشان"] == "اصفهان"

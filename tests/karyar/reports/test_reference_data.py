"""The data files behind the report splits: every trade has a sector, rural places are in real provinces,
and the classifier reads a client's city and field as staff would."""

from __future__ import annotations

from karyar.catalogue.reference import fields, load_reference, places
from karyar.reports.dimensions import Area, Sector, Split, classifier


def test_every_trade_has_one_of_the_three_sectors() -> None:
    entries = load_reference("fields.yml")["fields"]
    assert {entry["name"] for entry in entries} == set(fields().names)
    assert {entry["sector"] for entry in entries} == {sector.value for sector in Sector}
    assert classifier().sector("پرورش ماهی") == Sector.AGRICULTURE
    assert classifier().sector("نجاری") == Sector.INDUSTRY
    assert classifier().sector("آرایشگری") == Sector.SERVICES


def test_rural_places_are_in_real_provinces_and_are_not_cities() -> None:
    rural = load_reference("areas.yml")["rural"]
    assert rural
    assert {entry["province"] for entry in rural} <= set(places().provinces)
    assert not {entry["name"] for entry in rural} & set(places().city_province)


def test_a_clients_city_gives_urban_rural_or_unknown() -> None:
    classify = classifier()
    assert classify.area("مشهد") == Area.URBAN
    assert classify.area("خرم آباد") == Area.URBAN  # written without the half-space
    assert classify.area("ابیانه") == Area.RURAL
    assert classify.area("روستای قلعه نو") == Area.RURAL
    assert classify.area("جایی که نمی‌شناسیم") == "unknown"
    assert classify.area(None) == "unknown"
    splits = classify.splits(gender="female", province="نامعلوم", city=None, field="خیاطی")
    assert splits == {
        Split.GENDER: "female",
        Split.AREA: "unknown",
        Split.SECTOR: Sector.INDUSTRY,
        Split.PROVINCE: "unknown",
    }

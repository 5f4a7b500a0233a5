"""The splits reports give every figure by: gender, urban/rural, sector and province.

A client's splits come from the facts in force: gender and province directly, urban/rural from their city
(karyar/reference/areas.yml and places.yml), sector from their field (the `sector` of fields.yml). What a
client never said is counted as unknown, so the parts of a split always add up to its total.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cache

from karyar.catalogue.reference import compact_key, load_reference, places
from karyar.texts import _
from karyar.vocabulary import VALUE_LABELS

UNKNOWN = "unknown"
UNKNOWN_LABEL = _("Report value: unknown")


class Split(enum.StrEnum):
    GENDER = "gender"
    AREA = "area"
    SECTOR = "sector"
    PROVINCE = "province"


class Area(enum.StrEnum):
    URBAN = "urban"
    RURAL = "rural"


class Sector(enum.StrEnum):
    SERVICES = "services"
    AGRICULTURE = "agriculture"
    INDUSTRY = "industry"


SPLIT_LABELS = {
    Split.GENDER: _("Report split: gender"),
    Split.AREA: _("Report split: urban or rural"),
    Split.SECTOR: _("Report split: sector"),
    Split.PROVINCE: _("Report split: province"),
}
_VALUE_LABELS: dict[Split, dict[str, str]] = {
    Split.GENDER: dict(VALUE_LABELS["gender"]),
    Split.AREA: {Area.URBAN: _("Report area: urban"), Area.RURAL: _("Report area: rural")},
    Split.SECTOR: {
        Sector.SERVICES: _("Report sector: services"),
        Sector.AGRICULTURE: _("Report sector: agriculture"),
        Sector.INDUSTRY: _("Report sector: industry"),
    },
}


def value_label(split: Split, value: str) -> str:
    if value == UNKNOWN:
        return UNKNOWN_LABEL
    return _VALUE_LABELS.get(split, {}).get(value, value)


@dataclass(frozen=True)
class Classifier:
    """Turns the facts of a client into their splits."""

    sector_by_field: dict[str, str]
    rural_keys: frozenset[str]
    urban_keys: frozenset[str]
    rural_words: tuple[str, ...]
    province_names: frozenset[str]

    def area(self, city: str | None) -> str:
        if not city:
            return UNKNOWN
        key = compact_key(city)
        words = city.split()
        if key in self.rural_keys or (words and words[0] in self.rural_words):
            return Area.RURAL
        return Area.URBAN if key in self.urban_keys else UNKNOWN

    def sector(self, field: str | None) -> str:
        return self.sector_by_field.get(field or "", UNKNOWN)

    def splits(
        self, *, gender: str | None, province: str | None, city: str | None, field: str | None
    ) -> dict[Split, str]:
        return {
            Split.GENDER: gender if gender in _VALUE_LABELS[Split.GENDER] else UNKNOWN,
            Split.AREA: self.area(city),
            Split.SECTOR: self.sector(field),
            Split.PROVINCE: province if province in self.province_names else UNKNOWN,
        }


@cache
def classifier() -> Classifier:
    sectors: dict[str, str] = {
        entry["name"]: Sector(entry["sector"]) for entry in load_reference("fields.yml")["fields"]
    }
    areas = load_reference("areas.yml")
    rural = frozenset(compact_key(entry["name"]) for entry in areas["rural"])
    known = places()
    return Classifier(
        sector_by_field=sectors,
        rural_keys=rural,
        urban_keys=frozenset(compact_key(name) for name in known.city_province) - rural,
        rural_words=tuple(areas["rural_words"]),
        province_names=frozenset(known.provinces),
    )

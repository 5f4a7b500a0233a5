"""The reference data the catalogue checks and searches against: fields, places and neighbouring provinces.

Names are compared by `persian.text.search_key` with spaces removed, so «خرم آباد», «خرم‌آباد» and «خرمآباد»,
or «خياطي» and «خیاطی», are the same name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from karyar.data_files import read_data_file
from persian.text import search_key

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"


def compact_key(text: str) -> str:
    return search_key(text).replace(" ", "")


def load_reference(name: str) -> Any:
    return read_data_file(REFERENCE_DIR / name)


@dataclass(frozen=True, slots=True)
class FieldMention:
    """A field named in a text: its canonical name and the words that named it."""

    field: str
    words: str


@dataclass(frozen=True)
class Fields:
    """The canonical field names of fields.yml and every way of writing them."""

    names: tuple[str, ...]
    # search_key of a name or variant -> canonical name
    by_key: dict[str, str]
    # the same without spaces, for a text that is only the name
    by_compact_key: dict[str, str]

    def canonical(self, text: str) -> str | None:
        """The canonical field a whole text names («دوخت» → «خیاطی»), or None."""
        return self.by_compact_key.get(compact_key(text))

    def mentioned(self, text: str) -> list[FieldMention]:
        """Fields named anywhere in a text, as whole words («میخوام دوخت یاد بگیرم» → خیاطی)."""
        padded = f" {search_key(text)} "
        found = {name: surface for surface, name in self.by_key.items() if f" {surface} " in padded}
        whole = self.canonical(text)
        if whole is not None and whole not in found:
            found[whole] = search_key(text)
        return [FieldMention(field=name, words=words) for name, words in found.items()]


@dataclass(frozen=True)
class Places:
    """Provinces, cities with their province, and each province's neighbours."""

    provinces: tuple[str, ...]
    city_province: dict[str, str]
    neighbours: dict[str, frozenset[str]]
    # compact_key of a name -> the name, so a lookup is one dictionary access
    province_by_key: dict[str, str]
    city_by_key: dict[str, str]

    def province(self, text: str) -> str | None:
        return self.province_by_key.get(compact_key(text))

    def city(self, text: str) -> str | None:
        return self.city_by_key.get(compact_key(text))


@cache
def fields() -> Fields:
    by_key: dict[str, str] = {}
    names = []
    for entry in load_reference("fields.yml")["fields"]:
        names.append(entry["name"])
        for surface in [entry["name"], *entry.get("variants", [])]:
            by_key.setdefault(search_key(surface), entry["name"])
    by_compact_key = {key.replace(" ", ""): name for key, name in reversed(by_key.items())}
    return Fields(names=tuple(names), by_key=by_key, by_compact_key=by_compact_key)


@cache
def places() -> Places:
    data = load_reference("places.yml")
    neighbours = load_reference("neighbours.yml")["neighbours"]
    provinces = tuple(p["name"] for p in data["provinces"])
    city_province = {c["name"]: c["province"] for c in data["cities"]}
    return Places(
        provinces=provinces,
        city_province=city_province,
        neighbours={name: frozenset(near) for name, near in neighbours.items()},
        # the first of two names with the same key wins, as the linear search it replaces did
        province_by_key={compact_key(name): name for name in reversed(provinces)},
        city_by_key={compact_key(name): name for name in reversed(city_province)},
    )

"""Iran's provinces and cities (karyar/reference/places.yml), looked up the forgiving way clients write them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from nlu.text import search_key

PLACES_FILE = Path(__file__).parent / "reference" / "places.yml"


@dataclass(frozen=True, slots=True)
class Places:
    provinces: tuple[str, ...]
    province_of_city: dict[str, str]
    _by_key: dict[str, str]

    def province(self, text: str) -> str | None:
        """The canonical province a text names («خراسان رضوي» → «خراسان رضوی»), if any."""
        name = self._by_key.get(search_key(text))
        return name if name in self.provinces else None

    def city(self, text: str) -> str | None:
        """The canonical city a text names; a province capital with the province's name counts as a city."""
        name = self._by_key.get(search_key(text))
        if name in self.province_of_city:
            return name
        return None

    def is_in(self, city: str, province: str) -> bool:
        return self.province_of_city.get(city) == province


@cache
def places() -> Places:
    data = yaml.safe_load(PLACES_FILE.read_text(encoding="utf-8"))
    provinces = tuple(entry["name"] for entry in data["provinces"])
    province_of_city = {entry["name"]: entry["province"] for entry in data["cities"]}
    for entry in data["provinces"]:
        province_of_city.setdefault(entry["capital"], entry["name"])
    by_key = {search_key(name): name for name in (*provinces, *province_of_city)}
    return Places(provinces=provinces, province_of_city=province_of_city, _by_key=by_key)

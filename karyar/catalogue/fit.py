"""Which catalogue items need full physical strength, from fit.yml (read once)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from karyar.data_files import read_data_file
from persian.text import search_key

FIT_FILE = Path(__file__).resolve().parent / "fit.yml"


@cache
def heavy_field_keys() -> tuple[str, ...]:
    """The search keys of fields whose work is heavy (compared with an item's field_key)."""
    return tuple(search_key(str(name)) for name in read_data_file(FIT_FILE)["heavy_fields"])


@cache
def heavy_requirement_phrases() -> tuple[str, ...]:
    """Phrases in an item's requirements that ask for full physical strength."""
    return tuple(str(phrase) for phrase in read_data_file(FIT_FILE)["heavy_requirements"])


def is_heavy(field_key: str, requirements: str | None) -> bool:
    if field_key in heavy_field_keys():
        return True
    text = search_key(requirements or "")
    return any(search_key(phrase) in text for phrase in heavy_requirement_phrases())

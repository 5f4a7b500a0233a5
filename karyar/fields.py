"""Trades and skills (karyar/reference/fields.yml): the canonical name for any variant a client writes."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from nlu.text import search_key

FIELDS_FILE = Path(__file__).parent / "reference" / "fields.yml"


@cache
def _canonical_by_key() -> dict[str, str]:
    data = yaml.safe_load(FIELDS_FILE.read_text(encoding="utf-8"))
    by_key: dict[str, str] = {}
    for entry in data["fields"]:
        for form in (entry["name"], *(entry.get("variants") or [])):
            by_key.setdefault(search_key(str(form)), entry["name"])
    return by_key


def canonical_field(text: str) -> str | None:
    """«دوخت» → «خیاطی»; None when the text is not a known field or variant."""
    return _canonical_by_key().get(search_key(text))


def field_names() -> list[str]:
    return sorted(set(_canonical_by_key().values()))

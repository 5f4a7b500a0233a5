"""Words staff write in a catalogue spreadsheet that the importer recognises, read once from words.yml."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from karyar.catalogue.reference import compact_key
from karyar.data_files import read_data_file

WORDS_FILE = Path(__file__).resolve().parent / "words.yml"


@cache
def _words() -> dict[str, Any]:
    words: dict[str, Any] = read_data_file(WORDS_FILE)
    return words


def aliases() -> dict[str, list[str]]:
    """Other words for a coded value, beyond its code and its label, by the code."""
    return {code: [str(word) for word in spellings] for code, spellings in _words()["aliases"].items()}


@cache
def yes_words() -> frozenset[str]:
    """What a yes/no cell says for yes, by compact_key."""
    return frozenset(compact_key(str(word)) for word in _words()["true_words"])


@cache
def no_words() -> frozenset[str]:
    return frozenset(compact_key(str(word)) for word in _words()["false_words"])

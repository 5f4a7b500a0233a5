"""The words a report request is read with (words.yml): period names, range words, organisation names."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from karyar.data_files import read_data_file

WORDS_FILE = Path(__file__).resolve().parent / "words.yml"


@dataclass(frozen=True, slots=True)
class RequestWords:
    periods: dict[str, tuple[str, ...]]  # named period -> the words for it
    range_words: tuple[str, ...]  # between the two dates of a range of days
    organisations: dict[str, tuple[str, ...]]  # organisation code -> the names staff write for it
    examples: dict[str, str]  # shown in the command line's help


@cache
def request_words() -> RequestWords:
    data = read_data_file(WORDS_FILE)
    return RequestWords(
        periods={name: tuple(words) for name, words in data["periods"].items()},
        range_words=tuple(data["range_words"]),
        organisations={code: tuple(words) for code, words in data["organisations"].items()},
        examples=dict(data["examples"]),
    )

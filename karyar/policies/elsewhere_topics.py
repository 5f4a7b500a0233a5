"""Topics outside Karyar's work (subsidies, the living allowance, housing, …) and the words clients use for
them (elsewhere_words.yml); who answers each is in the policy files (karyar/policies/elsewhere.py)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from karyar.data_files import read_data_file
from persian.phrases import PhraseFinder

WORDS_FILE = Path(__file__).with_name("elsewhere_words.yml")


@cache
def _words() -> dict[str, Any]:
    return dict(read_data_file(WORDS_FILE))


def topic_words() -> dict[str, list[str]]:
    return {str(topic): [str(word) for word in words] for topic, words in _words()["topics"].items()}


@cache
def _finder() -> PhraseFinder[str]:
    return PhraseFinder(topic_words(), ignoring=[str(phrase) for phrase in _words().get("not_about") or []])


def topics_in(text: str) -> list[str]:
    """The outside topics a message mentions, in the order it mentions them."""
    return _finder().find(text)

"""Topics outside Karyar's work (subsidies, the living allowance, housing, …): recognising them in what a
client writes, and who does answer them, as the client's organisation's policy file says."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from karyar.data_files import read_data_file
from karyar.policies.schema import Policy
from persian.phrases import PhraseFinder

WORDS_FILE = Path(__file__).with_name("elsewhere_words.yml")


@cache
def topic_words() -> dict[str, list[str]]:
    return {str(topic): [str(word) for word in words] for topic, words in read_data_file(WORDS_FILE).items()}


@cache
def _finder() -> PhraseFinder[str]:
    return PhraseFinder(topic_words())


def topics_in(text: str) -> list[str]:
    """The outside topics a message mentions, in the order it mentions them."""
    return _finder().find(text)


def pointer(policy: Policy, text: str) -> str | None:
    """Who answers the first outside topic the message mentions that the policy names, or None."""
    answers = {entry.topic: entry.answer for entry in policy.elsewhere}
    return next((answers[topic] for topic in topics_in(text) if topic in answers), None)

"""The questions a client asked in passing that the answer to their message did not cover.

A long message may ask about the loan, a guarantor, a promissory note and evening classes at once; the NLU
picks one intent. The others are found here by their words (asked_topics.yml), in the parts of the message
that are questions, so that each is answered (a button) or handed to a counsellor, never silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from karyar.data_files import read_data_file
from persian.phrases import PhraseFinder
from persian.text import CLAUSES, QUESTION_MARK


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    intent: str | None  # the intent whose answer covers it; None: a counsellor answers it
    alone: bool = False  # beside another topic it is what that one is about («وام برای دوره»), not asked


@dataclass(frozen=True, slots=True)
class _Table:
    topics: dict[str, Topic]
    finder: PhraseFinder[str]
    cues: PhraseFinder[str]


@cache
def _table() -> _Table:
    data = read_data_file(Path(__file__).with_name("asked_topics.yml"))
    topics = {
        name: Topic(name, entry.get("intent"), bool(entry.get("alone")))
        for name, entry in data["topics"].items()
    }
    finder = PhraseFinder(
        {name: [str(word) for word in entry["words"]] for name, entry in data["topics"].items()}
    )
    return _Table(topics, finder, PhraseFinder({"cue": [str(cue) for cue in data["cues"]]}))


def topics_asked(text: str) -> list[Topic]:
    """The topics the message asks about, in the order asked."""
    table = _table()
    asked: dict[str, None] = {}
    # A message is cut into parts at sentence ends and commas, so a cue counts only for its own part.
    for match in CLAUSES.finditer(text):
        part = match.group(0)
        if QUESTION_MARK.search(part) or table.cues.find(part):
            found = [table.topics[name] for name in table.finder.find(part)]
            for topic in found:
                if not topic.alone or len(found) == 1:
                    asked.setdefault(topic.name, None)
    return [table.topics[name] for name in asked]


def left_unanswered(text: str, *, answered_intent: str | None) -> list[Topic]:
    """The topics asked that the answer (to `answered_intent`) did not cover."""
    return [topic for topic in topics_asked(text) if topic.intent is None or topic.intent != answered_intent]

"""What follows a greeting at the start of a message: «سلام، دوره خیاطی میخوام» asks for a course.

A greeting in front of a request must never hide it, and a classifier that reads the whole message often
lets the greeting win («salam vam mikham» → greet). The classifier reads the rest of such a message too.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import rasa.shared.utils.io

from persian.text import PAUSES

# Fewer words than this after the greeting («سلام، خوبین؟», «سلام جناب») leave the message a greeting.
_MIN_WORDS_AFTER = 2


@lru_cache(maxsize=1)
def _opening() -> re.Pattern[str]:
    words = rasa.shared.utils.io.read_yaml_file(Path(__file__).with_name("greeting_words.yml"))
    alternatives = "|".join(re.escape(str(word)) for word in sorted(words, key=len, reverse=True))
    # One or more greetings («سلام، خسته نباشید»), each a whole word, with what separates them.
    return re.compile(rf"^\s*(?:(?:{alternatives})(?![^\W\d_]){PAUSES})+", re.IGNORECASE)


def after_greeting(text: str) -> str | None:
    """The request after an opening greeting, or None when the message does not open with one or is
    nothing more than a greeting."""
    opening = _opening().match(text)
    if opening is None:
        return None
    rest = text[opening.end() :].strip()
    return rest if len(rest.split()) >= _MIN_WORDS_AFTER else None

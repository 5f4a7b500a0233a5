"""Persian written in Latin letters (Finglish), read in Persian letters, so that what the intent classifier
learned from Persian covers it: «salam man 25 salame dore khayati too mashhad mikham» is read as
«سلام من 25 سالمه دوره خیاطی تو مشهد میخوام».

Only known words are replaced: those listed in ``finglish_words.yml`` and the Latin variants of entity
synonyms whose value is in Persian letters (``khayati`` → «خیاطی», ``shirini pazi`` → «شیرینی‌پزی»). Any
other word stays as written and still counts by its letters. Spellings differ by doubled letters
(«salaaam», «khoone», «mikhaam»), so words are compared with repeated letters read once.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import rasa.shared.utils.io

_LATIN_WORD = re.compile(r"[A-Za-z]+")
_PERSIAN_LETTER = re.compile(r"[\u0600-\u06FF]")
_REPEATS = re.compile(r"(.)\1+")
# Phrases up to this many words long are read as one («fani herfei», «komak parastari»).
_LONGEST_PHRASE = 3


def spelling_key(words: str) -> tuple[str, ...]:
    return tuple(_REPEATS.sub(r"\1", word.lower()) for word in words.split())


@lru_cache(maxsize=1)
def _listed() -> dict[str, str]:
    words = rasa.shared.utils.io.read_yaml_file(Path(__file__).with_name("finglish_words.yml"))
    return {str(latin): str(persian) for latin, persian in words.items()}


class FinglishReader:
    """Reads the known Latin-letter words of a text in Persian letters; everything else is left as it is."""

    def __init__(self, words: Mapping[str, str]) -> None:
        self._words = {spelling_key(latin): persian for latin, persian in words.items() if latin.strip()}

    @classmethod
    def with_synonyms(cls, synonyms: Mapping[str, str]) -> FinglishReader:
        """The listed words and the Latin variants of these entity synonyms (variant → value)."""
        words = dict(_listed())
        for variant, value in synonyms.items():
            if _LATIN_WORD.fullmatch(variant.replace(" ", "")) and _PERSIAN_LETTER.search(value):
                words.setdefault(variant, value)
        return cls(words)

    def read(self, text: str) -> str:
        matches = list(_LATIN_WORD.finditer(text))
        if not matches:
            return text
        parts: list[str] = []
        position = index = 0
        while index < len(matches):
            for length in range(min(_LONGEST_PHRASE, len(matches) - index), 0, -1):
                run = matches[index : index + length]
                # a phrase's words stand next to each other, with only spaces between them
                if any(text[a.end() : b.start()].strip() for a, b in itertools.pairwise(run)):
                    continue
                persian = self._words.get(spelling_key(" ".join(m.group() for m in run)))
                if persian is not None:
                    parts += [text[position : run[0].start()], persian]
                    position = run[-1].end()
                    index += length
                    break
            else:
                index += 1
        return "".join(parts) + text[position:]

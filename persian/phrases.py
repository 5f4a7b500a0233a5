"""Finding known phrases in free text, the way people type them.

Phrases and text are compared as search keys (Arabic letter forms, half-spaces and repeated letters do
not matter), whole words only («دارو» is not found in «دارویی»), and the last word may carry a plural
ending, enclitics and the colloquial object marker («زندانه», «بدهی‌هامون», «مستمریمو»).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Generic, TypeVar

from persian.text import ENCLITIC_ENDINGS, search_key

Key = TypeVar("Key")

_PLURALS = ("هایی", "های", "ها")
# Possessive endings the shared enclitic list leaves out («مدارکش», «بیمه‌تون»).
_POSSESSIVES = ("شون", "تون", "مون", "شان", "تان", "مان", "ش", "ت")
_LETTER_BEFORE = r"(?<![^\W\d_])"
_LETTER_AFTER = r"(?![^\W\d_])"
# Plural, enclitics, then the colloquial object marker («مستمریمو»).
_ENDINGS = "(?:{plural})?(?:{enclitic}){{0,2}}و?".format(
    plural="|".join(_PLURALS),
    enclitic="|".join(sorted({*ENCLITIC_ENDINGS, *_POSSESSIVES}, key=len, reverse=True)),
)


def _pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    keys = sorted({search_key(phrase) for phrase in phrases if search_key(phrase)}, key=len, reverse=True)
    if not keys:
        return None
    # Between words: any spacing, and the ezafe «ی» written after a final «ه» («هزینه‌ی درمان»).
    alternatives = "|".join(re.escape(key).replace(r"\ ", r"ی?\s*") for key in keys)
    # «یی» after a word makes an adjective («دارویی»), not an enclitic.
    return re.compile(f"{_LETTER_BEFORE}(?:{alternatives})(?!یی){_ENDINGS}{_LETTER_AFTER}")


class PhraseFinder(Generic[Key]):
    """Which keys' phrases a text mentions, in the order the text first mentions them.

    Phrases in `ignoring` are taken out of the text first: a longer phrase that means something else
    («مستمری بگیر», who the client is) hides the shorter one inside it («مستمری», a question about it).
    """

    def __init__(self, phrases: Mapping[Key, Iterable[str]], *, ignoring: Iterable[str] = ()) -> None:
        self._patterns = [
            (key, pattern) for key, words in phrases.items() if (pattern := _pattern(words)) is not None
        ]
        self._ignored = _pattern(ignoring)

    def find(self, text: str) -> list[Key]:
        folded = search_key(text)
        if self._ignored is not None:
            folded = self._ignored.sub(" ", folded)
        found = [(match.start(), key) for key, pattern in self._patterns if (match := pattern.search(folded))]
        return [key for _, key in sorted(found, key=lambda pair: pair[0])]

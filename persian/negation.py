"""Which values in a Persian message are said not to hold («امداد نیستم، بهزیستی هستم», «دیپلم ندارم») or
are taken back («۲۵، ببخشید ۲۶»).

Standard library only and Python 3.10 syntax: Rasa's pipeline imports it as well as the app.

A value is negated when a negative verb follows it, with at most a few filler words between («کمیته امداد
نیستم», «دیپلم هم ندارم», «تهران کار نمی‌کنم»), or in «نه X نه Y» and «نه X بلکه Y».
A clause ends at punctuation or at a joining word («ولی», «و», «بلکه»), so «تهران زندگی می‌کنم ولی کار
ندارم» keeps Tehran. Words inside the value itself («بی‌سواد», «سواد ندارم» as one annotated span) are
the value's own and never negate it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from persian.text import CLAUSE_MARKS, plain_word, word_tokens

# Words after which the next words belong to another clause.
_CLAUSE_JOINERS = frozenset({"و", "ولی", "اما", "بلکه", "که", "یا", "چون", "ولیکن", "منتها", "ولى"})
# Negative forms that are not a prefix plus a verb: the negative copula, «no».
_NEGATIVE_WORDS = frozenset(
    {"نیستم", "نیستی", "نیست", "نیستیم", "نیستید", "نیستین", "نیستند", "نیستن", "نیستش", "نه", "نخیر", "نچ"}
)
# Present and past stems that take the negative prefix «ن» («ندارم», «نکردم», «نخوندم», «نمی‌خوام»).
_NEGATABLE_STEMS = (
    "دار", "داشت", "کرد", "کن", "خوند", "خواند", "خون", "خوان", "رفت", "رو", "شد", "شو", "بود", "باش",
    "گرفت", "گیر", "دید", "بین", "خواست", "خواه", "خوا", "تونست", "توانست", "تون", "توان", "دونست",
    "دانست", "دون", "دان", "زد", "گذروند", "گذراند", "اومد", "آمد", "یاد",
)  # fmt: skip
# Personal endings (written without ZWNJ) that may follow a stem.
_ENDINGS = frozenset({"", "م", "ی", "ه", "یم", "ید", "ین", "ند", "ن", "ش", "هام", "هایم", "ست", "یه", "مش"})
# Words that may stand between a value and its negative verb («دیپلم هم ندارم», «تهران کار نمی‌کنم»);
# any other word means the verb is about something else («۳۰ سالمه بچه ندارم»).
_FILLERS = frozenset(
    {
        "هم",
        "رو",
        "را",
        "اصلا",
        "اصلاً",
        "دیگه",
        "دیگر",
        "هنوز",
        "فعلا",
        "فعلاً",
        "کار",
        "زندگی",
        "درس",
        "هیچ",
        "دوست",
        "علاقه",
    }
)


def is_negative_verb(word: str) -> bool:
    """«نیستم», «ندارم», «نکردم», «نمی‌خوام», «نه» → True; «نجاری», «نشونی», «دارم» → False."""
    word = plain_word(word)
    if word in _NEGATIVE_WORDS:
        return True
    if word.startswith("نمی") and len(word) > 4:
        return True
    if not word.startswith("ن"):
        return False
    rest = word[1:]
    return any(rest.startswith(stem) and rest[len(stem) :] in _ENDINGS for stem in _NEGATABLE_STEMS)


def _followed_by_negation(tokens: Sequence[tuple[str, int, int]], end: int, others: Iterable[int]) -> bool:
    later_starts = sorted(start for start in others if start >= end)
    stop = later_starts[0] if later_starts else None
    for word, start, _ in tokens:
        if start < end:
            continue
        if stop is not None and start >= stop:  # the next value has its own negation
            return False
        if word in CLAUSE_MARKS or plain_word(word) in _CLAUSE_JOINERS:
            return False
        if is_negative_verb(word):
            return True
        if plain_word(word) not in _FILLERS:
            return False
    return False


def _not_this_but(tokens: Sequence[tuple[str, int, int]], start: int) -> bool:
    """«نه امداد نه بهزیستی», «نه امداد بلکه بهزیستی»; a lone «نه» before a value is more often «no, …»
    said without a comma («نه امداد هستم»)."""
    before = [word for word, _, token_end in tokens if token_end <= start]
    if not before or before[-1] != "نه":
        return False
    after = [plain_word(word) for word, token_start, _ in tokens if token_start >= start]
    return "بلکه" in after or sum(word == "نه" for word, _, _ in tokens) >= 2


def negated(text: str, spans: Sequence[tuple[int, int]]) -> set[int]:
    """The indices of `spans` (start, end offsets into `text`) whose value the message says does not hold."""
    tokens = word_tokens(text)
    starts = [start for start, _ in spans]
    return {
        index
        for index, (start, end) in enumerate(spans)
        if _followed_by_negation(tokens, end, (s for i, s in enumerate(starts) if i != index))
        or _not_this_but(tokens, start)
    }


# Words with which a client takes back what they just wrote («۲۵، ببخشید ۲۶», «تهران نه، کرج»).
_CORRECTIONS = frozenset({"ببخشید", "یعنی", "اشتباه", "اشتباهی", "منظورم", "نه", "غلط", "ببخشیدا"})


def superseded(text: str, values: Sequence[tuple[int, int, str]]) -> set[int]:
    """The indices of `values` (start, end, kind) that a later value of the same kind corrects: a word of
    correction stands between them («۲۵ سالمه، ببخشید ۲۶» keeps 26). Without one, both stand («تهران یا کرج»)."""
    tokens = word_tokens(text)
    dropped: set[int] = set()
    for index, (_, end, kind) in enumerate(values):
        for later_start, _, later_kind in values[index + 1 :]:
            if later_kind != kind or later_start < end:
                continue
            between = {plain_word(word) for word, start, _ in tokens if end <= start < later_start}
            if between & _CORRECTIONS:
                dropped.add(index)
            break
    return dropped

"""Reading facts from cue words and pairs of cues rather than fixed phrases (shared by ``persian.situations``
and ``persian.experience``).

Standard library only and Python 3.10 syntax: Rasa's pipeline imports it as well as the app.

A message is read as word keys (``persian.facts.words_of``) grouped in clauses. A fact is said by:

- **one cue** that alone says it («بیوه», «کاربلد»);
- **a pair**: a subject and what is said of it, a few words apart in one clause («شوهرم … زندونه»,
  «سال‌هاست … کار میکنم»).

A cue is a stem: Persian endings may follow it («معلولم», «نابیناست», «تجربه‌ام»); words written apart or
joined are the same cue («کم بینا», «کم‌بینا»); letters people swap when spelling by ear count as one
(«فوط», «حمسرم», «سابغه»). The span of a value runs from its first cue word to its last.

Each reader gives its own ``Reading``: the words that look like a cue but are other words, the filler
words that may stand inside a cue or a pair, and the words that start a new clause without a mark.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import product

from persian.facts import Found, words_of
from persian.negation import is_negative_verb
from persian.text import CLAUSE_MARKS, search_key

# --- how words are compared -----------------------------------------------------------------------------

# Letters that sound alike and are swapped by people who spell by ear («فوط», «ذندان», «حمسرم», «مطلغه»).
SOUND_ALIKES = str.maketrans("طذضظصثغحآئ", "تزززسسقهای")
# Endings Persian adds to a stem: a noun ending (plural, «-ی», «-یت», «-گی»), then a personal or possessive
# ending or the spoken copula («-م», «-مون», «-ست», «-س», «-ه»), then the spoken object «-و» or the ezafe
# «-ی»: «معلولیتم», «زندونیه», «نابیناست», «عمرشو», «پاهام», «بزرگ‌شده‌ی».
_NOUN_ENDINGS = ("", "ی", "یی", "ای", "ها", "های", "ان", "ین", "گان", "یت", "گی", "تر", "ترین")
_PERSON_ENDINGS = (
    "", "م", "ت", "ش", "ه", "ی", "یم", "ید", "ین", "ند", "ن", "نم", "ام", "ای", "اش", "ایم", "اید", "اند",
    "ست", "س", "هس", "یه", "یست", "مه", "شه", "مش", "تش", "مون", "تون", "شون", "مان", "تان", "شان",
)  # fmt: skip
ENDINGS = frozenset(a + b + c for a, b, c in product(_NOUN_ENDINGS, _PERSON_ENDINGS, ("", "و", "ی")))
# A word inside a cue takes only the ezafe or a plural («بابای بچه‌ها», «فرزندان مستقل‌شده»), so that
# «بچه‌هام بهزیستی …» (my children) is not «بچه‌ی بهزیستی». A part marked "+" takes every ending
# («عمرشو داد», «طلاقم داد»); a part marked "$" is that exact word and must end its clause («شوهرم مرد»,
# not «شوهرم مرد خوبیه»).
_JOINING_ENDINGS = frozenset({"", "ی", "یی", "ای", "ها", "های", "ان"})


def fold(phrase: str) -> str:
    """The key a phrase is compared by: search key with sound-alikes folded."""
    return search_key(phrase).translate(SOUND_ALIKES)


@dataclass(frozen=True)
class Reading:
    """What one reader counts as a look-alike, a filler and a clause joiner."""

    # words, alone or with the word after them, that start like a cue but are other words (folded keys)
    look_alikes: frozenset[str]
    # words that may stand between the words of a cue or of a pair and are not counted
    fillers: frozenset[str]
    # words after which the next words belong to another clause even without a mark («… ولی …»)
    clause_joiners: frozenset[str]

    @staticmethod
    def of(look_alikes: Iterable[str], fillers: Iterable[str], clause_joiners: Iterable[str]) -> Reading:
        return Reading(frozenset(map(fold, look_alikes)), frozenset(fillers), frozenset(clause_joiners))


Cue = tuple[str, ...]  # the word stems of one cue, sound-alikes folded


class Cues:
    """Cue phrases with the forms whose words are joined («کم بینا», «کمبینا»), found by their first letters."""

    def __init__(self, *phrases: str) -> None:
        self.by_start: dict[str, list[Cue]] = {}
        for phrase in phrases:
            parts = fold(phrase).split()
            for joins in product((" ", ""), repeat=len(parts) - 1):
                text = parts[0]
                for join, part in zip(joins, parts[1:], strict=True):
                    text = text.rstrip("+$") + part if not join else f"{text} {part}"
                cue = tuple(text.split())
                self.by_start.setdefault(cue[0][:2], []).append(cue)
        self._longest_first()

    def __add__(self, other: Cues) -> Cues:
        joined = Cues()
        for cues in (self, other):
            for start, found in cues.by_start.items():
                joined.by_start.setdefault(start, []).extend(found)
        joined._longest_first()
        return joined

    def _longest_first(self) -> None:  # «یتیم خانه» before «یتیم»
        for cues in self.by_start.values():
            cues.sort(key=lambda cue: (-len(cue), -len("".join(cue))))


# --- matching ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    key: str  # search key, sound-alikes folded
    start: int
    end: int
    clause: int


Span = tuple[int, int]  # word indices: first, after last


def _words(text: str, reading: Reading) -> list[Word]:
    words: list[Word] = []
    clause, previous_end = 0, 0
    for key, start, end in words_of(text):
        if key in reading.clause_joiners or any(mark in CLAUSE_MARKS for mark in text[previous_end:start]):
            clause += 1
        previous_end = end
        if key != "ی":  # an ezafe typed apart: «بچه ی بهزیستی»
            words.append(Word(key.translate(SOUND_ALIKES), start, end, clause))
    return words


def _is(word: str, part: str, last: bool) -> bool:
    if part.endswith("$"):
        return word == part[:-1]
    stem = part.rstrip("+")
    endings = ENDINGS if last or part.endswith("+") else _JOINING_ENDINGS
    return word.startswith(stem) and word[len(stem) :] in endings


class Finder:
    """Where each set of cues stands in one message, the longest cue at each word; each set is looked up once."""

    def __init__(self, text: str, reading: Reading) -> None:
        self.reading = reading
        self.words = _words(text, reading)
        self._found: dict[int, list[Span]] = {}

    def __call__(self, cues: Cues) -> list[Span]:
        if id(cues) not in self._found:
            found: list[Span] = []
            for i, word in enumerate(self.words):
                for cue in cues.by_start.get(word.key[:2], ()):
                    end = self._match(i, cue)
                    if end is not None:
                        found.append((i, end))
                        break
            self._found[id(cues)] = found
        return self._found[id(cues)]

    def _looks_alike(self, i: int) -> bool:
        words, look_alikes = self.words, self.reading.look_alikes
        after = f"{words[i].key} {words[i + 1].key}" if i + 1 < len(words) else ""
        return words[i].key in look_alikes or after in look_alikes

    def _match(self, i: int, cue: Cue) -> int | None:
        """The index after `cue` if it starts at word i (fillers may stand between its words), else None."""
        words, fillers = self.words, self.reading.fillers
        j = i
        for n, part in enumerate(cue):
            last = n == len(cue) - 1
            while n and j < len(words) and words[j].key in fillers and not _is(words[j].key, part, last):
                j += 1
            if j >= len(words) or words[j].clause != words[i].clause or not _is(words[j].key, part, last):
                return None
            if self._looks_alike(j):
                return None
            if part.endswith("$") and j + 1 < len(words) and words[j + 1].clause == words[j].clause:
                return None
            j += 1
        return j

    def gap(self, first: Span, second: Span) -> int:
        """The words between two spans, fillers not counted."""
        return sum(word.key not in self.reading.fillers for word in self.words[first[1] : second[0]])


def singles(find: Finder, single: Mapping[str, Cues]) -> Iterator[tuple[str, Span]]:
    """Single cues; of two that overlap, the longer («یتیم خانه» is a care home, not «یتیم»)."""
    found = [(value, span) for value, cues in single.items() for span in find(cues)]
    for value, (a, b) in found:
        if not any(a2 <= a and b <= b2 and (a2, b2) != (a, b) for _, (a2, b2) in found):
            yield value, (a, b)


@dataclass(frozen=True)
class Pair:
    value: str
    subject: Cues  # a person, body part, place, amount of time…
    state: Cues  # what is said of it
    gap: int  # at most this many words between them, fillers not counted
    # the subject, or the state, is someone else's when one of these stands next to it («مادر شوهرم»,
    # «شوهر خواهرم», «شوهرم بعد از فوت پدرش …»)
    not_beside: Cues | None = None
    needs: Cues | None = None  # and one of these must be in the message too, in any clause
    subject_first: bool = False  # a body part comes before what is wrong with it («پام قطع شده»)
    # and none of these may stand between them («تجربه دارم مدرک ندارم» is not «تجربه … ندارم»)
    not_between: Cues | None = None


def _beside(find: Finder, span: Span, cues: Cues | None, subject: Span) -> bool:
    """Whether one of `cues`, other than the words of the subject itself, stands right before or after `span`."""
    return cues is not None and any(
        (end == span[0] or start == span[1]) and not (start < subject[1] and subject[0] < end)
        for start, end in find(cues)
    )


def _between(find: Finder, first: Span, second: Span, cues: Cues | None) -> bool:
    return cues is not None and any(first[1] <= start and end <= second[0] for start, end in find(cues))


def pairs(find: Finder, rules: Sequence[Pair]) -> Iterator[tuple[str, Span]]:
    """Each rule's value over the first state found with each of its subjects."""
    words = find.words
    for rule in rules:
        for subject in find(rule.subject):
            if _beside(find, subject, rule.not_beside, subject):
                continue
            for state in find(rule.state):
                if _beside(find, state, rule.not_beside, subject):
                    continue
                first, second = sorted((subject, state))
                if rule.subject_first and first != subject:
                    continue
                if first[1] > second[0] or words[first[0]].clause != words[second[0]].clause:
                    continue
                if find.gap(first, second) > rule.gap or _between(find, first, second, rule.not_between):
                    continue
                span = (first[0], second[1])
                if rule.needs is not None:
                    extra = [s for s in find(rule.needs) if s[0] >= span[1] or s[1] <= span[0]]
                    if not extra:
                        continue
                    nearest = min(extra, key=lambda s: abs(s[0] - span[0]))
                    span = (min(span[0], nearest[0]), max(span[1], nearest[1]))
                # a state inside the span must not be negated («پدرم فوت نکرده، سرپرست ندارم»); one at
                # its end is left to the negation step, which reads the words after the span
                if state[1] < span[1] and is_negative_verb(words[state[1]].key):
                    continue
                yield rule.value, span
                break


def once(kind: str, words: Sequence[Word], found: Iterable[tuple[str, Span]]) -> Iterator[Found]:
    """Each value once over the same words (of two that overlap, the one that starts first, then the longer),
    in the order of the text."""
    ordered = sorted(
        {(words[a].start, words[b - 1].end, value) for value, (a, b) in found},
        key=lambda item: (item[0], -item[1]),
    )
    kept: list[tuple[int, int, str]] = []
    for start, end, value in ordered:
        if not any(v == value and s < end and start < e for s, e, v in kept):
            kept.append((start, end, value))
    for start, end, value in kept:
        yield Found(kind, value, start, end)

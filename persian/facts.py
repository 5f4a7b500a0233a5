"""Facts clients state in fixed Persian shapes, read by rule: ages, years at work, places with endings.

Standard library only and Python 3.10 syntax: Rasa's pipeline imports it (``nlu/facts.py``) as well as the app.

A statistical extractor learns entities from the words around them, so a shape it has seen rarely is missed
however regular it is: an age in number words («پنجاه و دو سالمه»), a place with an ending («تهرانم»,
«اصفهانیم», «رشتی هستم»), a span of years that is experience, not age («۱۰ ساله جوشکاری میکنم»).

- **age**: a number in digits or words (10–100) with an age marker after it («سالمه», «سال دارم», «ساله»,
  «سالم تموم شده», «salame») or before it («سنم ۳۰», «سن: ۴۴», «sen 28»). The span and the value are the
  number as written, as the training data annotates it.
- **work_experience**: a number of years or months followed by what shows it is time at work («سابقه»,
  «کار کردم», «ساله … میکنم»); the value is the written duration («۱۰ ساله», «شش ماه»).
- **places**: a word that is a place with an enclitic or the adjective ending («تهرانم», «مشهدیم», «یزدی»,
  «قمی‌ام»), given the places and the words known to mean something else («فارسی» is the language).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from persian.text import parse_persian_number, search_key

_WORD = re.compile(r"[^\s.,،؛:!?؟\"'«»()\-]+")
_LONGEST_NUMBER = 5  # words: «پنجاه و دو», «صد و بیست و سه»
_AGES = range(10, 101)

# After the number, the marker alone says "years old".
_AGE_WORDS = frozenset(
    {"سالمه", "سالشه", "سالمع", "سالگی", "سالم", "سالهام", "سالهایم", "سالمونه", "سالش"}
    | {"salame", "salam", "saleme", "salme", "saalame", "salegi", "sale", "saleh"}
)
# «سال» then one of these is an age: «۳۰ سال دارم», «۳۰ سال سن دارم», «۳۰ سال تمام».
_AFTER_YEARS_AGE = frozenset({"دارم", "سن", "سنمه", "سنم", "تمام", "تموم", "هستم", "دارد", "داره", "عمر"})
# Before the number: «سنم ۳۰».
_AGE_BEFORE = frozenset({"سن", "سنم", "سنش", "سنمه", "sen", "senam"})
_YEAR_UNITS = frozenset({"سال", "ساله"})
_MONTH_UNITS = frozenset({"ماه", "ماهه"})
# What makes a span of time work done: «۱۵ سال سابقه», «۱۰ ساله جوشکاری میکنم», «شش ماه … کار کردم».
_WORK_AFTER = frozenset(
    {"سابقه", "سابقهی", "کارکردم", "کردم", "میکنم", "میکنه", "میکند", "مشغولم", "مشغول", "میزنم", "شاغلم"}
    | {"هست", "است", "که", "تجربه"}
)
_WORK_WINDOW = 4
# Nouns that belong to a span of time at work: «۱۰ سال سابقه».
_WORK_NOUNS = frozenset({"سابقه", "سابقهی", "تجربه"})
# Words after which what follows is no longer about the span of time: «۴۰ ساله هستم، کار میکنم».
_CLAUSE_ENDS = frozenset({"هستم", "هستیم", "ام", "و", "از", "دنبال"})
# Endings a place takes in speech: «تهرانم», «اصفهانیم», «یزدی», «قمی‌ام», «کرجیه».
_PLACE_ENDINGS = ("ییم", "یام", "یم", "ام", "یه", "ی", "م")
# After a final «ه» the «ی» comes with «ا»: «کمیته‌ای‌ام», «ساوه‌ای».
_AFTER_HEH_ENDINGS = ("اییم", "ایام", "ایم", "ای")


@dataclass(frozen=True)
class Found:
    kind: str  # "age", "work_experience" or the place's entity type
    value: str
    start: int
    end: int


Word = tuple[str, int, int]  # search key, start, end


def words_of(text: str) -> list[Word]:
    return [(search_key(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]


def _number_at(words: list[Word], i: int) -> tuple[int, int] | None:
    """(value, index after it) of the longest number starting at word i."""
    if words[i][0] == "و":
        return None
    for length in range(min(_LONGEST_NUMBER, len(words) - i), 0, -1):
        if words[i + length - 1][0] == "و":
            continue
        value = parse_persian_number(" ".join(word for word, _, _ in words[i : i + length]))
        if value is not None:
            return value, i + length
    return None


def _works_after(words: list[Word], i: int) -> bool:
    for word, _, _ in words[i : i + _WORK_WINDOW]:
        if word in _CLAUSE_ENDS:
            return False
        if word in _WORK_AFTER:
            return True
    return False


def ages_and_experience(text: str) -> Iterator[Found]:
    """Ages and spans of work experience in a normalised text (``persian.text.normalize``)."""
    words = words_of(text)
    i = 0
    while i < len(words):
        found = _number_at(words, i)
        if found is None:
            i += 1
            continue
        value, after = found
        start, number_end = words[i][1], words[after - 1][2]
        unit, unit_end = (words[after][0], words[after][2]) if after < len(words) else ("", number_end)
        next_word = words[after + 1][0] if after + 1 < len(words) else ""
        is_age = value in _AGES
        if (is_age and unit in _AGE_WORDS) or (
            is_age and unit in _YEAR_UNITS and next_word in _AFTER_YEARS_AGE
        ):
            yield Found("age", text[start:number_end], start, number_end)
        elif (unit in _YEAR_UNITS or unit in _MONTH_UNITS) and _works_after(words, after + 1):
            yield Found("work_experience", text[start:unit_end], start, unit_end)
        elif is_age and (
            unit == "ساله"
            or (unit == "سال" and not next_word)
            or (i > 0 and words[i - 1][0] in _AGE_BEFORE and after - i <= 3)
        ):
            yield Found("age", text[start:number_end], start, number_end)
        i = after


def marker_end(text: str, end: int) -> int:
    """Where an age or a span of time whose number ends at `end` really ends: past its marker («۳۰| سالم
    نیست», «۱۰ سال| سابقه ندارم»), so that a negation after the marker is read as negating the value."""
    reach = end
    earlier = words_of(text[:end])
    last = earlier[-1][0] if earlier else ""
    for word, start, word_end in words_of(text[end:])[:2]:
        if text[reach : end + start].strip():  # a comma or anything else between: the shape is over
            break
        marker = word in _AGE_WORDS or word in _YEAR_UNITS or word in _MONTH_UNITS
        at_work = last in _YEAR_UNITS | _MONTH_UNITS and word in _WORK_NOUNS
        if not (marker or at_work):
            break
        reach, last = end + word_end, word
    return reach


def spoken_place_forms(
    places: Mapping[str, tuple[str, str]], used_otherwise: Iterable[str]
) -> dict[str, tuple[str, str]]:
    """Each one-word place's forms with an ending → (entity type, place), given the places by search key.

    A form in `used_otherwise` (words seen meaning something else) is left out; so are the bare places,
    which lookup tables find, and endings without «ی» on two-letter places («قمم» is no word anyone writes).
    """
    excluded = set(used_otherwise)
    forms: dict[str, tuple[str, str]] = {}
    for key, place in places.items():
        if " " in key:
            continue
        for ending in _PLACE_ENDINGS + (_AFTER_HEH_ENDINGS if key.endswith("ه") else ()):
            form = key + ending
            if form not in places and form not in excluded and (len(key) >= 3 or ending.startswith("ی")):
                forms.setdefault(form, place)
    return forms


def places_in(text: str, forms: Mapping[str, tuple[str, str]]) -> Iterator[Found]:
    for key, start, end in words_of(text):
        place = forms.get(key)
        if place is not None:
            yield Found(place[0], place[1], start, end)

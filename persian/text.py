"""Persian text normalisation shared by the Rasa pipeline and the app's searches.

Standard library only: this module is imported both inside Rasa's Python 3.10 environment (by the custom
components in ``nlu/components.py``) and by the app (Python 3.11+, catalogue search, actions), which has
neither Rasa nor hazm. Keep it free of third-party imports and of Python-3.11-only syntax.

Why ``normalize`` is length-preserving
--------------------------------------
Rasa stores entities as character offsets (``start``/``end``) into the message text, and the training data
annotates entities by offsets into the *original* example text. The normaliser component rewrites the message
text before tokenisation, so every later component (tokenizer, regex/lookup extractor, CRF, synonym mapper)
works on normalised text. If normalisation changed the length of the text, every offset computed on the
normalised text would point at the wrong characters of the original (and the training annotations would no
longer line up with the normalised examples). So ``normalize`` maps exactly one output code point to each
input code point: ``len(normalize(s)) == len(s)`` always, and ``s[i]`` corresponds to ``normalize(s)[i]``.

Characters that should disappear (diacritics, kashida/tatweel, zero-width and direction marks) are therefore
*replaced*, not deleted: they become a ZWNJ (U+200C, the Persian half-space), which is already an invisible
in-word character in Persian. The tokenizer removes ZWNJ from token texts, so «سـلام», «سَلام» and «سلام» all
give the token «سلام». Control characters and every kind of space or line break become a plain space.
Ligatures whose compatibility form has several letters (e.g. «ﻻ», «ﷲ») cannot be expanded without changing
the length and are left as they are; they are very rare in typed text.

For searching (where offsets do not matter) use ``search_key``, which normalises and then also drops ZWNJ,
lower-cases, squeezes letters repeated three or more times and collapses spaces.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "ZWNJ",
    "normalize",
    "parse_persian_number",
    "parse_school_grade",
    "parse_years",
    "search_key",
    "squeeze_repeats",
    "to_ascii_digits",
    "to_persian_digits",
]

ZWNJ = "\u200c"
# Endings tried (longest first) when a known word carries an enclitic or the adjective «ی»
# (without ZWNJ, «تهران‌ام» reads «تهرانام»).
ENCLITIC_ENDINGS = ("ییم", "یام", "ایم", "یم", "ام", "ای", "یه", "ست", "م", "ی", "ه")

_ASCII_DIGITS = "0123456789"
_PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
_ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"

# Explicit one-to-one letter mappings (Arabic and regional forms -> standard Persian forms).
_LETTER_MAP: dict[str, str] = {
    # yeh
    "\u064a": "ی",  # ي ARABIC LETTER YEH
    "\u0649": "ی",  # ى ALEF MAKSURA
    "\u0620": "ی",  # ؠ KASHMIRI YEH
    "\u063d": "ی",  # ؽ
    "\u063e": "ی",  # ؾ
    "\u063f": "ی",  # ؿ
    "\u06cd": "ی",  # ۍ YEH WITH TAIL
    "\u06ce": "ی",  # ێ
    "\u06d0": "ی",  # ې
    "\u06d1": "ی",  # ۑ
    "\u06d2": "ی",  # ے YEH BARREE
    "\u06d3": "ی",  # ۓ
    # kaf
    "\u0643": "ک",  # ك ARABIC LETTER KAF
    "\u063b": "ک",  # ػ
    "\u063c": "ک",  # ؼ
    "\u06aa": "ک",  # ڪ SWASH KAF
    "\u06ab": "ک",  # ګ
    "\u06ac": "ک",  # ڬ
    "\u06ad": "ک",  # ڭ
    "\u06ae": "ک",  # ڮ
    # heh / teh marbuta
    "\u0629": "ه",  # ة TEH MARBUTA
    "\u06c0": "ه",  # ۀ HEH WITH YEH ABOVE
    "\u06c1": "ه",  # ہ HEH GOAL
    "\u06c2": "ه",  # ۂ
    "\u06c3": "ه",  # ۃ
    "\u06d5": "ه",  # ە AE
    "\u06be": "ه",  # ھ HEH DOACHASHMEE
    # alef with hamza / wasla (آ is kept: it is a distinct Persian letter)
    "\u0623": "ا",  # أ
    "\u0625": "ا",  # إ
    "\u0671": "ا",  # ٱ
    "\u0672": "ا",  # ٲ
    "\u0673": "ا",  # ٳ
    # waw variants
    "\u0624": "و",  # ؤ
    "\u0676": "و",  # ٶ
    "\u0677": "و",  # ٷ
    "\u06c4": "و",
    "\u06c5": "و",
    "\u06c6": "و",
    "\u06c7": "و",
    "\u06c8": "و",
    "\u06c9": "و",
    "\u06ca": "و",
    "\u06cb": "و",
    "\u06cf": "و",
    # Arabic decimal and thousands separators
    "\u066b": ".",  # ٫
    "\u066c": ",",  # ٬
}
for _i in range(10):
    _LETTER_MAP[_PERSIAN_DIGITS[_i]] = _ASCII_DIGITS[_i]
    _LETTER_MAP[_ARABIC_INDIC_DIGITS[_i]] = _ASCII_DIGITS[_i]

_KASHIDA = "\u0640"


def _is_presentation_form(code: int) -> bool:
    return 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFE


def _map_char(ch: str) -> str:
    """Return the single normalised character for ``ch`` (always exactly one code point)."""
    mapped = _LETTER_MAP.get(ch)
    if mapped is not None:
        return mapped
    if ch == ZWNJ:
        return ch
    if ch == _KASHIDA:
        return ZWNJ
    if ch.isspace():
        return " "
    category = unicodedata.category(ch)
    if category == "Cc":
        return " "
    if category in ("Mn", "Me", "Cf"):
        # diacritics, hamza above/below, variation selectors, ZWJ, zero-width space, direction marks, BOM
        return ZWNJ
    if _is_presentation_form(ord(ch)):
        compat = unicodedata.normalize("NFKC", ch)
        if len(compat) == 1:
            return _LETTER_MAP.get(compat, compat)
    return ch


class _TranslationTable(dict[int, int]):
    """A ``str.translate`` table that computes and caches each code point's mapping on first use."""

    def __missing__(self, code: int) -> int:
        value = ord(_map_char(chr(code)))
        self[code] = value
        return value


_TABLE = _TranslationTable()


def normalize(text: str) -> str:
    """Normalise Persian text without changing its length (see the module docstring).

    - Arabic and regional letter forms -> Persian (ي ى -> ی, ك -> ک, ة ۀ -> ه, أ إ -> ا, ؤ -> و, …);
    - Persian and Arabic-Indic digits -> ASCII digits; ٫ -> "." and ٬ -> ",";
    - Arabic presentation forms -> base letters (single-letter forms only);
    - diacritics, kashida, zero-width and direction marks -> ZWNJ (the tokenizer drops it);
    - control characters and all kinds of spaces and line breaks -> " ".
    """
    return text.translate(_TABLE)


_TO_ASCII = str.maketrans(_PERSIAN_DIGITS + _ARABIC_INDIC_DIGITS, _ASCII_DIGITS * 2)
_TO_PERSIAN = str.maketrans(_ASCII_DIGITS + _ARABIC_INDIC_DIGITS, _PERSIAN_DIGITS * 2)


def to_ascii_digits(text: str) -> str:
    """Replace Persian and Arabic-Indic digits with ASCII digits; nothing else changes."""
    return text.translate(_TO_ASCII)


def to_persian_digits(text: str) -> str:
    """Replace ASCII and Arabic-Indic digits with Persian digits (for text shown to people)."""
    return text.translate(_TO_PERSIAN)


_REPEATS = re.compile(r"([^\W\d_])\1{2,}")


def squeeze_repeats(text: str) -> str:
    """Squeeze a letter repeated three or more times to one: «سلاااام» -> «سلام», «خیییلی» -> «خیلی».

    Digits are never squeezed («1000» stays), and doubled letters stay («الله»).
    """
    return _REPEATS.sub(r"\1", text)


_SPACES = re.compile(r"\s+")
# What people put between the items of a list they type: Latin and Persian commas and semicolons.
LIST_SEPARATORS = re.compile(r"[,،;؛]")
# The parts of a message between sentence ends and commas, each with the marks that close it.
CLAUSES = re.compile(r"[^.!?؟\n،,;؛]+[.!?؟\n،,;؛]*")
QUESTION_MARK = re.compile(r"[?؟]")
# Spaces and the marks that may separate one greeting or short phrase from the next («سلام، خسته نباشید!»).
PAUSES = r"[\s,،.!؟?:;؛\-]*"
# The marks after which the next words belong to another clause.
CLAUSE_MARKS = frozenset("،,.;؛!?؟\n:")
# Words (letters with their half-spaces), numbers, and each clause mark, as separate tokens.
_WORD_TOKEN = re.compile(r"(?:[^\W\d_]|\u200c)+|\d+|[" + re.escape("".join(sorted(CLAUSE_MARKS))) + "]")


def word_tokens(text: str) -> list[tuple[str, int, int]]:
    """Each word, number or clause mark of `text` with its start and end offsets."""
    return [(m.group(), m.start(), m.end()) for m in _WORD_TOKEN.finditer(text)]


def plain_word(word: str) -> str:
    """A word without its half-spaces, as people type it either way («می‌خوام» and «میخوام»)."""
    return word.replace(ZWNJ, "")


# Between the two ends of a range they type: hyphens and dashes, or the word «تا».
RANGE_WORD = re.compile(r"\s*(?:[-‐‑–—]|\bتا\b)\s*")


def search_key(text: str) -> str:
    """A comparison key for searching: normalised, ZWNJ removed, lower-case, repeats squeezed, spaces collapsed.

    Not length-preserving; use it to compare or index strings, never to compute offsets.
    """
    folded = normalize(text).replace(ZWNJ, "").lower()
    return _SPACES.sub(" ", squeeze_repeats(folded)).strip()


# --- number words ---------------------------------------------------------------------------------------

_UNITS = {
    "صفر": 0,
    "یک": 1,
    "یه": 1,
    "دو": 2,
    "سه": 3,
    "چهار": 4,
    "چار": 4,
    "پنج": 5,
    "شش": 6,
    "شیش": 6,
    "هفت": 7,
    "هشت": 8,
    "نه": 9,
}
_TEENS = {
    "ده": 10,
    "یازده": 11,
    "دوازده": 12,
    "سیزده": 13,
    "چهارده": 14,
    "چارده": 14,
    "پانزده": 15,
    "پونزده": 15,
    "شانزده": 16,
    "شونزده": 16,
    "هفده": 17,
    "هیفده": 17,
    "هجده": 18,
    "هیجده": 18,
    "هژده": 18,
    "نوزده": 19,
}
_TENS = {
    "بیست": 20,
    "سی": 30,
    "چهل": 40,
    "پنجاه": 50,
    "شصت": 60,
    "شست": 60,
    "هفتاد": 70,
    "هشتاد": 80,
    "نود": 90,
}
_HUNDREDS = {
    "صد": 100,
    "یکصد": 100,
    "دویست": 200,
    "سیصد": 300,
    "چهارصد": 400,
    "پانصد": 500,
    "پونصد": 500,
    "ششصد": 600,
    "شیشصد": 600,
    "هفتصد": 700,
    "هشتصد": 800,
    "نهصد": 900,
}
_MULTIPLIERS = {"هزار": 1_000, "میلیون": 1_000_000, "ملیون": 1_000_000, "میلیارد": 1_000_000_000}

# magnitude classes inside a group below one thousand, and which class may follow which
# («صد و بیست و هفت»: hundreds, tens, units; «بیست و دوازده» or «هفت بیست» are not numbers)
_CLASS_HUNDREDS, _CLASS_TENS, _CLASS_TEENS, _CLASS_UNITS, _CLASS_DIGITS = range(5)
_GROUP_START = -1
_ALLOWED_AFTER: dict[int, frozenset[int]] = {
    _GROUP_START: frozenset({_CLASS_HUNDREDS, _CLASS_TENS, _CLASS_TEENS, _CLASS_UNITS}),
    _CLASS_HUNDREDS: frozenset({_CLASS_TENS, _CLASS_TEENS, _CLASS_UNITS}),
    _CLASS_TENS: frozenset({_CLASS_UNITS}),
    _CLASS_TEENS: frozenset(),
    _CLASS_UNITS: frozenset(),
    _CLASS_DIGITS: frozenset(),
}


def _word_value(word: str) -> tuple[int, int] | None:
    """(class, value) of one number word, or None."""
    for table, cls in (
        (_HUNDREDS, _CLASS_HUNDREDS),
        (_TENS, _CLASS_TENS),
        (_TEENS, _CLASS_TEENS),
        (_UNITS, _CLASS_UNITS),
    ):
        if word in table:
            return cls, table[word]
    return None


_NUMBER_TOKEN_SPLIT = re.compile(r"[\s\u200c]+")
_DIGITS_ONLY = re.compile(r"\d+(?:,\d{3})*")
_STRIP_CHARS = " \u200c.,،؛:!?؟\"'«»()-"


def _split_number_words(text: str) -> list[str] | None:
    """Split into number words, dropping the connector «و» (also when glued: «بیستو», «بیست‌وهفت»)."""
    words: list[str] = []
    for raw in _NUMBER_TOKEN_SPLIT.split(text):
        token = raw
        if not token or token == "و":
            continue
        # glued connectors: «بیستوهفت», «بیستو»
        pieces: list[str] = []
        while token:
            if token in _MULTIPLIERS or _word_value(token) is not None or _DIGITS_ONLY.fullmatch(token):
                pieces.append(token)
                break
            split_at = _find_glued_split(token)
            if split_at is None:
                return None
            pieces.append(token[:split_at])
            token = token[split_at + 1 :]  # skip the «و»
        words.extend(pieces)
    return words


def _find_glued_split(token: str) -> int | None:
    """Index of a connector «و» such that the part before it is a number word, or None."""
    for i, ch in enumerate(token):
        if ch != "و" or i == 0:
            continue
        head = token[:i]
        if head in _MULTIPLIERS or _word_value(head) is not None:
            return i
    return None


def parse_persian_number(text: str) -> int | None:
    """Parse a number written in digits (any script) or in Persian words; None if it is not a number.

    Examples: «۲۳» -> 23, «23» -> 23, «٢٣» -> 23, «هجده» -> 18, «بیست و هفت» -> 27,
    «بیست‌وهفت» -> 27, «صد و بیست» -> 120, «دو هزار و پانصد» -> 2500, «۲۰ میلیون» -> 20000000.
    Informal forms are accepted («یه», «شیش», «پونزده», «هیجده»). The whole text must be the number
    (surrounding spaces and punctuation are ignored); «۲۳ سال» gives None.
    """
    cleaned = search_key(text).strip(_STRIP_CHARS)
    if not cleaned:
        return None
    if _DIGITS_ONLY.fullmatch(cleaned):
        return int(cleaned.replace(",", ""))
    words = _split_number_words(cleaned)
    if not words:
        return None

    total = 0
    group = 0
    last_class = _GROUP_START
    group_has_value = False
    for word in words:
        if word in _MULTIPLIERS:
            multiplier = _MULTIPLIERS[word]
            total += (group if group_has_value else 1) * multiplier
            group, last_class, group_has_value = 0, _GROUP_START, False
            continue
        if _DIGITS_ONLY.fullmatch(word):
            if group_has_value:
                return None
            group, last_class, group_has_value = int(word.replace(",", "")), _CLASS_DIGITS, True
            continue
        found = _word_value(word)
        if found is None:
            return None
        cls, value = found
        if cls not in _ALLOWED_AFTER[last_class]:
            return None
        group += value
        last_class = cls
        group_has_value = True
    return total + group


# --- school grades and durations ------------------------------------------------------------------------

_ORDINALS = {
    "اول": 1,
    "یکم": 1,
    "دوم": 2,
    "سوم": 3,
    "چهارم": 4,
    "چارم": 4,
    "پنجم": 5,
    "ششم": 6,
    "شیشم": 6,
    "هفتم": 7,
    "هشتم": 8,
    "نهم": 9,
    "دهم": 10,
    "یازدهم": 11,
    "دوازدهم": 12,
}
_GRADE_PREFIXES = ("کلاس", "پایهی", "پایه", "سال")
_ORDINAL_ENDINGS = ("مین", "ام", "م", "ی", "")
_LAST_YEAR = re.compile(r"[آا]خر\s*(?:دبیرستان|مدرسه)")


def parse_school_grade(text: str) -> int | None:
    """The school year (1-12) in a phrase such as «کلاس دهم», «پایه‌ی ۱۱»، «دوازدهمم», «کلاس 10ام»; else None.

    «سال آخر دبیرستان» is 12. The prefix («کلاس», «پایه», «سال») is optional; an enclitic «م» or «ی» may
    follow («دهمم», «دهمی»). Cardinal words alone («ده») are not grades.
    """
    key = search_key(text).strip(_STRIP_CHARS)
    if _LAST_YEAR.search(key):
        return 12
    for prefix in _GRADE_PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix) :].strip(_STRIP_CHARS)
            break
    key = key.replace(" ", "")
    digits = re.fullmatch(r"(\d{1,2})(?:ام|م|مین|می|امی)?", key)
    if digits:
        number = int(digits.group(1))
        return number if 1 <= number <= 12 else None
    for word, number in sorted(_ORDINALS.items(), key=lambda item: -len(item[0])):
        if key.startswith(word) and key[len(word) :] in ("", "م", "ی", "ین", "یم", "یه"):
            return number
    return None


_DURATION = re.compile(r"(?P<number>[\w ]+?)\s*(?P<unit>سال|ماه)")


def parse_years(text: str) -> float | None:
    """A duration in years from a phrase such as «ده ساله», «۵ سال», «بیست و پنج سال», «شش ماه»; else None."""
    key = search_key(text).strip(_STRIP_CHARS)
    match = _DURATION.search(key)
    if not match:
        return None
    words = match.group("number").split()
    # the longest run of words just before the unit that reads as a number («بیست و پنج», «۲۰»)
    for start in range(len(words)):
        number = parse_persian_number(" ".join(words[start:]))
        if number is not None:
            return number if match.group("unit") == "سال" else number / 12
    return None


# Informal (spoken) forms clients type, and the standard form the NLU should see for them. Keys and
# values are written without ZWNJ, as token texts are. One word maps to one word, so a token keeps
# its offsets in the message; multi-word expansions («اینو» → «این را») are left to the features.
_INFORMAL_FORMS = {
    "میخوام": "میخواهم",
    "میخام": "میخواهم",
    "میخوان": "میخواهند",
    "میخوای": "میخواهی",
    "میخواین": "میخواهید",
    "میخوایم": "میخواهیم",
    "نمیخوام": "نمیخواهم",
    "بخوام": "بخواهم",
    "میشه": "میشود",
    "نمیشه": "نمیشود",
    "بشه": "بشود",
    "میتونم": "میتوانم",
    "نمیتونم": "نمیتوانم",
    "میتونه": "میتواند",
    "میتونین": "میتوانید",
    "بتونم": "بتوانم",
    "میدونم": "میدانم",
    "نمیدونم": "نمیدانم",
    "میگن": "میگویند",
    "میگین": "میگویید",
    "بگین": "بگویید",
    "بگید": "بگویید",
    "بدین": "بدهید",
    "بدید": "بدهید",
    "میدین": "میدهید",
    "میدن": "میدهند",
    "کنین": "کنید",
    "میکنین": "میکنید",
    "میکنن": "میکنند",
    "هستین": "هستید",
    "دارین": "دارید",
    "دارن": "دارند",
    "میرم": "میروم",
    "برم": "بروم",
    "بیام": "بیایم",
    "میام": "میآیم",
    "چیه": "چیست",
    "کیه": "کیست",
    "کجاس": "کجاست",
    "اینجوری": "اینطور",
    "اونجا": "آنجا",
    "اون": "آن",
    "اونا": "آنها",
    "اینا": "اینها",
    "خونه": "خانه",
    "نون": "نان",
    "تومن": "تومان",
}


def standard_form(token: str) -> str:
    """The standard written form of an informal word («میخوام» → «میخواهم»); other words unchanged."""
    return _INFORMAL_FORMS.get(token, token)

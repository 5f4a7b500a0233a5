"""Whom a Persian message speaks of, where its words alone do not say.

«خانمم» is both "I am a lady" and "my wife"; «دخترم» "I am a girl" and "my daughter"; «پسرم» likewise. The
rest of the message tells: «۲۸ سالشه», «براش» speak of someone else, «سالمه», «هستم» of the writer. And a
writer says what she is in shapes no phrase list holds: «یه خانم ۳۵ ساله‌ام», «من زنم», «خانمی هستم».

Standard library only and Python 3.10 syntax: Rasa's pipeline imports it as well as the app.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from persian.facts import Found, words_of
from persian.text import parse_persian_number, search_key


def _keys(words: Iterable[str]) -> frozenset[str]:
    return frozenset(search_key(word) for word in words)


# Words that speak of someone else (third person) and words that speak of the writer (first person).
ABOUT_THEM = _keys(
    [
        "سالشه", "سالش", "بیکاره", "بلده", "براش", "بهش", "ازش", "باهاش", "میخونه", "میکنه", "میتونه",
        "نمیتونه", "هستش", "شاغله", "دیپلمه", "دانشجوئه", "معلوله", "میخواد", "میخاد", "میخواهد",
    ]
)  # fmt: skip
ABOUT_ME = _keys(
    [
        "سالمه", "بیکارم", "بلدم", "هستم", "میخونم", "میکنم", "میتونم", "نمیتونم", "شاغلم", "دانشجوام",
        "دانشجوم", "معلولم", "خودم", "ساله‌ام",
    ]
)  # fmt: skip

# A person noun with «-م»: (the writer's sex when she says what she is, the relative it names otherwise).
_PERSON_WORDS = {
    search_key(word): meanings
    for word, meanings in {
        "خانمم": ("female", "spouse"),
        "خانومم": ("female", "spouse"),
        "زنم": ("female", "spouse"),
        "دخترم": ("female", "daughter"),
        "پسرم": ("male", "son"),
    }.items()
}
# Right before such a word: «من یه دخترم» is the writer; «برای پسرم» the relative.
_WRITER_BEFORE = _keys(["من", "منم", "یه", "یک", "بنده"])
_FOR_BEFORE = _keys(["برای", "واسه", "واسه‌ی", "برا"])

# Nouns that say a person's sex, as the writer says what she is: «خانم هستم», «یه مرد ۴۰ ساله‌ام».
_SEX_NOUNS = {
    **{search_key(word): "female" for word in ("خانم", "خانوم", "زن", "دختر", "بانو")},
    **{search_key(word): "male" for word in ("آقا", "اقا", "مرد", "پسر")},
}
# What makes the noun the writer's own: a first-person copula after it, or «من»/«یه» before a «-م» form.
_I_AM = _keys(["هستم", "هسم", "استم", "ام", "هستیم", "سالمه", "ساله‌ام"])
_NOUN_ENDINGS = ("", "ی")  # «خانم هستم», «خانمی هستم»
_COPULA_ENDINGS = ("م", "ام", "یم")  # «من زنم», «یه دخترم», «من خانمیم»
# Between the noun and its copula, an age may stand: «زن ۴۵ ساله هستم».
_AGE_PARTS = _keys(["ساله", "سال", "و"])
# Words after which the noun does not say the writer's sex: an address («آقا من بیکار هستم»), or a role read as
# a target group or a household role («دختر خودسرپرست هستم», «پسر مددجو هستم»).
_NOT_DESCRIBING = _keys(
    [
        "من", "ما", "تو", "شما", "او", "اون", "ببخشید", "که", "ولی", "اما", "برای", "با", "به", "در", "از", "هم",
        "سرپرست", "خودسرپرست", "بیسرپرست", "بی‌سرپرست", "بدسرپرست", "مددجو", "خانواده", "خانوار", "خونواده",
    ]
)  # fmt: skip
_REACH = 5
# A message opening with a person and an age describes its writer, copula or not: «دختر ۲۲ ساله، لیسانس،
# از شیراز». Before the person only greetings and «من» may stand; after the age, nothing that makes the
# person someone the writer has or wants («پسر ۱۸ ساله دارم», «خانم ۳۰ ساله نیاز داریم»), nor words that speak
# of someone else (ABOUT_THEM: «… میخواد …»).
_OPENING_WORDS = _keys(["سلام", "درود", "وقت", "بخیر", "من", "یه", "یک", "بنده"])
_AGE_MARKERS = _keys(["ساله", "سال"])
_HAS_OR_WANTS = _keys(
    [
        "دارم", "داریم", "دارین", "دارید", "میخوام", "میخواهم", "میخوایم", "میخواهیم", "میخواستم", "نیاز",
        "لازم", "استخدام", "سراغ",
    ]
)  # fmt: skip


def _spoken_of(text: str) -> tuple[bool, bool]:
    """(only of someone else, only of the writer): which person the message's verbs and endings speak of."""
    words = {key for key, _, _ in words_of(text)}
    them, me = bool(words & ABOUT_THEM), bool(words & ABOUT_ME)
    return them and not me, me and not them


def speaks_of_them(text: str) -> bool:
    """Does the message speak of someone else («۱۷ سالشه», «براش») and nowhere of the writer («سالمه»)?"""
    return _spoken_of(text)[0]


def person_word_meaning(text: str, start: int, end: int) -> tuple[str, str] | None:
    """("gender", sex) or ("subject", relative) for the person word at text[start:end] («خانمم», «دخترم»)
    as this message means it; None when the word is none of them or the message does not tell."""
    meanings = _PERSON_WORDS.get(search_key(text[start:end]))
    if meanings is None:
        return None
    sex, relative = meanings
    before = words_of(text[:start])
    previous = before[-1][0] if before else ""
    if previous in _WRITER_BEFORE:
        return "gender", sex
    of_them, of_me = _spoken_of(text)
    if previous in _FOR_BEFORE or of_them:
        return "subject", relative
    if of_me:
        return "gender", sex
    return None


def _age_part(word: str) -> bool:
    return word in _AGE_PARTS or parse_persian_number(word) is not None


def _writer_after(keys: list[str], i: int) -> bool:
    """Is the noun at word i followed, past an age and one describing word, by a first-person copula («زن ۴۵
    ساله هستم», «یه زن تنها هستم»)?"""
    described = False
    for key in keys[i + 1 : i + 1 + _REACH]:
        if key in _I_AM:
            return True
        if _age_part(key):
            continue
        if described or key in _NOT_DESCRIBING:
            return False
        described = True
    return False


def _introduces_writer(keys: list[str], i: int) -> bool:
    """Does the message open with the noun at word i and an age, describing the writer («دختر ۲۲ ساله …»)?"""
    if any(key not in _OPENING_WORDS for key in keys[:i]) or len(keys) < i + 3:
        return False
    if parse_persian_number(keys[i + 1]) is None or keys[i + 2] not in _AGE_MARKERS:
        return False
    return not any(key in _HAS_OR_WANTS or key in ABOUT_THEM for key in keys[i + 3 :])


def self_described_sex(text: str) -> Iterator[Found]:
    """The writer's sex where she says what she is: «خانم هستم», «یه مرد ۴۰ ساله‌ام», «من زنم», «خانمی هستم»,
    «دختر ۲۲ ساله از شیراز»; the span is the noun as written."""
    words = words_of(text)
    keys = [key for key, _, _ in words]
    for i, (key, start, end) in enumerate(words):
        previous = keys[i - 1] if i else ""
        for noun, sex in _SEX_NOUNS.items():
            if not key.startswith(noun):
                continue
            ending = key[len(noun) :]
            if (
                (ending in _NOUN_ENDINGS and _writer_after(keys, i))
                or (ending in _COPULA_ENDINGS and previous in _WRITER_BEFORE)
                or (ending == "" and _introduces_writer(keys, i))
            ):
                yield Found("gender", sex, start, end)
                break


def person_words_in(text: str) -> Iterator[Found]:
    """Each person word («خانمم», «دخترم», «پسرم») whose meaning the message tells, as gender or subject."""
    for key, start, end in words_of(text):
        if key in _PERSON_WORDS:
            meaning = person_word_meaning(text, start, end)
            if meaning is not None:
                yield Found(meaning[0], meaning[1], start, end)

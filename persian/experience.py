"""Work experience read from what clients say of it, by cue words rather than fixed phrases: none, some or
experienced.

Standard library only and Python 3.10 syntax: Rasa's pipeline imports it as well as the app.

People say it in many ways («تجربه که ندارم», «تا حالا جایی کار نکردم», «یه مدتی شاگرد بودم», «کار بلدم
حسابی», «خیلی وقته این کارو میکنم»), so a list of whole phrases misses most of them. The cues and pairs are
read as in ``persian.situations`` (``persian.cues``: endings, joined or split words, sound-alike letters,
clauses, fillers, look-alikes):

- **none**: «تجربه/سابقه … ندارم/نداره/نیست» (the span runs to the negative verb, so the pipeline's negation
  step keeps it), «تا حالا/هیچ وقت/هیچ جا … کار نکردم», «بی‌تجربه», «اولین کارمه», «نه تجربه … نه …».
- **some**: a small amount or a short time with experience, work done or an apprenticeship («یه کم تجربه»,
  «یه مدت کار کردم», «چند ماهی شاگرد بودم»), «شاگرد بودم», «تازه‌کارم», «کم‌تجربه‌ام», and a large amount
  denied («تجربه زیادی ندارم», «خیلی وقت نیست کار میکنم», «زیاد کار نکردم»).
- **experienced**: a large amount or a long time with experience or work («سابقه‌ی زیادی دارم», «سال‌هاست
  کار میکنم», «یه عمره خیاطی میکنم»), «کاربلد», «کارمو خوب بلدم», «کارکشته», «استادکارم», «باتجربه»,
  «وارد هستم», «ماهرم».

Decisions:
- «تازه‌کارم» (a novice) is *some*: a novice has started working, unlike «بی‌تجربه»; the spaced «تازه کار»
  counts only with an ending or «هستم» at the end of its clause, since «تازه کار پیدا کردم» is "I just found
  a job". «شاگرد بودم» is *some* even after «سال‌ها»: an apprentice is not yet a master.
- Durations in digits or number words («۱۰ ساله جوشکاری میکنم», «شش ماه کار کردم») are read by
  ``persian.facts``; nothing is given for a clause that holds one, so experience is never counted twice.
- A clause about what a job requires («تجربه لازمه؟», «سابقه میخواد؟», «باید با تجربه باشه», «نیروی باتجربه»)
  or asking the reader («چند سال سابقه دارید؟») says nothing of the writer's experience: nothing is given
  for it, unless the writer speaks of themselves in it («بی‌تجربه‌ام، قبول میکنید؟»).
- As in ``persian.situations``, the value is that of whoever the message is about: «پسرم سابقه‌ی کاری نداره»
  gives none.
- Of values over overlapping words the longer wins («خیلی تجربه ندارم» is some, not none); of two as long,
  the smaller amount («با تجربه‌ی کمی» is some).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import pairwise

from persian.cues import Cues, Finder, Pair, Reading, Span, fold, once, pairs, singles
from persian.facts import Found, ages_and_experience
from persian.text import parse_persian_number

KIND = "work_experience"
NONE, SOME, EXPERIENCED = "none", "some", "experienced"
_MANY = "many"  # a large amount: experienced, or some when it is denied

_TRY_VERBS = (
    "کنم", "کنی", "کنه", "کنیم", "کنید", "کنین", "کنن", "کنند", "بکنم", "بکنه", "میکنم", "میکنه", "میکنی",
    "میکنیم", "کردم", "کردی", "کرده", "کردیم", "کردن", "کرد", "کسب",
)  # fmt: skip
_READING = Reading.of(
    look_alikes=(
        # «تجربه کنم», «تجربه کسب کنم»: to try something, to gain experience, not experience had
        *(f"{noun} {verb}" for noun in ("تجربه", "تجربهای", "تجربهی", "تجربش") for verb in _TRY_VERBS),
        # «سابقه‌ی کیفری/بیمه/بیماری», «سابقه دار»: a criminal, insurance or medical record
        "سابقه کیفری", "سابقه بیمه", "سابقه بیماری", "سابقه دار", "سوابق کیفری", "سوابق بیمه",
        # «کم» before a noun is "low" or "little" of something else: slacking, low pay, little schooling
        "کم کاری", "کمکاری", "کم کار", "کمکار", "کم حقوق", "کمحقوق", "کم درآمد", "کمدرآمد", "کم پول",
        "کم سواد", "کمسواد", "کم بینا", "کم شنوا", "کم توان", "کم کم", "کمکم",
        # «چه/هر کاری بلدم»: what work one knows, not knowing one's work
        *(f"کاری بلد{ending}" for ending in ("", "م", "ی", "ه", "یم", "ید", "ین", "ن", "ند")),
    ),
    # «تجربه که ندارم», «کارمو هم بلدم»
    fillers=("رو", "را", "هم", "که"),
    clause_joiners=("ولی", "اما", "بلکه", "ولیکن", "منتها", "چون", "چونکه"),
)  # fmt: skip

# --- the cues ---------------------------------------------------------------------------------------------

# Experience itself, with the spellings of people who type by ear («تجربع», «سابغه» folds to «سابقه»);
# «تجربی» is the science stream of a diploma, so no bare stem «تجرب».
_EXPERIENCE = Cues("تجربه", "تجربم", "تجربع", "سابقه", "سابقع", "سوابق")
# Having no experience, said of oneself or someone else; «ندرم» is Mashhadi, «نیس» spoken; «صفر» in
# «تجربم صفره».
_LACK = Cues("ندار", "نداشت", "ندرم", "نیست", "نیس", "صفر")
# Work done, and work going on; only the work of the writer or the person written about, so not «هر کاری
# کردم» (whatever I did): see _NOT_WORK.
# A trade done is work too («سال‌هاست قالی‌بافی میکنم»); only trades, since «سال‌هاست اینجا زندگی میکنم»
# and «خیلی وقته صبر میکنم» are not.
_TRADES = (
    "خیاطی", "بنایی", "نجاری", "آشپزی", "رانندگی", "جوشکاری", "قالیبافی", "قالی بافی", "کشاورزی", "آرایشگری",
    "فروشندگی", "نقاشی", "مکانیکی", "برقکاری", "برق کاری", "لوله کشی", "کاشی کاری", "نظافت", "باغبانی",
    "دامداری", "شیرینی پزی", "نانوایی", "کارگری", "سرایداری", "منشیگری", "گچ کاری", "کابینت سازی",
    "پرستاری", "حسابداری", "تایپ", "تعمیرکاری", "آهنگری", "کفاشی", "قنادی", "گلدوزی", "بافندگی",
)  # fmt: skip
_WORKED = Cues(
    "کار کرد", "کارو کرد", "کارا کرد", "کار میکرد", "کار انجام داد", *(f"{trade} کرد" for trade in _TRADES)
)
_WORKING = Cues(
    "کار میکن", "کار میکون", "کارو میکن", "کارمو میکن", "مشغول", "شاغل",
    *(f"{trade} {verb}" for trade in _TRADES for verb in ("میکن", "میکون")),
)  # fmt: skip
_NOT_WORK = Cues("هر", "چه", "هیچ")
# Not having worked, ever: these words make «کار نکردم» a life so far, not a day.
_EVER = Cues(
    "تا حالا", "تا الان", "تا به حال", "تابحال", "تا بحال", "هیچ وقت", "هیچ موقع", "هیچ جا", "جایی", "هرگز",
    "اصلا", "اصلن", "هنوز", "قبلا",
)  # fmt: skip
_NOT_WORKED = Cues("کار+ نکرد", "سر کار نرفت", "شاغل نبود")
# What stands between «تجربه» and «ندارم» when the two are not one statement: a verb that has something
# («تجربه دارم مدرک ندارم»).
_HAVE = Cues("دار", "داشت", "هست", "بود", "کرد", "میکن", "بلد")

# Small amounts and short times («یه مدت», «چند ماهی», spoken «چن ماه»), said with experience, work done or an apprenticeship.
_LITTLE = Cues(
    "یکم", "یه کم", "یک کم", "یه ذره", "یک ذره", "یه خورده", "یه خرده", "یک خورده", "یه کوچولو", "یه مدت",
    "یک مدت", "مدتی", "مدت کوتاه", "مدت کمی", "چند ماه", "چن ماه", "چند وقت", "چن وقت", "مختصر", "کم و بیش", "نه چندان",
)  # fmt: skip
# «کم» and its like are said only of experience itself («تجربه‌ام کمه»): «کم کار کردم» is unusual and
# «کم» is a common word.
_SMALL = Cues("کم", "اندک", "ناچیز", "کوچولو")
_LONG = Cues("طولانی", "زیاد")  # «یه مدت طولانی» is no short time
# Apprentices and helpers, and their being one («شاگرد مکانیک بودم»).
_APPRENTICE = Cues("شاگرد", "وردست", "کمک دست")
_BEEN = Cues("بودم", "بوده", "بودیم", "هستم", "هسم", "هستیم")
_APPRENTICED = Cues("شاگرد+ بود", "شاگردی کرد", "شاگردی میکرد", "شاگردی میکن", "وردست+ بود")

# Large amounts («کلی», «حسابی») and long times («سال‌هاست», «خیلی وقته», «از بچگی»). An amount goes with
# experience or work done («خیلی کار کردم»); a long time also with work going on («سال‌هاست کار میکنم»),
# since «خیلی کار میکنم» is working hard, not long.
_MUCH = Cues("زیاد", "خیلی", "کلی", "حسابی", "کافی", "بالا", "فراوان", "بسیار")
_AS_A_WHOLE = Cues("طور", "بطور")  # «به طور کلی» is "on the whole"
_LONG_TIME = Cues(
    "سال ها", "سالیان", "سال های سال", "چندین سال", "چند سال", "چن سال", "خیلی سال", "خیلی وقت", "خیلی وخت", "مدت ها", "مدت زیاد",
    "مدت طولانی", "یه عمر", "یک عمر", "عمری", "از بچگی", "از کودکی", "از نوجوانی", "از نوجوونی", "از قدیم",
    "سالها سال",
)  # fmt: skip
# Words that deny a large amount («تجربه‌ی زیادی ندارم», «خیلی وقت نیست کار میکنم»).
_DENIED = Cues("ندار", "نداشت", "نیست", "نیس", "نبود")

# Cues that alone say the value.
_KNOWS_WORK = Cues(
    *(
        f"{work} {how}بلد"
        for work in ("کار", "کارم", "کارمو", "کارو", "کارش", "کارشو", "کارامو", "کارهامو")
        for how in ("", "خوب ", "کامل ", "عالی ", "حسابی ", "خیلی خوب ")
    )
)
_SINGLE: dict[str, Cues] = {
    NONE: Cues(
        "بی تجرب+", "بی سابقه کار", "بدون تجربه ام", "بدون تجربهام", "بدون تجربه هست", "بدون سابقه ام",
        "بدون سابقهام", "بدون سابقه هست", "اولین کارمه", "اولین کار منه", "اولین تجربمه", "اولین تجربه کاریمه",
        "کار اولمه", "اولین بارمه کار", "اولین باره کار", "بار اولمه کار",
    ),
    SOME: Cues(
        "تازهکار", "تازه کارم$", "تازه کار هست", "تازه کار هس", "تازه کار ام", "کم تجرب+", "کم سابقه",
        "نیمه ماهر",
    )
    + _APPRENTICED,
    EXPERIENCED: _KNOWS_WORK
    + Cues(
        # a master craftsman only as what the writer is: «پیش استادکار» is learning from one, and «استاد
        # کارم» is also "my master", so it must end its clause («استاد کارم بهم یاد داد»)
        "کار کشته", "استاد کارم$", "استاد کار هست", "استاد کار هس", "استاد کار ام", "اوستا کارم",
        "اوستا کار هست", "اوسا کارم", "اوسا کار هست",
        "با تجربه", "پر تجربه", "با سابقه", "پر سابقه",
        "واردم", "وارد هست", "وارد هس", "وارد ام", "ماهرم", "ماهر هست",
    ),
}  # fmt: skip

_PAIRS = (
    Pair(NONE, _EXPERIENCE, _LACK, gap=3, subject_first=True, not_between=_HAVE + _LITTLE + _SMALL + _MUCH),
    Pair(NONE, Cues("نه تجربه", "نه سابقه"), Cues("نه"), gap=3, subject_first=True),  # «نه تجربه نه مدرک»
    Pair(NONE, _EVER, _NOT_WORKED, gap=3, not_between=_MUCH + _LITTLE),
    Pair(SOME, _LITTLE, _EXPERIENCE + _WORKED + _APPRENTICED, gap=3, not_beside=_LONG + _NOT_WORK),
    Pair(SOME, _SMALL, _EXPERIENCE, gap=2),
    Pair(SOME, _APPRENTICE, _BEEN, gap=3, subject_first=True),
    Pair(SOME, Cues("زیاد", "خیلی"), _NOT_WORKED, gap=1, subject_first=True),  # «زیاد کار نکردم»
    Pair(_MANY, _MUCH, _EXPERIENCE + _WORKED, gap=2, not_beside=_AS_A_WHOLE + _NOT_WORK),
    Pair(_MANY, _LONG_TIME, _EXPERIENCE + _WORKED + _WORKING, gap=4, not_beside=_NOT_WORK),
)

# What a job requires, and asking the reader: such a clause says nothing of the writer's experience.
_REQUIREMENTS = Cues(
    "لازم", "نیاز", "شرط", "ضروری", "الزامی", "واجب", "مهم", "باید", "بایست", "داشته باش", "نداشته باش",
    "قبول میکنید", "قبول میکنین", "قبول میکنن", "قبول میشه", "استخدام میکنید", "استخدام میکنین",
    "استخدام میکنن", "نیرو",
)  # fmt: skip
_REQUIREMENT_WORDS = frozenset(
    fold(word)
    for word in (
        "میخواد", "میخوان", "میخواین", "میخواید", "میخوایم", "میخواهد", "میخواهند", "میخواهید", "میخواهیم",
        "نمیخواد", "نمیخوان", "نمیخواین", "نمیخواید", "نمیخوایم", "نمیخواهد", "بخواد", "بخوان", "میپذیرید",
        "میپذیرن", "میگیرید", "میگیرین", "نمیگیرن", "نمیگیرید", "باشه", "باشد", "باشند", "باشن", "باشید",
        "باشین", "داری", "دارید", "دارین", "نداری", "ندارید", "ندارین", "کردی", "کردید", "کردین", "بلدی",
        "بلدید", "بلدین", "هستی", "هستید", "هستین", "میکنی", "میکنید", "میکنین",
    )
)  # fmt: skip
# Words ending in «م» that are no first person («لازمه», «یکم»).
_NOT_FIRST_PERSON = frozenset(fold(word) for word in ("یکم", "لازم", "مهم", "کدوم", "کدام", "چندم", "هرم"))
# After a number, units that make a span of time (``persian.facts`` reads «ساله», «سال», «ماه»; these too).
_TIME_UNITS = frozenset(
    fold(word) for word in ("سال", "ساله", "سالی", "سالیه", "سالیست", "ماه", "ماهه", "ماهی", "ماهیه")
)
_PRIORITY = {NONE: 0, SOME: 1, EXPERIENCED: 2}  # of two as long, the smaller amount


# --- matching ---------------------------------------------------------------------------------------------


def _next_word(find: Finder, span: Span) -> int | None:
    """The first word after `span` in its clause, fillers skipped."""
    words = find.words
    i = span[1]
    while i < len(words) and words[i].key in find.reading.fillers:
        i += 1
    return i if i < len(words) and words[i].clause == words[span[0]].clause else None


def _many(find: Finder, span: Span) -> tuple[str, Span]:
    """A large amount is experienced, or some when it is denied («خیلی تجربه ندارم»); a denial after the span
    joins it, so that the negation step does not drop the value."""
    after = _next_word(find, span)
    reach = span[1] if after is None else after + 1
    for start, end in find(_DENIED):
        if span[0] <= start < reach:
            return SOME, (span[0], max(span[1], end))
    return EXPERIENCED, span


def _in_first_person(find: Finder, span: Span) -> bool:
    """Whether the writer speaks of themselves in `span` or the word after it («بی‌تجربه‌ام», «… دارم»)."""
    after = _next_word(find, span)
    indices = [*range(*span), *([after] if after is not None else [])]
    return any(
        (key := find.words[i].key).endswith("م")
        and len(key) > 2
        and key not in _NOT_FIRST_PERSON
        and key not in _REQUIREMENT_WORDS
        and key not in find.reading.fillers
        for i in indices
    )


def _clauses_about_requirements(find: Finder) -> set[int]:
    words = find.words
    clauses = {words[start].clause for start, _ in find(_REQUIREMENTS)}
    return clauses | {word.clause for word in words if word.key in _REQUIREMENT_WORDS}


def _clauses_with_durations(text: str, find: Finder) -> set[int]:
    """Clauses where a number of years or months is said: ``persian.facts`` gives their experience."""
    words = find.words
    clause_at = {word.start: word.clause for word in words}
    clauses = {
        clause_at[found.start]
        for found in ages_and_experience(text)
        if found.kind == KIND and found.start in clause_at
    }
    for word, unit in pairwise(words):
        if (
            unit.key in _TIME_UNITS
            and word.clause == unit.clause
            and parse_persian_number(word.key) is not None
        ):
            clauses.add(word.clause)
    return clauses


def _longest(found: Sequence[tuple[str, Span]]) -> list[tuple[str, Span]]:
    """Of values over overlapping words, the longer; of two as long, the smaller amount."""
    kept: list[tuple[str, Span]] = []
    for value, (a, b) in sorted(found, key=lambda item: (item[1][0] - item[1][1], _PRIORITY[item[0]])):
        if not any(a < b2 and a2 < b for _, (a2, b2) in kept):
            kept.append((value, (a, b)))
    return kept


def experience_in(text: str) -> Iterator[Found]:
    """Work experience a normalised text (persian.text.normalize) says: none, some or experienced."""
    find = Finder(text, _READING)
    words = find.words
    found = [
        _many(find, span) if value == _MANY else (value, span)
        for value, span in (*singles(find, _SINGLE), *pairs(find, _PAIRS))
    ]
    requirements = _clauses_about_requirements(find)
    durations = _clauses_with_durations(text, find)
    found = [
        (value, span)
        for value, span in found
        if words[span[0]].clause not in durations
        and (words[span[0]].clause not in requirements or _in_first_person(find, span))
    ]
    yield from once(KIND, words, _longest(found))

"""Target groups read from the situation a client describes, by cue words rather than fixed phrases.

Standard library only and Python 3.10 syntax: Rasa's pipeline imports it as well as the app.

People say the same situation in many ways («شوهرم عمرشو داد به شما», «بابای بچه‌ها چند ساله زندونه»,
«پام قطع شده», «ده ساله مواد رو گذاشتم کنار»), so a list of whole phrases misses most of them. Here a
situation is read from word keys (``persian.facts.words_of``) in two ways:

- **one cue** that alone names the group: «بیوه», «مطلقه», «معلول», «نابینا», «پرورشگاه», «یتیم», «مرزنشین»…
- **a pair**: a subject (a person, a body part, a place, an official, a drug) and what is said of it, a few
  words apart in one clause: «شوهرم … زندونه», «چشمام نمی‌بینه», «روستای … محروم», «مواد رو … گذاشتم کنار».

A cue is a stem: Persian endings may follow it («معلولم», «معلولیت», «نابیناست», «زندونیه», «عمرشو»);
words written apart or joined are the same cue («کم بینا», «کم‌بینا»); letters people swap when spelling by
ear count as one («فوط», «حمسرم», «مطلغه»). The span of a value runs from its first cue word to its last, so
the pipeline's negation step (``persian.negation``) drops «معلول نیستم» and «شوهرم فوت نکرده».

Decisions:
- The value names the group of whoever the message is about: «پسرم معلوله» and «خواهرم طلاق گرفته» count,
  and so does an employer's «میخوایم معلول استخدام کنیم» (the words cannot tell who is speaking; an answer
  about hiring people with a disability is what the employer wants anyway).
- «همسرم فوت کرده» from a man gives female_head_of_household: the words cannot tell the writer's sex.
- A husband's death, prison, disability to work, desertion or divorce gives female_head_of_household; his
  addiction alone does not (whether a wife then counts is for the organisation to judge).
- Orphan is read conservatively: «یتیم», both parents dead or missing, or a father dead *and* «no guardian»
  («پدرم فوت کرده و سرپرست ندارم»). A grown man's «پدرم فوت کرده» is no target group.
- «سرپرست خانوارم» alone gives nothing (a man says it too); «زن/خانم سرپرست خانوار» does.
- Care homes named alone («پرورشگاه», «شیرخوارگاه») give care_leaver, even in «میخوام تو پرورشگاه کار کنم».
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import product

from persian.facts import Found, words_of
from persian.negation import is_negative_verb
from persian.text import CLAUSE_MARKS, search_key

KIND = "target_group"

# --- how words are compared -----------------------------------------------------------------------------

# Letters that sound alike and are swapped by people who spell by ear («فوط», «ذندان», «حمسرم», «مطلغه»).
_SOUND_ALIKES = str.maketrans("طذضظصثغحآئ", "تزززسسقهای")
# Endings Persian adds to a stem: a noun ending (plural, «-ی», «-یت», «-گی»), then a personal or possessive
# ending or the spoken copula («-م», «-مون», «-ست», «-س», «-ه»), then the spoken object «-و» or the ezafe
# «-ی»: «معلولیتم», «زندونیه», «نابیناست», «عمرشو», «پاهام», «بزرگ‌شده‌ی».
_NOUN_ENDINGS = ("", "ی", "یی", "ای", "ها", "های", "ان", "ین", "گان", "یت", "گی", "تر", "ترین")
_PERSON_ENDINGS = (
    "", "م", "ت", "ش", "ه", "ی", "یم", "ید", "ین", "ند", "ن", "نم", "ام", "ای", "اش", "ایم", "اید", "اند",
    "ست", "س", "هس", "یه", "یست", "مه", "شه", "مش", "تش", "مون", "تون", "شون", "مان", "تان", "شان",
)  # fmt: skip
_ENDINGS = frozenset(a + b + c for a, b, c in product(_NOUN_ENDINGS, _PERSON_ENDINGS, ("", "و", "ی")))
# A word inside a cue takes only the ezafe or a plural («بابای بچه‌ها», «فرزندان مستقل‌شده»), so that
# «بچه‌هام بهزیستی …» (my children) is not «بچه‌ی بهزیستی». A part marked "+" takes every ending
# («عمرشو داد», «طلاقم داد»); a part marked "$" is that exact word and must end its clause («شوهرم مرد»,
# not «شوهرم مرد خوبیه»).
_JOINING_ENDINGS = frozenset({"", "ی", "یی", "ای", "ها", "های", "ان"})
# Words that start like a cue but are other words, alone or with the word after them.
_LOOK_ALIKES = frozenset(
    search_key(phrase).translate(_SOUND_ALIKES)
    for phrase in (
        "ترکی", "ترکیه", "ترکمن", "ترکمان", "گوشی", "گوشیم", "گوشیه", "گوشیش", "گوشه", "پاس", "پایه",
        "دستی", "دسته", "شهریه", "مردم", "مردی",
        # «مواد» is any material: «مواد غذایی/اولیه/شوینده», «مواد پاک‌کننده»
        "مواد غذایی", "مواد اولیه", "مواد شوینده", "مواد بهداشتی", "مواد شیمیایی", "مواد پاک",
        "مواد پاککننده", "مواد ضدعفونی", "مواد معدنی", "مواد پلاستیکی", "مواد لازم", "مواد آرایشی",
    )
)  # fmt: skip
# Words that may stand between the words of a cue or of a pair and are not counted («عمرش رو داد»,
# «پدر و مادرم», «مواد رو گذاشتم کنار»).
_FILLERS = frozenset({"و", "رو", "را", "هم"})
# Words after which the next words belong to another clause even without a mark («… ولی …»).
_CLAUSE_JOINERS = frozenset({"ولی", "اما", "بلکه", "ولیکن", "منتها"})


_Cue = tuple[str, ...]  # the word stems of one cue, sound-alikes folded


class _Cues:
    """_Cue phrases with the forms whose words are joined («کم بینا», «کمبینا»), found by their first letters."""

    def __init__(self, *phrases: str) -> None:
        self.by_start: dict[str, list[_Cue]] = {}
        for phrase in phrases:
            parts = search_key(phrase).translate(_SOUND_ALIKES).split()
            for joins in product((" ", ""), repeat=len(parts) - 1):
                text = parts[0]
                for join, part in zip(joins, parts[1:], strict=True):
                    text = text.rstrip("+$") + part if not join else f"{text} {part}"
                cue = tuple(text.split())
                self.by_start.setdefault(cue[0][:2], []).append(cue)
        self._longest_first()

    def __add__(self, other: _Cues) -> _Cues:
        joined = _Cues()
        for cues in (self, other):
            for start, found in cues.by_start.items():
                joined.by_start.setdefault(start, []).extend(found)
        joined._longest_first()
        return joined

    def _longest_first(self) -> None:  # «یتیم خانه» before «یتیم»
        for cues in self.by_start.values():
            cues.sort(key=lambda cue: (-len(cue), -len("".join(cue))))


# --- the cues ---------------------------------------------------------------------------------------------

# A husband, in the ways wives speak of him («شوور» is southern and spoken).
_SPOUSE = _Cues("شوهر", "شوور", "همسر", "بابای بچه", "پدر بچه")
# Relatives whose word next to a spouse or parent makes them someone else's («مادر شوهرم», «شوهر خواهرم»).
_KIN = _Cues(
    "مادر", "پدر", "خواهر", "برادر", "داداش", "آبجی", "بابا", "مامان", "ننه", "عمو", "دایی", "خاله", "عمه"
)
# Death, as it is said with respect or plainly; «مرد» only at the end of a clause (else it is "man").
_DEATH = _Cues(
    "فوت", "مرحوم", "خدابیامرز", "خدا بیامرز", "خدا رحمت", "رحمت خدا", "از دنیا رفت", "عمر+ داد", "مرده",
    "مردن", "مردند", "مرد$", "شهید", "کشته شد", "اعدام",
)  # fmt: skip
# Loss, right after the person lost: «شوهرمو از دست دادم», but «شوهرم کارشو از دست داده» is a job lost.
_LOST = _Cues("از دست داد", "از دست رفت")
_PRISON = _Cues("زندان", "زندون", "حبس")
_CANNOT_WORK = _Cues("از کار افتاد", "زمینگیر", "زمین گیر")
# Desertion: only with the object «me/us», since «کارشو ول کرده» is quitting a job.
_LEFT_US = _Cues(
    "ولم کرد", "ولمون کرد", "ولمان کرد", "ما ول کرد", "منو ول کرد", "من ول کرد", "ترکم کرد", "ترکمون کرد",
    "ما ترک کرد", "منو ترک کرد", "رهام کرد", "رهامون کرد", "ما رها کرد", "منو رها کرد", "گذاشت+ رفت",
    "ول کرد+ رفت", "مفقود", "ناپدید",
)  # fmt: skip
# Separation; divorce itself is a single cue («طلاق گرفتم», «طلاقم داده»), since «شوهرم میخواد طلاقم بده»
# has not happened.
_DIVORCE = _Cues("جدا شد", "جدا زندگی", "جدایی")
# Women's words for «woman head of household» («زن/خانم/بانوی سرپرست خانوار», «زن بی‌سرپرست»); a mother
# only with «سرپرست خانوار» («مادرم سرپرست خانواره»), since in «مادرم فوت کرده، سرپرست ندارم» she is gone.
_WOMAN = _Cues("زن", "خانم", "خانوم", "بانو")
_MOTHER = _Cues("مادر")
_HOUSEHOLD_HEAD = _Cues("سرپرست خانوار", "سرپرست خانواده", "سرپرست خونواده")
# Having no guardian, or a bad one.
_NO_GUARDIAN = _Cues("بی سرپرست", "بد سرپرست", "سرپرست ندار", "سرپرست نداشت")
_GIRL = _Cues("دختر")
_CHILD = _Cues("بچه", "کودک", "فرزند", "پسر")
# Both parents; «مادر و پدر» only with «و», since «مادر پدرم» is a grandmother.
_PARENTS = _Cues(
    "پدر مادر", "مادر و پدر", "پدرومادر", "بابا ننه", "بابا ننم", "ننه بابا", "بابا مامان", "مامان بابا", "والدین",
)  # fmt: skip
_FATHER = _Cues("پدر", "بابا")
_LACK = _Cues("ندار", "نداشت")
# Body parts and what makes them a disability; «سنگین» only for ears («چشمام سنگینه» is sleepiness).
_EYES = _Cues("چشم")
_BLIND = _Cues("نمی بین", "کور", "کم سو", "کم نور")
_EARS = _Cues("گوش")
_DEAF = _Cues("نمی شنو", "سنگین")
_LIMBS = _Cues("پا", "دست")
_LIMB_LOSS = _Cues("قطع", "فلج", "مصنوعی")
# Drugs (not cigarettes), and having quit them: past forms only, since «میخوام ترک کنم» is still using;
# «ترک» alone is also "Turk" and "crack".
_DRUGS = _Cues("اعتیاد", "معتاد", "مواد", "مخدر", "تریاک", "هروئین", "هرویین", "کراک", "حشیش", "متادون")
_QUIT = _Cues(
    "ترک+ کرد", "کنار گذاشت", "گذاشت+ کنار", "پاک شد", "پاکم", "پاکی", "پاک هست", "بهبود یافت", "ول+ کرد",
    "خلاص شد",
)  # fmt: skip
# Where children without a family grow up; «بهزیستی» alone is the organisation, so it needs a verb.
_CARE_HOMES = _Cues(
    "پرورشگاه", "پرورشگا", "پروشگاه", "شیرخوارگاه", "شیرخوارگا", "یتیم خانه", "یتیم خونه", "خانه کودک",
    "خونه کودک", "شبانه روزی بهزیستی", "خوابگاه بهزیستی", "بچه بهزیستی", "فرزند مستقل",
)  # fmt: skip
_CARE_PLACES = _Cues("بهزیستی", "شبانه روزی") + _CARE_HOMES
_GREW_UP_OR_LEFT = _Cues(
    "بزرگ شد", "مستقل شد", "ترخیص", "مرخص", "جدا شد", "خارج شد", "بیرون اومد", "اومد+ بیرون", "بیرون آمد",
    "آمد+ بیرون",
)  # fmt: skip
# Places, and what makes them deprived; «محروم» alone is «از وام محروم شدم», «مرزی» alone «نیروی مرزی».
_PLACES = _Cues(
    "روستا", "منطقه", "مناطق", "شهر", "شهرستان", "محله", "محل", "ناحیه", "دهستان", "استان", "آبادی", "جا"
)
_DEPRIVED = _Cues("محروم", "کم برخوردار", "کمتر برخوردار", "دور افتاده", "مرزی", "صعب العبور")
# Whoever refers a client (governor, Friday prayer leader, MP, village head, council) and the referring.
_OFFICIALS = _Cues(
    "فرماندار", "بخشدار", "استاندار", "امام جمعه", "امام جماعت", "نماینده", "دهیار", "شهردار",
    "شورای روستا", "شورای شهر",
)  # fmt: skip
_REFERRAL = _Cues("معرفی", "معرفی نامه", "فرستاد", "سفارش", "نامه")

# Cues that alone say the group.
_WIDOWED_OR_DIVORCED = _Cues("بیوه", "مطلقه", "شوهرمرده", "زن سرپرست", "طلاق+ داد", "طلاق گرفت", "متارکه کرد")
_DISABLED = _Cues(
    "معلول", "نابینا", "ناشنوا", "کم بینا", "کم شنوا", "نیمه بینا", "ویلچر", "ویلچیر", "ویلچر نشین", "جانباز",
    "توان خواه", "قطع نخاع", "ضایعه نخاعی", "قطع عضو", "فلج", "کم توان ذهنی", "کم توان جسمی", "ناتوان جسمی",
    "ناتوان ذهنی", "ناتوانی جسمی", "ناتوانی ذهنی", "عقب مانده ذهنی", "سندروم داون", "سندرم داون", "اوتیسم",
    "اتیسم", "کر لال",
)  # fmt: skip
# «بهبودیافته» alone is how the organisations name recovered addicts («بهبود یافتم» from an illness is not);
# «کنگره ۶۰» is the best-known recovery fellowship.
_RECOVERED = _Cues(
    "کنگره 60", "کنگره شصت", "معتاد بود", "اعتیاد داشت", "ترک اعتیاد کرد", "ترک مواد کرد", "بهبود یافته",
    "بهبود یافتگان",
)  # fmt: skip
_BORDER_OR_SLUM = _Cues(
    "مرز نشین", "حاشیه نشین", "حاشیه شهر", "لب مرز", "نزدیک مرز", "کنار مرز", "ساکن مرز", "دم مرز", "نوار مرزی",
)  # fmt: skip
_SINGLE: dict[str, _Cues] = {
    "female_head_of_household": _WIDOWED_OR_DIVORCED,
    "self_supporting_girl": _Cues("خود سرپرست"),
    "person_with_disability": _DISABLED,
    "recovered_addict": _RECOVERED,
    "care_leaver": _CARE_HOMES,
    "orphan": _Cues("یتیم", "بی پدر مادر"),
    "deprived_area_resident": _BORDER_OR_SLUM,
}


@dataclass(frozen=True)
class _Pair:
    value: str
    subject: _Cues  # a person, body part, place, drug or official
    state: _Cues  # what is said of it
    gap: int  # at most this many words between them, fillers not counted
    # the subject, or the state, is someone else's when one of these stands next to it («مادر شوهرم»,
    # «شوهر خواهرم», «شوهرم بعد از فوت پدرش …»)
    not_beside: _Cues | None = None
    needs: _Cues | None = None  # and one of these must be in the message too, in any clause
    subject_first: bool = False  # a body part comes before what is wrong with it («پام قطع شده»)


_PAIRS = (
    _Pair(
        "female_head_of_household",
        _SPOUSE,
        _DEATH + _PRISON + _CANNOT_WORK + _LEFT_US + _DIVORCE,
        gap=4,
        not_beside=_KIN,
    ),
    _Pair("female_head_of_household", _SPOUSE, _LOST, gap=0, not_beside=_KIN),
    _Pair("female_head_of_household", _WOMAN + _MOTHER, _HOUSEHOLD_HEAD, gap=2),
    _Pair("female_head_of_household", _WOMAN, _NO_GUARDIAN, gap=1),
    _Pair("self_supporting_girl", _GIRL, _NO_GUARDIAN, gap=3),
    _Pair("person_with_disability", _EYES, _BLIND, gap=3, subject_first=True),
    _Pair("person_with_disability", _EARS, _DEAF, gap=2, subject_first=True),
    _Pair("person_with_disability", _LIMBS, _LIMB_LOSS, gap=3, subject_first=True),
    _Pair("recovered_addict", _DRUGS, _QUIT, gap=4),
    _Pair("care_leaver", _CARE_PLACES, _GREW_UP_OR_LEFT, gap=4),
    _Pair("orphan", _PARENTS, _DEATH, gap=3, not_beside=_SPOUSE + _KIN),
    _Pair("orphan", _PARENTS, _LACK + _LOST, gap=0, not_beside=_SPOUSE + _KIN),
    # a father gone counts only with no guardian; «بابای بچه‌ها» is a husband
    _Pair("orphan", _FATHER, _DEATH + _LACK, gap=3, not_beside=_SPOUSE + _KIN + _CHILD, needs=_NO_GUARDIAN),
    _Pair("orphan", _CHILD, _NO_GUARDIAN, gap=2),
    _Pair("deprived_area_resident", _PLACES, _DEPRIVED, gap=3),
    _Pair("referred_by_official", _OFFICIALS, _REFERRAL, gap=5),
)


# --- matching ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Word:
    key: str  # search key, sound-alikes folded
    start: int
    end: int
    clause: int


_Span = tuple[int, int]  # word indices: first, after last


def _words(text: str) -> list[_Word]:
    words: list[_Word] = []
    clause, previous_end = 0, 0
    for key, start, end in words_of(text):
        if key in _CLAUSE_JOINERS or any(mark in CLAUSE_MARKS for mark in text[previous_end:start]):
            clause += 1
        previous_end = end
        if key != "ی":  # an ezafe typed apart: «بچه ی بهزیستی»
            words.append(_Word(key.translate(_SOUND_ALIKES), start, end, clause))
    return words


def _is(word: str, part: str, last: bool) -> bool:
    if part.endswith("$"):
        return word == part[:-1]
    stem = part.rstrip("+")
    endings = _ENDINGS if last or part.endswith("+") else _JOINING_ENDINGS
    return word.startswith(stem) and word[len(stem) :] in endings


def _looks_alike(words: Sequence[_Word], i: int) -> bool:
    after = f"{words[i].key} {words[i + 1].key}" if i + 1 < len(words) else ""
    return words[i].key in _LOOK_ALIKES or after in _LOOK_ALIKES


def _match(words: Sequence[_Word], i: int, cue: _Cue) -> int | None:
    """The index after `cue` if it starts at word i (fillers may stand between its words), else None."""
    j = i
    for n, part in enumerate(cue):
        last = n == len(cue) - 1
        while n and j < len(words) and words[j].key in _FILLERS and not _is(words[j].key, part, last):
            j += 1
        if j >= len(words) or words[j].clause != words[i].clause or not _is(words[j].key, part, last):
            return None
        if _looks_alike(words, j):
            return None
        if part.endswith("$") and j + 1 < len(words) and words[j + 1].clause == words[j].clause:
            return None
        j += 1
    return j


class _Finder:
    """Where each set of cues stands in one message, the longest cue at each word; each set is looked up once."""

    def __init__(self, words: Sequence[_Word]) -> None:
        self.words = words
        self._found: dict[int, list[_Span]] = {}

    def __call__(self, cues: _Cues) -> list[_Span]:
        if id(cues) not in self._found:
            found: list[_Span] = []
            for i, word in enumerate(self.words):
                for cue in cues.by_start.get(word.key[:2], ()):
                    end = _match(self.words, i, cue)
                    if end is not None:
                        found.append((i, end))
                        break
            self._found[id(cues)] = found
        return self._found[id(cues)]


def _singles(find: _Finder) -> Iterator[tuple[str, _Span]]:
    """Single cues; of two that overlap, the longer («یتیم خانه» is a care home, not «یتیم»)."""
    found = [(value, span) for value, cues in _SINGLE.items() for span in find(cues)]
    for value, (a, b) in found:
        if not any(a2 <= a and b <= b2 and (a2, b2) != (a, b) for _, (a2, b2) in found):
            yield value, (a, b)


def _gap(words: Sequence[_Word], first: _Span, second: _Span) -> int:
    return sum(word.key not in _FILLERS for word in words[first[1] : second[0]])


def _beside(find: _Finder, span: _Span, cues: _Cues | None, subject: _Span) -> bool:
    """Whether one of `cues`, other than the words of the subject itself, stands right before or after `span`."""
    return cues is not None and any(
        (end == span[0] or start == span[1]) and not (start < subject[1] and subject[0] < end)
        for start, end in find(cues)
    )


def _pairs(find: _Finder) -> Iterator[tuple[str, _Span]]:
    words = find.words
    for rule in _PAIRS:
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
                if _gap(words, first, second) > rule.gap:
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


def situations_in(text: str) -> Iterator[Found]:
    """Target groups a normalised text (persian.text.normalize) says the writer or the person written about is in."""
    find = _Finder(_words(text))
    words = find.words
    found = sorted(
        {(words[a].start, words[b - 1].end, value) for value, (a, b) in (*_singles(find), *_pairs(find))},
        key=lambda item: (item[0], -item[1]),
    )
    kept: list[tuple[int, int, str]] = []
    for start, end, value in found:  # one value once over the same words
        if not any(v == value and s < end and start < e for s, e, v in kept):
            kept.append((start, end, value))
    for start, end, value in kept:
        yield Found(KIND, value, start, end)

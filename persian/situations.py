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
The matching itself is shared with ``persian.experience`` and lives in ``persian.cues``.

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

from collections.abc import Iterator

from persian.cues import Cues, Finder, Pair, Reading, once, pairs, singles
from persian.facts import Found

KIND = "target_group"

# --- how words are read (see persian.cues) ----------------------------------------------------------------

_READING = Reading.of(
    # Words that start like a cue but are other words, alone or with the word after them.
    look_alikes=(
        "ترکی", "ترکیه", "ترکمن", "ترکمان", "گوشی", "گوشیم", "گوشیه", "گوشیش", "گوشه", "پاس", "پایه",
        "دستی", "دسته", "شهریه", "مردم", "مردی",
        # «مواد» is any material: «مواد غذایی/اولیه/شوینده», «مواد پاک‌کننده»
        "مواد غذایی", "مواد اولیه", "مواد شوینده", "مواد بهداشتی", "مواد شیمیایی", "مواد پاک",
        "مواد پاککننده", "مواد ضدعفونی", "مواد معدنی", "مواد پلاستیکی", "مواد لازم", "مواد آرایشی",
    ),
    # Words that may stand between the words of a cue or of a pair and are not counted («عمرش رو داد»,
    # «پدر و مادرم», «مواد رو گذاشتم کنار»).
    fillers=("و", "رو", "را", "هم"),
    # Words after which the next words belong to another clause even without a mark («… ولی …»).
    clause_joiners=("ولی", "اما", "بلکه", "ولیکن", "منتها"),
)  # fmt: skip

# --- the cues ---------------------------------------------------------------------------------------------

# A husband, in the ways wives speak of him («شوور» is southern and spoken).
_SPOUSE = Cues("شوهر", "شوور", "همسر", "بابای بچه", "پدر بچه")
# Relatives whose word next to a spouse or parent makes them someone else's («مادر شوهرم», «شوهر خواهرم»).
_KIN = Cues(
    "مادر", "پدر", "خواهر", "برادر", "داداش", "آبجی", "بابا", "مامان", "ننه", "عمو", "دایی", "خاله", "عمه"
)
# Death, as it is said with respect or plainly; «مرد» only at the end of a clause (else it is "man").
_DEATH = Cues(
    "فوت", "مرحوم", "خدابیامرز", "خدا بیامرز", "خدا رحمت", "رحمت خدا", "از دنیا رفت", "عمر+ داد", "مرده",
    "مردن", "مردند", "مرد$", "شهید", "کشته شد", "اعدام",
)  # fmt: skip
# Loss, right after the person lost: «شوهرمو از دست دادم», but «شوهرم کارشو از دست داده» is a job lost.
_LOST = Cues("از دست داد", "از دست رفت")
_PRISON = Cues("زندان", "زندون", "حبس")
_CANNOT_WORK = Cues("از کار افتاد", "زمینگیر", "زمین گیر")
# Desertion: only with the object «me/us», since «کارشو ول کرده» is quitting a job.
_LEFT_US = Cues(
    "ولم کرد", "ولمون کرد", "ولمان کرد", "ما ول کرد", "منو ول کرد", "من ول کرد", "ترکم کرد", "ترکمون کرد",
    "ما ترک کرد", "منو ترک کرد", "رهام کرد", "رهامون کرد", "ما رها کرد", "منو رها کرد", "گذاشت+ رفت",
    "ول کرد+ رفت", "مفقود", "ناپدید",
)  # fmt: skip
# Separation; divorce itself is a single cue («طلاق گرفتم», «طلاقم داده»), since «شوهرم میخواد طلاقم بده»
# has not happened.
_DIVORCE = Cues("جدا شد", "جدا زندگی", "جدایی")
# Women's words for «woman head of household» («زن/خانم/بانوی سرپرست خانوار», «زن بی‌سرپرست»); a mother
# only with «سرپرست خانوار» («مادرم سرپرست خانواره»), since in «مادرم فوت کرده، سرپرست ندارم» she is gone.
_WOMAN = Cues("زن", "خانم", "خانوم", "بانو")
_MOTHER = Cues("مادر")
_HOUSEHOLD_HEAD = Cues("سرپرست خانوار", "سرپرست خانواده", "سرپرست خونواده")
# Having no guardian, or a bad one.
_NO_GUARDIAN = Cues("بی سرپرست", "بد سرپرست", "سرپرست ندار", "سرپرست نداشت")
_GIRL = Cues("دختر")
_CHILD = Cues("بچه", "کودک", "فرزند", "پسر")
# Both parents; «مادر و پدر» only with «و», since «مادر پدرم» is a grandmother.
_PARENTS = Cues(
    "پدر مادر", "مادر و پدر", "پدرومادر", "بابا ننه", "بابا ننم", "ننه بابا", "بابا مامان", "مامان بابا", "والدین",
)  # fmt: skip
_FATHER = Cues("پدر", "بابا")
_LACK = Cues("ندار", "نداشت")
# Body parts and what makes them a disability; «سنگین» only for ears («چشمام سنگینه» is sleepiness).
_EYES = Cues("چشم")
_BLIND = Cues("نمی بین", "کور", "کم سو", "کم نور")
_EARS = Cues("گوش")
_DEAF = Cues("نمی شنو", "سنگین")
_LIMBS = Cues("پا", "دست")
_LIMB_LOSS = Cues("قطع", "فلج", "مصنوعی")
# Drugs (not cigarettes), and having quit them: past forms only, since «میخوام ترک کنم» is still using;
# «ترک» alone is also "Turk" and "crack".
_DRUGS = Cues("اعتیاد", "معتاد", "مواد", "مخدر", "تریاک", "هروئین", "هرویین", "کراک", "حشیش", "متادون")
_QUIT = Cues(
    "ترک+ کرد", "کنار گذاشت", "گذاشت+ کنار", "پاک شد", "پاکم", "پاکی", "پاک هست", "بهبود یافت", "ول+ کرد",
    "خلاص شد",
)  # fmt: skip
# Where children without a family grow up; «بهزیستی» alone is the organisation, so it needs a verb.
_CARE_HOMES = Cues(
    "پرورشگاه", "پرورشگا", "پروشگاه", "شیرخوارگاه", "شیرخوارگا", "یتیم خانه", "یتیم خونه", "خانه کودک",
    "خونه کودک", "شبانه روزی بهزیستی", "خوابگاه بهزیستی", "بچه بهزیستی", "فرزند مستقل",
)  # fmt: skip
_CARE_PLACES = Cues("بهزیستی", "شبانه روزی") + _CARE_HOMES
_GREW_UP_OR_LEFT = Cues(
    "بزرگ شد", "مستقل شد", "ترخیص", "مرخص", "جدا شد", "خارج شد", "بیرون اومد", "اومد+ بیرون", "بیرون آمد",
    "آمد+ بیرون",
)  # fmt: skip
# Places, and what makes them deprived; «محروم» alone is «از وام محروم شدم», «مرزی» alone «نیروی مرزی».
_PLACES = Cues(
    "روستا", "منطقه", "مناطق", "شهر", "شهرستان", "محله", "محل", "ناحیه", "دهستان", "استان", "آبادی", "جا"
)
_DEPRIVED = Cues("محروم", "کم برخوردار", "کمتر برخوردار", "دور افتاده", "مرزی", "صعب العبور")
# Whoever refers a client (governor, Friday prayer leader, MP, village head, council) and the referring.
_OFFICIALS = Cues(
    "فرماندار", "بخشدار", "استاندار", "امام جمعه", "امام جماعت", "نماینده", "دهیار", "شهردار",
    "شورای روستا", "شورای شهر",
)  # fmt: skip
_REFERRAL = Cues("معرفی", "معرفی نامه", "فرستاد", "سفارش", "نامه")

# Cues that alone say the group.
_WIDOWED_OR_DIVORCED = Cues("بیوه", "مطلقه", "شوهرمرده", "زن سرپرست", "طلاق+ داد", "طلاق گرفت", "متارکه کرد")
_DISABLED = Cues(
    "معلول", "نابینا", "ناشنوا", "کم بینا", "کم شنوا", "نیمه بینا", "ویلچر", "ویلچیر", "ویلچر نشین", "جانباز",
    "توان خواه", "قطع نخاع", "ضایعه نخاعی", "قطع عضو", "فلج", "کم توان ذهنی", "کم توان جسمی", "ناتوان جسمی",
    "ناتوان ذهنی", "ناتوانی جسمی", "ناتوانی ذهنی", "عقب مانده ذهنی", "سندروم داون", "سندرم داون", "اوتیسم",
    "اتیسم", "کر لال",
)  # fmt: skip
# «بهبودیافته» alone is how the organisations name recovered addicts («بهبود یافتم» from an illness is not);
# «کنگره ۶۰» is the best-known recovery fellowship.
_RECOVERED = Cues(
    "کنگره 60", "کنگره شصت", "معتاد بود", "اعتیاد داشت", "ترک اعتیاد کرد", "ترک مواد کرد", "بهبود یافته",
    "بهبود یافتگان",
)  # fmt: skip
_BORDER_OR_SLUM = Cues(
    "مرز نشین", "حاشیه نشین", "حاشیه شهر", "لب مرز", "نزدیک مرز", "کنار مرز", "ساکن مرز", "دم مرز", "نوار مرزی",
)  # fmt: skip
_SINGLE: dict[str, Cues] = {
    "female_head_of_household": _WIDOWED_OR_DIVORCED,
    "self_supporting_girl": Cues("خود سرپرست"),
    "person_with_disability": _DISABLED,
    "recovered_addict": _RECOVERED,
    "care_leaver": _CARE_HOMES,
    "orphan": Cues("یتیم", "بی پدر مادر"),
    "deprived_area_resident": _BORDER_OR_SLUM,
}


_PAIRS = (
    Pair(
        "female_head_of_household",
        _SPOUSE,
        _DEATH + _PRISON + _CANNOT_WORK + _LEFT_US + _DIVORCE,
        gap=4,
        not_beside=_KIN,
    ),
    Pair("female_head_of_household", _SPOUSE, _LOST, gap=0, not_beside=_KIN),
    Pair("female_head_of_household", _WOMAN + _MOTHER, _HOUSEHOLD_HEAD, gap=2),
    Pair("female_head_of_household", _WOMAN, _NO_GUARDIAN, gap=1),
    Pair("self_supporting_girl", _GIRL, _NO_GUARDIAN, gap=3),
    Pair("person_with_disability", _EYES, _BLIND, gap=3, subject_first=True),
    Pair("person_with_disability", _EARS, _DEAF, gap=2, subject_first=True),
    Pair("person_with_disability", _LIMBS, _LIMB_LOSS, gap=3, subject_first=True),
    Pair("recovered_addict", _DRUGS, _QUIT, gap=4),
    Pair("care_leaver", _CARE_PLACES, _GREW_UP_OR_LEFT, gap=4),
    Pair("orphan", _PARENTS, _DEATH, gap=3, not_beside=_SPOUSE + _KIN),
    Pair("orphan", _PARENTS, _LACK + _LOST, gap=0, not_beside=_SPOUSE + _KIN),
    # a father gone counts only with no guardian; «بابای بچه‌ها» is a husband
    Pair("orphan", _FATHER, _DEATH + _LACK, gap=3, not_beside=_SPOUSE + _KIN + _CHILD, needs=_NO_GUARDIAN),
    Pair("orphan", _CHILD, _NO_GUARDIAN, gap=2),
    Pair("deprived_area_resident", _PLACES, _DEPRIVED, gap=3),
    Pair("referred_by_official", _OFFICIALS, _REFERRAL, gap=5),
)


def situations_in(text: str) -> Iterator[Found]:
    """Target groups a normalised text (persian.text.normalize) says the writer or the person written about is in."""
    find = Finder(text, _READING)
    yield from once(KIND, find.words, (*singles(find, _SINGLE), *pairs(find, _PAIRS)))

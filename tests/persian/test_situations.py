"""Target groups read from the situation a client describes (persian/situations.py), in spoken, dialect,
voice-typed and misspelt Persian."""

from __future__ import annotations

import time

import pytest

from persian.negation import negated
from persian.situations import situations_in
from persian.text import normalize


def _values(text: str) -> set[str]:
    return {found.value for found in situations_in(normalize(text))}


def _spans(text: str) -> list[tuple[str, str]]:
    normalised = normalize(text)
    return [(found.value, normalised[found.start : found.end]) for found in situations_in(normalised)]


FEMALE_HEAD = "female_head_of_household"
GIRL = "self_supporting_girl"
DISABILITY = "person_with_disability"
RECOVERED = "recovered_addict"
CARE_LEAVER = "care_leaver"
ORPHAN = "orphan"
DEPRIVED = "deprived_area_resident"
REFERRED = "referred_by_official"

# (message, the groups it says the writer or the person written about is in)
SITUATIONS: list[tuple[str, set[str]]] = [
    # a husband dead, in prison, unable to work, gone; divorce; widows
    ("شوهرم عمرشو داد به شما، دو تا بچه دارم", {FEMALE_HEAD}),
    ("شوهرم چند ساله زندونه", {FEMALE_HEAD}),
    ("بابای بچه‌ها ولمون کرده رفته خبری ازش نیست", {FEMALE_HEAD}),
    ("سلام من بیوه‌ام و سه تا بچه قد و نیم قد دارم", {FEMALE_HEAD}),
    ("مطلقه هستم دنبال کار خیاطی میگردم", {FEMALE_HEAD}),
    ("از شوهرم جدا شدم الان خودم خرج بچه‌هارو میدم", {FEMALE_HEAD}),
    ("همسرم خدابیامرز دو سال پیش تصادف کرد", {FEMALE_HEAD}),
    ("شوورم از کار افتاده‌س خونه نشینه", {FEMALE_HEAD}),
    ("طلاق گرفتم و با دخترم زندگی میکنم", {FEMALE_HEAD}),
    ("شوهرم فوط کرده", {FEMALE_HEAD}),
    ("حمسرم ۵ ساله حبس خورده", {FEMALE_HEAD}),
    ("سلام خسته نباشید من یه خانمم شوهرم به رحمت خدا رفته سه تا بچه دارم کار میخوام", {FEMALE_HEAD}),
    ("مو زن سرپرست خانوارُم", {FEMALE_HEAD}),
    ("شوهرُم مرحوم شده", {FEMALE_HEAD}),
    ("من همسر شهیدم", {FEMALE_HEAD}),
    ("شوهرم ما رو گذاشت و رفت", {FEMALE_HEAD}),
    ("شوهرم پارسال مرد", {FEMALE_HEAD}),
    ("خواهرم طلاق گرفته برای اون کار میخوام", {FEMALE_HEAD}),
    ("شوهرمو از دست دادم", {FEMALE_HEAD}),
    # girls on their own
    ("دختر خودسرپرستم دنبال کار", {GIRL}),
    ("یه دختر بی سرپرستم ۲۲ سالمه", {GIRL}),
    ("خودسرپرست هستم، تنها زندگی میکنم", {GIRL}),
    ("من دختر بدسرپرست هستم", {GIRL}),
    ("دخترم و کسی رو ندارم سرپرست ندارم", {GIRL}),
    ("سلام دختر بیسرپرست هستم تو خوابگاه زندگی میکنم", {GIRL}),
    ("یه دخترم که سرپرست نداره", {GIRL}),
    ("دختر ۲۵ ساله خودسرپرست", {GIRL}),
    # disability, named or described
    ("پام قطع شده ولی میتونم پشت میز کار کنم", {DISABILITY}),
    ("کم‌بینا هستم", {DISABILITY}),
    ("کم بینا هستم", {DISABILITY}),
    ("چشمام نمیبینه درست", {DISABILITY}),
    ("یه چشمم کوره", {DISABILITY}),
    ("معلولم و با ویلچر رفت و آمد میکنم", {DISABILITY}),
    ("نابیناست پسرم، براش کار هست؟", {DISABILITY}),
    ("ناشنوام ولی لب خونی بلدم", {DISABILITY}),
    ("جانباز هفتاد درصدم", {DISABILITY}),
    ("دخترم توان‌خواه بهزیستیه", {DISABILITY}),
    ("گوشم سنگینه باید بلند حرف بزنن", {DISABILITY}),
    ("قطع نخاعی هستم", {DISABILITY}),
    ("دستم از مچ قطعه", {DISABILITY}),
    ("معلولیت جسمی دارم", {DISABILITY}),
    ("برادرم کم شنواست کار میخواد", {DISABILITY}),
    ("ویلچیری هستم", {DISABILITY}),
    ("پسرم اوتیسم داره", {DISABILITY}),
    ("پاهام فلجه", {DISABILITY}),
    # having left drugs
    ("ده ساله مواد رو گذاشتم کنار", {RECOVERED}),
    ("اعتیادمو ترک کردم الان پنج ساله پاکم", {RECOVERED}),
    ("قبلا معتاد بودم الان سالم سالمم", {RECOVERED}),
    ("از مواد مخدر خلاص شدم", {RECOVERED}),
    ("تریاک رو ترکش کردم دو ساله", {RECOVERED}),
    ("کنگره ۶۰ میرم سه ساله", {RECOVERED}),
    ("سلام من یه بهبود یافته از اعتیادم کار میخوام", {RECOVERED}),
    ("شوهرم ترک اعتیاد کرده", {RECOVERED}),
    ("اعطیاد داشتم", {RECOVERED}),
    ("هروئین رو کنار گذاشتم", {RECOVERED}),
    ("بهبودیافته‌ام، جوشکاری بلدم", {RECOVERED}),
    # grown up in care
    ("از بچگی تو پرورشگاه بودم", {CARE_LEAVER}),
    ("بزرگ شده‌ی بهزیستی هستم", {CARE_LEAVER}),
    ("تو بهزیستی بزرگ شدم، هجده سالم شد مستقلم کردن", {CARE_LEAVER}),
    ("از بهزیستی ترخیص شدم پارسال", {CARE_LEAVER}),
    ("بچه‌ی شیرخوارگاهم", {CARE_LEAVER}),
    ("من تو خونه کودک بزرگ شدم", {CARE_LEAVER}),
    ("فرزند مستقل شده بهزیستی هستم", {CARE_LEAVER}),
    ("تو پروشگاه بزرگ شدم", {CARE_LEAVER}),
    ("از یتیم خونه اومدم بیرون", {CARE_LEAVER}),
    ("بچه ی بهزیستی ام", {CARE_LEAVER}),
    # orphans
    ("یتیمم و با مادربزرگم زندگی میکنم", {ORPHAN}),
    ("پدر و مادرم فوت کردن", {ORPHAN}),
    ("بابا ننم هر دو مردن", {ORPHAN}),
    ("پدر مادر ندارم", {ORPHAN}),
    ("پدرم فوت کرده و سرپرست ندارم", {ORPHAN}),
    ("بی پدر و مادرم از بچگی", {ORPHAN}),
    ("من بچه بی‌سرپرستم، ۱۶ سالمه", {ORPHAN}),
    ("سلام پدر و مادرمو از دست دادم", {ORPHAN}),
    ("یطیمم", {ORPHAN}),
    # deprived and border areas
    ("تو یه روستای دور افتاده زندگی میکنیم", {DEPRIVED}),
    ("روستامون خیلی محرومه", {DEPRIVED}),
    ("ساکن منطقه کم برخوردار هستم", {DEPRIVED}),
    ("ما مرزنشینیم", {DEPRIVED}),
    ("نزدیک مرز افغانستان زندگی میکنیم", {DEPRIVED}),
    ("شهر ما جزو مناطق محرومه", {DEPRIVED}),
    ("تو حاشیه شهر زندگی میکنم", {DEPRIVED}),
    ("آبادی ما صعب‌العبوره", {DEPRIVED}),
    ("روستای مهروم", {DEPRIVED}),
    ("لب مرز زندگی میکنیم کار نیست", {DEPRIVED}),
    ("شهرهای مرزی کار کمه", {DEPRIVED}),
    # referred by an official
    ("امام جمعه شهرمون معرفیم کرده", {REFERRED}),
    ("با معرفی‌نامه فرمانداری اومدم", {REFERRED}),
    ("از دفتر نماینده فرستادنم اینجا", {REFERRED}),
    ("بخشدار برام نامه نوشته که بیام اینجا", {REFERRED}),
    ("فرمانداری سفارشمو کرده", {REFERRED}),
    ("دهیار روستا منو معرفی کرد", {REFERRED}),
    ("امام جماعت مسجد محلمون یه معرفی نامه بهم داده", {REFERRED}),
    ("شورای روستا معرفیم کرده", {REFERRED}),
    # more than one
    ("شوهرم فوت کرده پسرمم معلوله", {FEMALE_HEAD, DISABILITY}),
    ("تو یه روستای دور افتاده مرزی زندگی میکنیم امام جمعه معرفیم کرد", {DEPRIVED, REFERRED}),
]


@pytest.mark.parametrize(("text", "groups"), SITUATIONS)
def test_a_situation_says_its_group(text: str, groups: set[str]) -> None:
    assert _values(text) == groups


# Messages that name no target group, though they share words with one.
NOTHING = [
    "ترک هستم از تبریز",
    "ترکم و ترکی و فارسی بلدم",
    "ترک تحصیل کردم از کلاس نهم",
    "سیگارو ترک کردم",
    "سیگار رو گذاشتم کنار",
    "میخوام مواد رو ترک کنم",  # still using
    "تو کارخونه مواد شوینده کار میکردم ترک کردم",
    "شیشه ماشینم ترک خورده",
    "مرد هستم ۳۵ ساله",
    "یه مرد چهل ساله‌ام دنبال کار",
    "شوهرم مرد خوبیه ولی بیکاره",
    "از وام محروم شدیم",
    "خانواده محرومی هستیم",
    "ما تو روستا زندگی میکنیم",
    "شوهرم کار نمیکنه",
    "شوهرم راننده تاکسیه",
    "شوهرم کارشو از دست داده",
    "شوهرم معتاده",  # a husband's addiction alone: the organisation judges
    "مادر شوهرم فوت کرده",
    "شوهر خواهرم زندانه",
    "شوهرم بعد از فوت پدرش افسرده شد",
    "برادرم زندانه",
    "پدرم پارسال فوت کرد",  # a grown writer's father: no target group
    "پدرم شهید شده",
    "مادرم فوت کرده",
    "پدر و مادرم خونه ندارن",
    "پدرم بازنشسته است",
    "سرپرست خانوارم",  # a man says it too
    "بهزیستی پرونده دارم",
    "تحت پوشش کمیته امدادم",
    "بچه‌هام تحت پوشش بهزیستی هستن",
    "مستقل شدم از خونه بابام",
    "بزرگ شده‌ی تهرانم",
    "میخوام خودمو معرفی کنم",
    "تو فرمانداری کار میکردم",
    "معرفی نامه از آموزشگاه دارم",
    "امام جمعه شهرمون آدم خوبیه",
    "کارمو از دست دادم",
    "شوهرمو تو جنگ از دست دادم",  # a loss is read only right after the person: «شوهرم کارشو از دست داده»
    "گوشیم خراب شده صدا نمیشنوه",
    "چشمم آب نمیخوره استخدامم کنن",
    "دستم شکسته",
    "کمرم درد میکنه",
    "دختر دارم ۱۲ ساله",
    "عمرمو پای این کار گذاشتم",
    "خانم سرپرست کارگاه بودم",
    "نیروی مرزی بودم",
    "از کرونا بهبود یافتم",
    "شوهرم میخواد طلاقم بده",
    "من و شوهرم جدا جدا کار میکنیم",
    "تلفنم قطع شده دستم بهتون نمیرسه",
    "برق خونمون قطع شده",
]


@pytest.mark.parametrize("text", NOTHING)
def test_shared_words_without_the_situation_say_nothing(text: str) -> None:
    assert _values(text) == set()


# An employer asking about hiring a group names that group: the value is what the message is about.
EMPLOYERS = [
    ("ما یه شرکتیم میخوایم معلول استخدام کنیم", {DISABILITY}),
    ("کارفرما هستم برای نیروی کم‌بینا کار دارم", {DISABILITY}),
    ("برای استخدام مددجوی بهبودیافته از اعتیاد تسهیلات هست؟", {RECOVERED}),
]


@pytest.mark.parametrize(("text", "groups"), EMPLOYERS)
def test_an_employer_hiring_a_group_names_it(text: str, groups: set[str]) -> None:
    assert _values(text) == groups


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("شوهرم چند ساله زندونه", [(FEMALE_HEAD, "شوهرم چند ساله زندونه")]),
        ("سلام، چشمام نمی‌بینه", [(DISABILITY, "چشمام نمی‌بینه")]),
        ("ده ساله مواد رو گذاشتم کنار", [(RECOVERED, "مواد رو گذاشتم کنار")]),
        ("کم‌بینا هستم", [(DISABILITY, "کم‌بینا")]),
        ("پدرم فوت کرده و سرپرست ندارم", [(ORPHAN, "پدرم فوت کرده و سرپرست ندارم")]),
        ("از یتیم خونه اومدم بیرون", [(CARE_LEAVER, "یتیم خونه اومدم بیرون")]),
        ("معلولم و با ویلچر میام", [(DISABILITY, "معلولم"), (DISABILITY, "ویلچر")]),
    ],
)
def test_the_span_runs_from_the_first_cue_word_to_the_last(text: str, spans: list[tuple[str, str]]) -> None:
    assert _spans(text) == spans


@pytest.mark.parametrize(
    "text",
    [
        "دختر خودسرپرستم",
        "من تو خونه کودک بزرگ شدم",
        "پدر و مادرم فوت کردن سرپرست ندارم",
        "شوهر مرحومم فوت کرده",
    ],
)
def test_a_value_is_given_once_over_the_same_words(text: str) -> None:
    found = list(situations_in(normalize(text)))
    assert len(found) == 1


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("معلول نیستم", False),
        ("شوهرم فوت نکرده", False),
        ("شوهرم زندان نیست", False),
        ("از بهزیستی ترخیص نشدم", False),
        ("از بهزیستی مستقل نشدم", None),  # «مستقل شد» is the cue: «نشدم» is not it
        ("پدرم فوت نکرده، سرپرست ندارم", None),  # the death is denied inside the span: not read at all
        ("چشمام نمیبینه", True),  # the negative verb is the situation itself
        ("پدر و مادر ندارم", True),
        ("کم‌بینا هستم", True),
    ],
)
def test_the_span_lets_the_negation_step_drop_a_denied_situation(text: str, kept: bool | None) -> None:
    normalised = normalize(text)
    found = list(situations_in(normalised))
    if kept is None:
        assert found == []
        return
    assert len(found) == 1
    dropped = negated(normalised, [(f.start, f.end) for f in found])
    assert (0 not in dropped) is kept


def test_the_offsets_point_into_the_original_text() -> None:
    text = "سلامـــ، شوهرِ من سه ساله زندونیه"
    [found] = situations_in(normalize(text))
    assert text[found.start : found.end] == "شوهرِ من سه ساله زندونیه"


def test_reading_a_long_message_is_quick() -> None:
    text = normalize(" ".join(text for text, _ in SITUATIONS[:40]))
    began = time.perf_counter()
    list(situations_in(text))
    assert time.perf_counter() - began < 0.5

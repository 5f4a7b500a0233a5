"""Work experience read from what clients say of it (persian/experience.py), in spoken, dialect, voice-typed
and misspelt Persian."""

from __future__ import annotations

import time

import pytest

from persian.experience import experience_in
from persian.facts import ages_and_experience
from persian.negation import negated
from persian.text import normalize

NONE, SOME, EXPERIENCED = "none", "some", "experienced"


def _values(text: str) -> set[str]:
    return {found.value for found in experience_in(normalize(text))}


def _spans(text: str) -> list[tuple[str, str]]:
    normalised = normalize(text)
    return [(found.value, normalised[found.start : found.end]) for found in experience_in(normalised)]


def _kept(text: str) -> set[str]:
    """The values the pipeline keeps once its negation step has read the spans."""
    normalised = normalize(text)
    found = list(experience_in(normalised))
    dropped = negated(normalised, [(f.start, f.end) for f in found])
    return {f.value for i, f in enumerate(found) if i not in dropped}


# (message, the value it says)
NO_EXPERIENCE = [
    ("تجربه که ندارم والا", NONE),
    ("هیچ تجربه‌ای تو این کار ندارم", NONE),
    ("پسرم سابقه‌ی کاری نداره، ۱۹ سالشه", NONE),
    ("تا حالا جایی کار نکردم", NONE),
    ("والا تاحالا سر کار نرفتم خونه بودم", NONE),
    ("من بی‌تجربه‌ام ولی زود یاد میگیرم", NONE),
    ("بیتجربم ولی زرنگم", NONE),
    ("اولین کارمه که میخوام شروع کنم", NONE),
    ("هیچوقت بیرون از خونه کار نکردم", NONE),
    ("سابغه کار ندارم", NONE),  # غ for ق
    ("تجربع ندارم", NONE),  # ع for ه
    ("اصلا کار نکردم تا حالا خونه دار بودم", NONE),
    ("تجربه‌ی کاری ندارُم", NONE),  # southern vowel
    ("مو تجربه ندرم", NONE),  # Mashhadi
    ("راستش تجربم صفره", NONE),
    ("هنوز جایی کار نکرده‌ام", NONE),
    ("بدون سابقه‌ام ولی دوس دارم کار کنم", NONE),
    ("سلام من هیچ سابقه کاری ندارم میخوام کار یاد بگیرم", NONE),
    ("به طور کلی تجربه کاری ندارم", NONE),
    ("نه تجربه دارم نه مدرک", NONE),
    ("سلام وقت بخیر من سی و دو سالمه تا حالا هیچ جا کار نکردم خونه دار بودم", NONE),  # voice-typed
]
SOME_EXPERIENCE = [
    ("یه مدتی شاگرد بودم", SOME),
    ("یه کم تجربه دارم تو آشپزی", SOME),
    ("یکم سابقه دارم", SOME),
    ("تجربه‌ام کمه", SOME),
    ("چند ماهی تو نونوایی کار کردم", SOME),
    ("یه خورده کار کردم تو کارگاه", SOME),
    ("شاگرد مکانیک بودم", SOME),
    ("تازه‌کارم", SOME),
    ("من تازه کارم", SOME),
    ("کم‌تجربه هستم", SOME),
    ("تجربه زیادی ندارم", SOME),
    ("خیلی وقت نیس کار میکنم", SOME),
    ("زیاد کار نکردم", SOME),
    ("یه ذره تجربه خیاطی دارم", SOME),
    ("یه مدت کوتاه تو رستوران کار کردم", SOME),
    ("چند وقتی شاگردی کردم پیش یه نجار", SOME),
    ("تجربه مختصری دارم", SOME),
    ("کم و بیش تجربه دارم", SOME),
    ("یکمی تجربه دارم", SOME),  # typed together
    ("مدتی وردست بنا بودم", SOME),
    ("یه مدت خیاطی کردم تو خونه", SOME),
    ("چن ماه تو کارواش کار کردم", SOME),  # spoken «چن»
    ("با تجربه‌ی کمی که دارم میتونم کمک کنم", SOME),
    ("سلام من یه مدت تو یه تولیدی کار کردم بعد تعطیل شد", SOME),  # voice-typed
]
EXPERIENCED_SAYINGS = [
    ("کار بلدم حسابی", EXPERIENCED),
    ("خیلی وقته این کارو میکنم", EXPERIENCED),
    ("کارم خیلی خوبه استادکارم", EXPERIENCED),
    ("چند سالی تو تولیدی کار کردم", EXPERIENCED),
    ("سال‌هاست کار میکنم", EXPERIENCED),
    ("سالهاس کار میکنم", EXPERIENCED),
    ("کارکشته‌ام", EXPERIENCED),
    ("کلی تجربه دارم", EXPERIENCED),
    ("سابقه‌ی زیادی دارم تو ساختمون", EXPERIENCED),
    ("باتجربه هستم", EXPERIENCED),
    ("از بچگی کار کردم", EXPERIENCED),
    ("کارمو خوب بلدم", EXPERIENCED),
    ("به کار واردم", EXPERIENCED),
    ("اوستا کارم تو کاشی کاری", EXPERIENCED),
    ("یه عمره نجاری کار میکونم", EXPERIENCED),  # Isfahani «میکونم»
    ("تجربه کافی دارم", EXPERIENCED),
    ("تا حالا خیلی جاها کار کردم", EXPERIENCED),
    ("تجربع زیادی دارم", EXPERIENCED),  # ع for ه
    ("چندین ساله که مشغولم", EXPERIENCED),
    ("کاربلدم", EXPERIENCED),
    ("پرسابقه هستم", EXPERIENCED),
    ("من استاد کارم", EXPERIENCED),
    ("خیلی وخته تو کارگاه کار میکنم", EXPERIENCED),  # «وخت» for «وقت»
    ("کار کشته هستم تو جوشکاری", EXPERIENCED),
    ("سالهاست قالی‌بافی میکنم", EXPERIENCED),
    ("چن ساله رانندگی میکنم با وانت", EXPERIENCED),
]
SAYINGS = NO_EXPERIENCE + SOME_EXPERIENCE + EXPERIENCED_SAYINGS


@pytest.mark.parametrize(("text", "value"), SAYINGS)
def test_a_saying_gives_its_experience(text: str, value: str) -> None:
    assert _values(text) == {value}


@pytest.mark.parametrize(("text", "value"), SAYINGS)
def test_the_negation_step_keeps_what_is_said(text: str, value: str) -> None:
    assert _kept(text) == {value}


def test_there_are_enough_sayings_of_each_value() -> None:
    assert min(len(NO_EXPERIENCE), len(SOME_EXPERIENCE), len(EXPERIENCED_SAYINGS)) >= 15


# Messages that share words with the cues but say nothing of the writer's experience.
NOTHING_SAID = [
    "کار میخوام",
    "کم کاری نمیکنم قول میدم",
    "خیلی کار میخوام هر چی باشه",
    "میخوام یه کار جدید تجربه کنم",
    "دوست دارم تجربه کسب کنم",
    "تجربه تلخی بود",
    "دیپلم تجربی دارم",
    "سابقه کیفری ندارم",
    "سابقه بیمه ندارم",
    "خیلی وقته بیکارم",
    "سالهاست دنبال کارم",
    "حقوقش کم نباشه",
    "کار کم پیدا میشه",
    "تازه کار پیدا کردم ولی حقوقش کمه",
    "هر کاری کردم کار پیدا نشد",
    "چند ساله هر کاری میکنم کار پیدا نمیکنم",
    "نمیدونم چه کاری بلدم",
    "امروز یکم کار دارم بعدا پیام میدم",
    "استاد کارم بهم یاد داد",
    "میخوام پیش یه استادکار کار یاد بگیرم",
    "خیلی وقته اینجا زندگی میکنم",
    "میخوام شاگردی کنم",
    "تجربه دارم مدرک ندارم",
    "سابقه کار دارم ولی بیمه ندارم",
    # asking what a job requires, or asking the reader
    "تجربه لازمه؟",
    "سابقه میخواد؟",
    "برای این کار سابقه لازم نیست؟",
    "تجربه مهم نیست؟",
    "باید با تجربه باشه؟",
    "بدون سابقه هم استخدام میکنید؟",
    "چند سال سابقه دارید؟",
    "نیروی باتجربه میخوایم",
]


@pytest.mark.parametrize("text", NOTHING_SAID)
def test_shared_words_without_experience_say_nothing(text: str) -> None:
    assert _values(text) == set()


@pytest.mark.parametrize(
    "text", ["۱۰ ساله جوشکاری میکنم", "شش ماه کار کردم", "دو سال سابقه دارم و کارمو بلدم", "یه سال کار کردم"]
)
def test_durations_in_numbers_are_left_to_the_facts_reader(text: str) -> None:
    assert _values(text) == set()
    assert any(found.kind == "work_experience" for found in ages_and_experience(normalize(text)))


def test_a_duration_in_another_clause_does_not_hide_a_value() -> None:
    assert _values("پنج سال سابقه دارم، ولی تو این شهر هیچ جا کار نکردم") == {NONE}


def test_the_writer_speaking_of_themselves_in_a_question_counts() -> None:
    assert _values("بی تجربه‌ام قبول میکنید؟") == {NONE}
    assert _values("تجربه ندارم لازمه؟") == {NONE}


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("تجربه که ندارم", [(NONE, "تجربه که ندارم")]),
        ("تا حالا جایی کار نکردم", [(NONE, "تا حالا جایی کار نکردم")]),
        ("تجربه زیادی ندارم", [(SOME, "تجربه زیادی ندارم")]),
        ("خیلی وقته این کارو میکنم", [(EXPERIENCED, "خیلی وقته این کارو میکنم")]),
        ("هیچ تجربه‌ای ندارم فقط یه مدت شاگرد بودم", [(NONE, "تجربه‌ای ندارم"), (SOME, "یه مدت شاگرد بودم")]),
    ],
)
def test_the_span_runs_from_the_first_cue_word_to_the_last(text: str, spans: list[tuple[str, str]]) -> None:
    assert _spans(text) == spans


@pytest.mark.parametrize(
    "text", ["باتجربه نیستم", "کاربلد نیستم", "تجربه‌ام کم نیست", "سال‌هاست کار میکنم نه، دروغ گفتم"]
)
def test_a_denied_value_is_left_for_the_negation_step_to_drop(text: str) -> None:
    assert _values(text)
    assert _kept(text) == set()


def test_the_offsets_point_into_the_original_text() -> None:
    text = "سلام.  تجربه‌ی کاری ندارم ولی کار بلدم"
    found = list(experience_in(normalize(text)))
    assert [(f.value, text[f.start : f.end]) for f in found] == [
        (NONE, "تجربه‌ی کاری ندارم"),
        (EXPERIENCED, "کار بلدم"),
    ]


def test_reading_a_long_message_is_quick() -> None:
    text = normalize(" ".join(text for text, _ in SAYINGS) * 3)
    start = time.perf_counter()
    list(experience_in(text))
    assert time.perf_counter() - start < 2

"""Whom a message speaks of: a person word's meaning from the rest of the message, and the writer's sex where
she says what she is."""

from __future__ import annotations

import pytest

from persian.people import person_word_meaning, person_words_in, self_described_sex, speaks_of_them
from persian.text import normalize

# (message, the person word in it, its meaning there; None: the message does not tell)
PERSON_WORDS: list[tuple[str, str, tuple[str, str] | None]] = [
    ("خانمم ۲۸ سالشه بیکاره براش کار میخوام", "خانمم", ("subject", "spouse")),
    ("زنم دیپلم داره میخواد خیاطی یاد بگیره", "زنم", ("subject", "spouse")),
    ("خانومم بلده آرایشگری", "خانومم", ("subject", "spouse")),
    ("پسرم ۱۹ سالشه دیپلم داره", "پسرم", ("subject", "son")),
    ("دخترم دانشجوئه", "دخترم", ("subject", "daughter")),
    ("برای دخترم دوره خیاطی میخوام", "دخترم", ("subject", "daughter")),
    ("واسه پسرم کار میخوام", "پسرم", ("subject", "son")),
    ("خانمم ۳۰ سالمه", "خانمم", ("gender", "female")),
    ("خانمم بیکارم از مشهد", "خانمم", ("gender", "female")),
    ("من یه دخترم ۱۹ سالمه", "دخترم", ("gender", "female")),
    ("من پسرم دنبال کار", "پسرم", ("gender", "male")),
    ("یه دخترم که خیاطی بلدم", "دخترم", ("gender", "female")),
    # Both the writer and someone else, or neither: the message does not tell.
    ("خانمم ۲۵ سالشه من خودم ۳۰ سالمه", "خانمم", None),
    ("خانمم", "خانمم", None),
    ("دخترم دنبال کار", "دخترم", None),
    # Not a person word.
    ("مادرم ۶۰ سالشه", "مادرم", None),
]


@pytest.mark.parametrize(("message", "word", "meaning"), PERSON_WORDS)
def test_a_person_word_means_what_the_message_says(
    message: str, word: str, meaning: tuple[str, str] | None
) -> None:
    text = normalize(message)
    start = text.index(normalize(word))
    assert person_word_meaning(text, start, start + len(normalize(word))) == meaning


# (message, the writer's sex said in it, or None)
SELF_DESCRIBED: list[tuple[str, str | None]] = [
    ("خانم هستم", "female"),
    ("خانمی هستم سرپرست خانوار", "female"),
    ("یه خانم ۳۵ ساله هستم از مشهد", "female"),
    ("یه خانم ۳۵ ساله‌ام", "female"),
    ("زن ۴۵ ساله هستم", "female"),
    ("زنی هستم چهل و دو ساله", "female"),
    ("من زنم بیکارم", "female"),
    ("من یه زنم", "female"),
    ("من یه دخترم ۱۹ سالمه", "female"),
    ("دختر بیست ساله ام", "female"),
    ("خانوم هسم", "female"),
    ("بانو هستم", "female"),
    ("مرد هستم", "male"),
    ("من یه مرد ۴۰ ساله ام", "male"),
    ("من مردم و ۳۰ سالمه", "male"),
    ("آقا هستم", "male"),
    ("پسر ۱۸ ساله هستم", "male"),
    ("یه پسرم دیپلم دارم", "male"),
    ("یه زن تنها هستم", "female"),
    ("دختر مجرد ۲۵ ساله هستم", "female"),
    ("مرد خونه هستم", "male"),
    # a message opening with a person and an age introduces its writer
    ("دختر ۲۲ ساله لیسانس حسابداری از شیراز", "female"),
    ("سلام خانم ۳۵ ساله دیپلم ساکن مشهد", "female"),
    ("مرد ۴۵ ساله با سابقه جوشکاری از اهواز", "male"),
    ("من یه زن چهل ساله سرپرست خانوار", "female"),
    # Not the writer's sex.
    ("زن و بچه دارم", None),
    ("مردم اینجا بیکارن", None),
    ("خانمم ۲۸ سالشه", None),
    ("پسرم ۱۹ سالشه", None),
    ("دختر ۱۸ ساله دارم", None),
    ("زندگیم سخته", None),
    ("خانم دکتر گفت", None),
    ("مرد کار لازم دارم", None),
    ("برای خانم‌ها دوره دارین؟", None),
    ("پسر ۱۸ ساله دارم بیکاره", None),
    ("آقا من بیکار هستم", None),
    ("دختر خودسرپرست هستم", None),  # a target group, not the writer's sex alone
    ("پسر مددجو هستم ۱۷ سالمه", None),  # a household role
    ("خانم ببخشید من دیپلم دارم", None),
    ("خانم ۳۰ ساله برای کار نیاز داریم", None),
    ("دختر ۱۷ ساله میخواد خیاطی یاد بگیره", None),
    ("سلام، کار دارین؟ خانم ۳۰ ساله هم قبول میکنین؟", None),
]


@pytest.mark.parametrize(("message", "sex"), SELF_DESCRIBED)
def test_the_writers_sex_where_she_says_what_she_is(message: str, sex: str | None) -> None:
    found = list(self_described_sex(normalize(message)))
    assert [f.value for f in found] == ([sex] if sex else [])
    for f in found:
        assert normalize(message)[f.start : f.end].strip()  # the span is the noun as written


def test_every_person_word_the_message_tells_is_found_not_only_those_a_model_marked() -> None:
    text = normalize("خانومم میخواد خیاطی یاد بگیره، برای پسرم هم کار میخوام")
    found = [(f.kind, f.value, text[f.start : f.end]) for f in person_words_in(text)]
    assert found == [("subject", "spouse", "خانومم"), ("subject", "son", "پسرم")]
    assert list(person_words_in(normalize("خانمم"))) == []  # alone, it could be either


def test_speaks_of_them_only_without_the_writer() -> None:
    assert speaks_of_them("پسرم ۱۷ سالشه")
    assert not speaks_of_them("پسرم ۱۷ سالشه من ۴۰ سالمه")
    assert not speaks_of_them("۱۷ سالمه")

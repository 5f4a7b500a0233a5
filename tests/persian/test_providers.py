"""An organisation named as the giver of something or as a place is not taken as the writer's own."""

from __future__ import annotations

import pytest

from persian.providers import named_as_provider

# (message, the organisation as written in it, whether the message names it only as a provider)
MENTIONS: list[tuple[str, str, bool]] = [
    ("وام بهزیستی چطوریه؟", "بهزیستی", True),
    ("شرایط وام کمیته امداد چیه", "کمیته امداد", True),
    ("وام‌های کمیته رو میخوام بدونم", "کمیته", True),
    ("سرمایه کار بهزیستی امسال چقدره", "بهزیستی", True),
    ("بیمه سهم خویش‌فرمای بهزیستی رو کی میده", "بهزیستی", True),
    ("دوره‌های بهزیستی برای خیاطی کی شروع میشه", "بهزیستی", True),
    ("دفتر کمیته امداد کجاست", "کمیته امداد", True),
    ("اداره‌ی امداد کجاس؟", "امداد", True),
    ("آدرس بهزیستی شهرمون رو میخوام", "بهزیستی", True),
    ("کمیته امداد کجاست", "کمیته امداد", True),
    ("شماره تلفن بهزیستی رو بدین", "بهزیستی", True),
    ("مشاورای بهزیستی کی جواب میدن", "بهزیستی", True),
    ("کمیته امداد وام میده؟", "کمیته امداد", True),
    ("بهزیستی به معلولا کمک میکنه", "بهزیستی", True),
    ("امداد هم بیمه داره برای خویش فرما؟", "امداد", True),
    # The writer's own: said of herself, or something of the organisation she has.
    ("بهزیستی هستم", "بهزیستی", False),
    ("تحت پوشش کمیته امداد هستیم", "کمیته امداد", False),
    ("مددجوی کمیته‌ام", "کمیته", False),
    ("بیمه بهزیستی دارم", "بهزیستی", False),
    ("وام کمیته گرفتم قبلا", "کمیته", False),
    ("وام میخوام بهزیستی هستم", "بهزیستی", False),
    ("پرونده بهزیستی داریم", "بهزیستی", False),
    ("از کمیته امداد مستمری میگیرم", "کمیته امداد", False),
    ("کار بهزیستی هستم", "بهزیستی", False),
    ("کمیته امداد بهمون مستمری میده", "کمیته امداد", False),
    ("بهزیستی به ما کمک میکنه", "بهزیستی", False),
    ("کمیته امداد بیمه برای ما داره؟", "کمیته امداد", False),
    ("تحت حمایت بهزیستی", "بهزیستی", False),
    ("زیر پوشش کمیته امداد", "کمیته امداد", False),
    # Asked what it is, to be gone to, called or come under: not her organisation yet.
    ("بهزیستی چیه؟", "بهزیستی", True),
    ("کمیته امداد چطوریه", "کمیته امداد", True),
    ("باید برم کمیته؟", "کمیته", True),
    ("به بهزیستی زنگ بزنم؟", "بهزیستی", True),
    ("چطوری تحت پوشش بهزیستی قرار بگیرم", "بهزیستی", True),
    ("میخوام تحت پوشش کمیته بشم", "کمیته", True),
    ("چجوری عضو بهزیستی بشیم", "بهزیستی", True),
    ("فرق کمیته و بهزیستی چیه", "کمیته", True),
    ("میخوام تو بهزیستی ثبت نام کنم", "بهزیستی", True),
    # Hers, with a first-person verb of the same kind.
    ("تحت پوشش بهزیستی هستم میخوام ثبت نام کنم", "بهزیستی", False),
    ("کمیته ای هستم", "کمیته", False),
    ("بهزیستی ام زنگ زدم جواب ندادن", "بهزیستی", False),
    ("کمیته امداد ثبت نام کردم", "کمیته امداد", False),
    ("سال پیش تحت پوشش بهزیستی شدیم", "بهزیستی", False),
]


@pytest.mark.parametrize(("text", "organisation", "provider"), MENTIONS, ids=[m[0] for m in MENTIONS])
def test_an_organisation_named_as_a_provider(text: str, organisation: str, provider: bool) -> None:
    start = text.index(organisation)
    found = named_as_provider(text, [(start, start + len(organisation))])
    assert found == ({0} if provider else set())


def test_each_name_is_judged_by_its_own_place() -> None:
    text = "بهزیستی هستم ولی وام کمیته امداد رو میخوام بدونم"
    spans = [(text.index(name), text.index(name) + len(name)) for name in ("بهزیستی", "کمیته امداد")]
    assert named_as_provider(text, spans) == {1}

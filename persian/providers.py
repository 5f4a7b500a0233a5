"""Which organisations a Persian message names as a provider, not as the writer's own.

«وام بهزیستی چطوریه؟», «دفتر کمیته امداد کجاست» and «بیمه سهم خویش‌فرمای بهزیستی» ask about what an
organisation offers or where it is; they do not say the writer is its client, and taking them so would
answer her with rules that may not be hers. «بهزیستی هستم», «تحت پوشش کمیته‌ایم» and «بیمه بهزیستی دارم» do
say it, and stay.

Standard library only and Python 3.10 syntax: Rasa's pipeline imports it as well as the app.
"""

from __future__ import annotations

from collections.abc import Sequence

from persian.text import CLAUSE_MARKS, plain_word, word_tokens

# The entity role the NLU gives an organisation named as a provider: what the message asks about, never a fact
# about the writer.
PROVIDER_ROLE = "provider"

# What an organisation gives or where it is met: a name right after one of these is the provider's.
_PROVIDED = frozenset(
    {
        "وام", "تسهیلات", "سرمایه", "بیمه", "طرح", "دوره", "کلاس", "آموزش", "خدمات", "کمک", "حمایت",
        "اداره", "ادارات", "دفتر", "دفاتر", "مرکز", "مراکز", "شعبه", "نمایندگی", "ساختمان", "سایت", "سامانه",
        "آدرس", "شماره", "تلفن", "مشاور", "مشاوران", "کارشناس", "کارشناسان",
    }
)  # fmt: skip
# Words that may stand between such a noun and the name («سرمایه کار بهزیستی», «بیمه سهم خویش‌فرمای …»).
_BETWEEN = frozenset(
    {"کار", "اشتغال", "خوداشتغالی", "سهم", "خویشفرما", "خویشفرمای", "مهارت", "مهارتی", "شغلی"}
)
# «تحت حمایت بهزیستی», «زیر پوشش …»: under its care, so the writer's own.
_UNDER = frozenset({"تحت", "زیر"})
# A name followed by one of these asks where the organisation is («کمیته امداد کجاست»).
_WHERE = frozenset({"کجاست", "کجاس", "کجا", "کجان", "کجاهاست", "آدرس", "آدرسش", "شماره", "تلفن", "تلفنش"})
# A name followed by one of these asks what the organisation is («بهزیستی چیه؟», «کمیته چطوریه»).
_WHAT = frozenset({"چیه", "چیست", "چی", "چطوریه", "چطوره", "چجوریه", "چگونه"})
# After the name, in its clause: the writer is to go, call, register or come under its cover, so is not its
# client yet («باید برم کمیته؟», «به بهزیستی زنگ بزنم؟», «چطوری تحت پوشش بهزیستی قرار بگیرم»).
_TO_BECOME = frozenset(
    {
        "برم", "بریم", "برن", "بشم", "بشیم", "شم", "شیم", "بگیرم", "بگیریم", "بزنم", "بزنیم", "کنم", "کنیم",
        "مراجعه", "زنگ", "تماس", "ثبتنام", "ثبت", "عضو",
    }
)  # fmt: skip
# Before the name: going to it («برم کمیته», «مراجعه به بهزیستی»), or comparing the two («فرق کمیته و …»).
_TO_IT = frozenset({"برم", "بریم", "برید", "برو", "مراجعه", "مراجعهی", "فرق", "تفاوت", "فرقی"})
# A name followed by one of these is the writer's after all («بیمه بهزیستی دارم», «وام کمیته گرفتم»).
_MINE = frozenset(
    {
        "هستم", "هستیم", "هستن", "هستند", "ام", "ایم", "ای", "هستش", "دارم", "داریم", "میگیرم", "میگیریم",
        "گرفتم", "گرفتیم", "میگیره", "میگیرن", "بودم", "بودیم", "شدم", "شدیم", "کردم", "کردیم", "رفتم", "رفتیم",
    }
)  # fmt: skip
# The organisation as the one who gives or does, in the third person («کمیته امداد وام میده؟», «بهزیستی
# کمک میکنه؟»): asked about, not said of the writer, unless it gives to her or covers her («بهمون مستمری
# میده», «بهزیستی پوششم میده», «حق بیمه منو میده؟»).
_GIVES = frozenset(
    {
        "میده", "میدن", "میدهد", "میدهند", "میکنه", "میکنن", "میکند", "میکنند", "داره", "دارن", "دارد",
        "دارند", "میپردازه", "میپردازد", "میذاره", "میگذارد",
    }
)  # fmt: skip
_TO_ME = frozenset(
    {"بهمون", "بهم", "بما", "بمن", "منو", "مارو", "پوشش", "پوششم", "پوششمون", "مستمری", "مستمریمون"}
)
_TO_US = ("به ما", "به من", "ما رو", "برای ما", "واسه ما")
# Plural and joining endings, written and spoken («وام‌های», «وامای», «اداره‌ی»).
_NOUN_ENDINGS = ("های", "ها", "ای", "ا", "ی")


def _noun(word: str) -> str:
    """«وام‌های», «وامای» → «وام», «اداره‌ی» → «اداره»: the noun of a plural or of a word joined to what
    follows."""
    word = plain_word(word)
    for ending in _NOUN_ENDINGS:
        if word.endswith(ending) and word[: -len(ending)] in _PROVIDED:
            return word[: -len(ending)]
    return word


def _after_provided_noun(before: list[str]) -> bool:
    """Whether the words before a name end in such a noun, with at most two words of `_BETWEEN` after it;
    «تحت حمایت», «زیر پوشش» say whose client the writer is."""
    for back in range(1, min(len(before), 3) + 1):
        word = before[-back]
        if _noun(word) in _PROVIDED:
            return back == len(before) or plain_word(before[-back - 1]) not in _UNDER
        if plain_word(word) not in _BETWEEN:
            return False
    return False


def _gives(after: list[str]) -> bool:
    """Whether the clause after a name has it give or do something in the third person, to someone else."""
    clause: list[str] = []
    for word in after:
        if word in CLAUSE_MARKS:
            break
        clause.append(word)
    if any(word in _MINE or word in _TO_ME for word in clause):
        return False
    joined = " ".join(clause)
    return any(word in _GIVES for word in clause) and not any(phrase in joined for phrase in _TO_US)


def _to_become(after: list[str]) -> bool:
    """Whether the name's clause goes on to the writer going, calling, registering or coming under its cover
    (a first-person verb of those), rather than saying she is its client."""
    clause: list[str] = []
    for word in after:
        if word in CLAUSE_MARKS:
            break
        clause.append(word)
    return not any(word in _MINE for word in clause) and any(word in _TO_BECOME for word in clause[:4])


def named_as_provider(text: str, spans: Sequence[tuple[int, int]]) -> set[int]:
    """The indices of `spans` (organisation names, as start and end offsets into `text`) that name the
    organisation as the giver of something or as a place, not as the writer's own."""
    tokens = word_tokens(text)
    found: set[int] = set()
    for index, (start, end) in enumerate(spans):
        before = [word for word, _, token_end in tokens if token_end <= start]
        after = [plain_word(word) for word, token_start, _ in tokens if token_start >= end]
        if after and after[0] in _MINE:
            continue
        asks = after and (after[0] in _WHERE or after[0] in _WHAT)
        going = bool(before) and plain_word(before[-1]) in _TO_IT
        if _after_provided_noun(before) or asks or going or _gives(after) or _to_become(after):
            found.add(index)
    return found

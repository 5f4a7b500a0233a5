"""The right rules for the right person, and honest lists: whole conversations through the real stack (both
databases), each asserting the Persian the client reads — a widow heading her household, a mother asking
for her son, a 14-year-old, a 62-year-old with back pain, a man with a disability in a town with nothing
near, a woman in Mashhad with one course in her city."""

from __future__ import annotations

from typing import Any

import pytest

from actions.family import member_question
from karyar.db.engine import Database
from karyar.profile import current_profile, member_profiles
from tests.e2e.test_intake import client_of
from tests.support.chat import Chat, button_titles, question_in
from tests.support.stack import Stack

pytestmark = pytest.mark.e2e

CONSENT_LETTER = "رضایت‌نامه سرپرست خانوار"

# How a client answers a question: a button to press or words to say.
Answers = dict[str, tuple[str, str]]


def _turn(chat: Chat, how: str, answer: str) -> list[dict[str, Any]]:
    return chat.press(answer) if how == "press" else chat.say(answer)


def _asked(replies: list[dict[str, Any]], member: str | None) -> str | None:
    """The fact the last reply asks for, about the client or about `member` («پسرتان»)."""
    if member is None:
        return question_in(replies)
    text = str(replies[-1].get("text") or "") if replies else ""
    slots = (
        "organisation",
        "age",
        "gender",
        "household_role",
        "emdad_support",
        "target_group",
        "employment_status",
        "school_grade",
        "education",
        "work_ability",
        "work_experience",
        "field",
        "province",
        "city",
    )
    return next((slot for slot in slots if text == member_question(slot).format(member=member)), None)


def _converse(
    chat: Chat,
    first: str,
    answers: Answers,
    *,
    member: str | None = None,
    shown: dict[str, dict[str, Any]] | None = None,
) -> tuple[list[str], list[dict[str, Any]]]:
    """Say `first`, answer every question asked, and return the questions asked and every message the
    client read from `first` on; `shown` gets each question as it was shown, before it was answered."""
    start = chat.api.mark(chat.user_id)
    replies = _turn(chat, "say", first)
    asked: list[str] = []
    while (slot := _asked(replies, member)) is not None:
        assert slot not in asked, f"{slot} asked twice: {chat.texts()}"
        assert slot in answers, f"{slot} not expected: {chat.texts()}"
        asked.append(slot)
        if shown is not None:
            shown[slot] = replies[-1]
        replies = _turn(chat, *answers[slot])
    return asked, chat.api.bot_messages(chat.user_id, since=start)


def _text(messages: list[dict[str, Any]]) -> str:
    return "\n".join(str(m.get("text") or "") for m in messages)


def _cards(messages: list[dict[str, Any]]) -> list[str]:
    """The course or job cards of a list, in the order shown."""
    return [str(m.get("text") or "") for m in messages if "علاقه‌مندم" in button_titles(m)]


def _consented(stack: Stack, user_id: int, name: str) -> Chat:
    chat = Chat(stack.api, user_id, first_name=name)
    chat.accept_privacy_notice()
    return chat


WIDOW: Answers = {
    "organisation": ("press", "کمیته امداد"),
    "age": ("say", "۴۲"),
    "gender": ("press", "خانم"),
    "household_role": ("press", "سرپرست خانوار"),
    "emdad_support": ("press", "تک‌خدمتی یا چندخدمتی"),
    "target_group": ("press", "بانوی سرپرست خانوار"),
    "employment_status": ("press", "بیکارم و دنبال کارم"),
    "education": ("press", "سیکل"),
    "work_ability": ("press", "بله، می‌توانم کار کنم"),
    "work_experience": ("press", "تجربه ندارم"),
    "field": ("say", "خیاطی"),
    "province": ("say", "تهران"),
    "city": ("say", "تهران"),
}


def _widow(stack: Stack, user_id: int) -> list[dict[str, Any]]:
    chat = _consented(stack, user_id, "فاطمه")
    return _converse(chat, "شوهرم فوت کرده و سرپرست خانوارم، دوره خیاطی میخوام", WIDOW)[1]


def test_a_widow_heading_her_household_is_never_told_to_bring_a_head_of_household_consent_letter(
    stack: Stack, user_id: int
) -> None:
    messages = _widow(stack, user_id)
    read = _text(messages)
    assert "دوره خیاطی با شرایط شما پیدا شد" in read and _cards(messages), read
    assert CONSENT_LETTER not in read and "رضایت‌نامه" not in read, read  # she heads the household
    assert "خانم هستید یا آقا؟" not in read, read  # a widow heading her household is a woman


def test_a_widow_who_named_only_her_province_is_not_told_a_course_in_its_capital_is_in_another_city(
    stack: Stack, user_id: int
) -> None:
    read = _text(_widow(stack, user_id))
    assert "در شهرهای دیگر استان شما" not in read, read


SON: Answers = {
    "organisation": ("press", "کمیته امداد"),
    "household_role": ("press", "فرزند خانواده"),
    "emdad_support": ("press", "نمی‌دانم"),
    "target_group": ("press", "هیچ‌کدام"),
    "employment_status": ("press", "بیکار است و دنبال کار است"),
    "school_grade": ("press", "یازدهم"),
    "education": ("press", "سیکل"),
    "work_ability": ("press", "بله، می‌تواند کار کند"),
    "work_experience": ("press", "تجربه ندارد"),
    "field": ("say", "تعمیر موبایل"),
    "province": ("say", "تهران"),
    "city": ("say", "ورامین"),
}


def test_a_mother_asking_work_for_her_son_is_asked_about_him_and_her_own_facts_stay_hers(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = _consented(stack, user_id, "زهرا")
    client = client_of(stack_db, user_id)
    with stack_db.unit_of_work() as session:
        own_before = current_profile(session, client_id=client.id)

    asked, messages = _converse(chat, "پسرم ۱۷ سالشه دنبال کار میگرده", SON, member="پسرتان")
    read = _text(messages)
    assert asked and "age" not in asked and "gender" not in asked, read  # what she said is not asked again
    assert "سؤال‌های بعدی درباره‌ی پسرتان است" in read, read
    assert not any(question_in([m]) for m in messages), read  # no question about herself
    assert "این‌ها برای پسرتان است" in read, read
    assert "رضایت‌نامه برای پسرتان را سرپرست خانوار می‌دهد" in read, read

    with stack_db.unit_of_work() as session:
        own = current_profile(session, client_id=client.id)
        son = member_profiles(session, client_id=client.id)["son"]
    assert own == own_before
    assert son["age"] == ["17"] and son["gender"] == ["male"] and son["city"] == ["ورامین"]


def test_the_buttons_under_a_question_about_a_son_speak_of_him(stack: Stack, user_id: int) -> None:
    chat = _consented(stack, user_id, "زهرا")
    shown: dict[str, dict[str, Any]] = {}
    _converse(chat, "پسرم ۱۷ سالشه دنبال کار میگرده", SON, member="پسرتان", shown=shown)
    buttons = button_titles(shown["employment_status"])
    assert "بیکارم و دنبال کارم" not in buttons and "بیکار است و دنبال کار است" in buttons, buttons


FOURTEEN: Answers = {
    "organisation": ("press", "بهزیستی"),
    "gender": ("press", "آقا"),
    "household_role": ("press", "فرزند خانواده"),
    "target_group": ("press", "هیچ‌کدام"),
    "employment_status": ("press", "دانش‌آموز یا دانشجو هستم"),
    "school_grade": ("press", "نهم یا پایین‌تر"),
    "education": ("press", "ابتدایی"),
    "work_ability": ("press", "بله، می‌توانم کار کنم"),
    "work_experience": ("press", "تجربه ندارم"),
    "field": ("say", "کامپیوتر"),
    "province": ("say", "تهران"),
    "city": ("say", "تهران"),
}


def test_a_14_year_old_asking_for_a_course_is_told_kindly_that_training_starts_at_15(
    stack: Stack, user_id: int
) -> None:
    chat = _consented(stack, user_id, "امیر")
    messages = _converse(chat, "۱۴ سالمه، دوره کامپیوتر میخوام", FOURTEEN)[1]
    read = _text(messages)
    assert "حداقل ۱۵ سال تمام داشته باشند" in read, read
    assert "وقتی به این سن رسیدید، خوشحال می‌شویم دوباره به ما سر بزنید" in read, read
    assert "فعلاً دوره‌ای نیست" not in read and not _cards(messages), read  # not an empty list


SIXTY_TWO: Answers = {
    "organisation": ("press", "کمیته امداد"),
    "gender": ("press", "آقا"),
    "household_role": ("press", "سرپرست خانوار"),
    "emdad_support": ("press", "مستمری یا کمک‌معیشت می‌گیرم"),
    "target_group": ("press", "هیچ‌کدام"),
    "employment_status": ("press", "بیکارم و دنبال کارم"),
    "education": ("press", "ابتدایی"),
    "work_ability": ("press", "بیماری یا محدودیت دارم"),
    "work_experience": ("press", "تجربه‌ی زیاد دارم"),
    "field": ("say", "فروشندگی"),
    "province": ("say", "یزد"),
    "city": ("say", "یزد"),
}


def _sixty_two(stack: Stack, user_id: int) -> tuple[list[str], str]:
    chat = _consented(stack, user_id, "حسن")
    asked, messages = _converse(
        chat, "۶۲ سالمه از کمیته امداد مستمری میگیرم، کمردرد دارم، وام میخوام برای مغازه", SIXTY_TWO
    )
    return asked, _text(messages)


def test_a_62_year_old_with_back_pain_asking_for_a_shop_loan_is_told_the_suggested_plan_and_his_priority(
    stack: Stack, user_id: int
) -> None:
    read = _sixty_two(stack, user_id)[1]
    assert (
        "با توجه به سن شما و اینکه گفتید توان کاری‌تان محدود است، تسهیلات طرح‌های کارانگیزی برای شما "
        "مناسب‌تر است." in read
    ), read
    assert "این فقط یک پیشنهاد است؛ نوع طرح و مبلغ را مشاور شغلی" in read, read  # suggested, not promised
    assert "من نمی‌توانم قول وام بدهم" in read, read
    assert "شما در گروه «مددجویان کمک‌معیشت‌بگیر» هستید (اولویت ۱ از ۳)" in read, read


def test_a_client_who_said_everything_is_not_told_questions_are_coming(stack: Stack, user_id: int) -> None:
    asked, read = _sixty_two(stack, user_id)
    assert asked or "چند سؤال کوتاه می‌پرسم" not in read, read


DISABLED_MAN: Answers = {
    "organisation": ("press", "بهزیستی"),
    "age": ("say", "۳۵"),
    "gender": ("press", "آقا"),
    "household_role": ("press", "سرپرست خانوار"),
    "target_group": ("press", "فرد دارای معلولیت"),
    "employment_status": ("press", "بیکارم و دنبال کارم"),
    "education": ("press", "دیپلم"),
    "work_ability": ("press", "بیماری یا محدودیت دارم"),
    "work_experience": ("press", "کمی تجربه دارم"),
    "field": ("press", "فرقی نمی‌کند"),
    "province": ("say", "خراسان جنوبی"),
    "city": ("say", "فردوس"),
}


def _disabled_man(stack: Stack, user_id: int) -> tuple[list[str], list[dict[str, Any]]]:
    chat = _consented(stack, user_id, "رضا")
    return _converse(chat, "پام معلوله، تو فردوس زندگی میکنم، کار میخوام", DISABLED_MAN)


def test_a_man_with_a_leg_disability_in_a_town_with_nothing_near_is_told_so_first_and_shown_remote_work(
    stack: Stack, user_id: int
) -> None:
    messages = _disabled_man(stack, user_id)[1]
    read, cards = _text(messages), _cards(messages)
    nothing_near = read.index("در شهر و استان شما فرصت شغلی پیدا نشد.")
    found = read.index("فرصت شغلی با شرایط شما پیدا شد")
    assert nothing_near < found < read.index(cards[0]), read  # said plainly first
    assert "مشاور شغلی می‌تواند در این باره کمکتان کند" in read, read
    assert "گفتگو با مشاور" in button_titles(messages[-1]), read
    assert "موردهای آنلاین، در خانه و ویژه افراد دارای معلولیت اول آمده‌اند." in read, read
    assert all("آنلاین" in card and "کار در منزل" in card for card in cards[:2]), cards


def test_a_man_with_a_leg_disability_is_asked_whether_he_is_a_man_and_shown_no_women_only_jobs(
    stack: Stack, user_id: int
) -> None:
    asked, messages = _disabled_man(stack, user_id)
    read, cards = _text(messages), _cards(messages)
    assert "gender" in asked and asked.index("gender") < asked.index("field"), asked  # before the list
    assert "بستگی دارد" not in read, read  # nothing left to his gender
    assert cards and not any("فقط برای: زنان" in card for card in cards), cards
    assert "آنلاین" in cards[0] and "کار در منزل" in cards[0], cards  # the remote job for him comes first


MASHHAD_WOMAN: Answers = {
    "organisation": ("press", "کمیته امداد"),
    "age": ("say", "۳۰"),
    "gender": ("press", "خانم"),
    "household_role": ("press", "سرپرست خانوار"),
    "emdad_support": ("press", "تک‌خدمتی یا چندخدمتی"),
    "target_group": ("press", "بانوی سرپرست خانوار"),
    "employment_status": ("press", "بیکارم و دنبال کارم"),
    "education": ("press", "دیپلم"),
    "work_ability": ("press", "بله، می‌توانم کار کنم"),
    "work_experience": ("press", "کمی تجربه دارم"),
    "field": ("say", "خیاطی"),
    "province": ("say", "خراسان رضوی"),
    "city": ("say", "مشهد"),
}


def test_a_mashhad_woman_asking_for_a_sewing_course_reads_how_many_are_in_her_city_and_that_others_are_farther(
    stack: Stack, user_id: int
) -> None:
    chat = _consented(stack, user_id, "مریم")
    messages = _converse(chat, "دوره خیاطی تو مشهد میخوام", MASHHAD_WOMAN)[1]
    read, cards = _text(messages), _cards(messages)
    assert "دوره خیاطی با شرایط شما پیدا شد" in read, read
    here, farther = read.index("در شهر شما: ۱ مورد"), read.index("در استان‌های دورتر: ")
    assert here < farther < read.index("نزدیک‌ترها اول آمده‌اند."), read
    assert "مشهد" in cards[0] and not any("مشهد" in card for card in cards[1:]), cards
    assert CONSENT_LETTER not in read, read  # she heads her household

"""The employer's screens: a question and a name for every step, an edit button per answer in the summary,
button data within Telegram's 64 bytes, and a re-ask that names what is expected for every refusal."""

from __future__ import annotations

import pytest

from bot.employer import screens
from bot.employer.desk import asks_status
from karyar.db.models import OpeningStatus
from karyar.employers import answers
from karyar.employers.chat import ChatState
from karyar.employers.errors import OpeningError, Problem
from karyar.employers.store import OpeningState
from karyar.texts import _


def _full_answers() -> dict[str, object]:
    return {
        "business_name": "تولیدی پوشاک نسیم", "province": "تهران", "city": None, "organisation": "emdad",
        "sector": "پوشاک", "contact": "…", "contact_masked": "۰۹۱۲•••۴۵۶۷", "title": "چرخ‌کار",
        "field": "خیاطی", "positions": 3, "hours": "part_time", "wage": [18_000_000, 22_000_000],
        "insured": True, "requirements": None, "suits_disability": False, "home_based": True,
    }  # fmt: skip


def _data(markup: object) -> list[str]:
    return [b.callback_data for row in markup.inline_keyboard for b in row]  # type: ignore[attr-defined]


def test_every_step_has_a_question_and_a_name_and_its_buttons_fit() -> None:
    steps = answers.steps(registered=False)
    assert set(steps) == set(screens.QUESTIONS) == set(screens.NAMES)
    for step in steps:
        text, markup = screens.question(ChatState(1, step))
        assert text == screens.QUESTIONS[step]
        assert all(len(data.encode()) <= 64 for data in _data(markup))
        assert _data(markup)[-1] == screens.data(screens.CANCEL)


def test_the_summary_shows_each_answer_with_its_edit_button_and_never_the_number() -> None:
    text, markup = screens.summary(ChatState(1, answers.SUMMARY, _full_answers()))
    assert "۰۹۱۲•••۴۵۶۷" in text and "۱۸٬۰۰۰٬۰۰۰ تومان تا ۲۲٬۰۰۰٬۰۰۰ تومان" in text
    assert f"• {screens.NAMES['positions']}: ۳" in text
    edits = [d for d in _data(markup) if d.startswith("emp:e:")]
    assert edits == [screens.data(screens.EDIT, step) for step in answers.steps(registered=False)]
    assert screens.data(screens.SUBMIT) in _data(markup)


@pytest.mark.parametrize("problem", [p for p in Problem if p.value not in {"unknown_employer", "not_found",
                                     "not_pending", "no_reason", "not_allowed"}])  # fmt: skip
def test_every_refused_answer_is_re_asked_politely(problem: Problem) -> None:
    text = screens.refusal(OpeningError(problem, "x", value="آتلانتیس"), ChatState(1, "province"))
    assert text.startswith("ببخشید") and "{" not in text


def test_status_requests_are_told_from_other_questions() -> None:
    assert asks_status("وضعیت آگهی من") and asks_status("وضعیت آگهی‌هام چیه؟")
    assert not asks_status("وضعیت پرونده‌ام") and not asks_status("آگهی استخدام")


def test_only_open_openings_can_be_marked_filled_or_withdrawn_from_the_status_list() -> None:
    states = [
        OpeningState(12, "چرخ‌کار", OpeningStatus.APPROVED, None, 2, None),
        OpeningState(13, "اتوکار", OpeningStatus.PENDING, None, 0, None),
        OpeningState(14, "برشکار", OpeningStatus.FILLED, None, 1, None),
        OpeningState(15, "دوزنده", OpeningStatus.REJECTED, "دستمزد کم است", 0, None),
    ]
    markup = screens.status_menu(states)
    titles = [b.text for row in markup.inline_keyboard for b in row]
    assert _("Employer button: filled").format(number="۱۲") in titles
    assert _("Employer button: withdraw").format(number="۱۳") in titles
    assert not any("۱۴" in title or "۱۵" in title for title in titles)
    assert screens.data(screens.NEW) in _data(markup)  # the employer's menu stays below
    assert all(len(data.encode()) <= 64 for data in _data(markup))

    text, confirm = screens.end_question(12, "چرخ‌کار", OpeningStatus.FILLED)
    assert "۱۲" in text and "چرخ‌کار" in text
    assert _data(confirm) == [screens.data(screens.END, "filled", "12"), screens.data(screens.KEEP, "12")]
    refused = screens.end_refusal(Problem.NOT_PENDING, OpeningStatus.FILLED)
    assert _("Opening status: filled") in refused

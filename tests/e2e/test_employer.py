"""An employer in the same bot (through the real stack, both databases): «من کارفرما هستم» gets the offers
to employers and the questions about the business and the opening, not a job seeker's; typed answers and
buttons, a refused answer re-asked, the bot killed and started again midway, a correction from the summary;
the opening waits for staff, who are told and approve it with /openings, and the employer's status says so;
a job seeker's search lists it until the employer marks it filled from the status. A job seeker writing
meanwhile is served as usual."""

from __future__ import annotations

from typing import Any

import pytest

from bot.employer.screens import NAMES, QUESTIONS
from karyar.catalogue.reference import places
from karyar.db.engine import Database
from karyar.db.models import OpeningStatus
from karyar.employers import store
from karyar.texts import _
from persian.format import format_number
from tests.e2e.test_intake import EMDAD_WOMAN, _say, answer_all
from tests.support.chat import Chat, button_titles, question_in
from tests.support.stack import Stack
from tests.support.team import Team

pytestmark = pytest.mark.e2e

SEEKER_OFFSET = 50_000_000
FINDER_OFFSET = 25_000_000  # clear of the seeker's and of staff's ids (tests.support.team)


def _texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(str(m.get("text") or "") for m in replies)


def _status(database: Database, user_id: int) -> list[str]:
    with database.unit_of_work() as session:
        found = store.employer_of_user(session, telegram_user_id=user_id)
        return (
            [state.status for state in store.opening_states(session, employer_id=found.id)] if found else []
        )


def _lists_the_opening(replies: list[dict[str, Any]], province: str) -> bool:
    """Whether a search's cards include the test's opening (the sample catalogue has one like it elsewhere)."""
    cards = [str(m.get("text") or "").splitlines() for m in replies]
    return any(lines[:1] == ["چرخ‌کار"] and province in "\n".join(lines) for lines in cards)


def _asks(replies: list[dict[str, Any]], step: str) -> bool:
    return bool(replies) and str(replies[-1].get("text") or "").startswith(QUESTIONS[step])


def test_an_employer_posts_an_opening_staff_approve_it_and_a_job_seeker_is_unaffected(
    stack: Stack, stack_db: Database, team: Team, user_id: int
) -> None:
    employer = Chat(stack.api, user_id, first_name="رضا")
    city = next(c for c, p in places().city_province.items() if p == team.province)

    replies = employer.say("من کارفرما هستم، برای کارگاهم نیرو می‌خوام")
    said = _texts(replies)
    assert _("Employer offers: header") in said, employer.texts()
    assert question_in(replies) is None and _asks(replies, "business_name"), employer.texts()

    assert _asks(employer.say("تولیدی پوشاک نسیم"), "province")
    assert _asks(employer.say(team.province), "city")
    replies = employer.say("آتلانتیس")  # not a city: said so politely, and asked again
    assert "آتلانتیس" in _texts(replies) and QUESTIONS["city"] in _texts(replies), employer.texts()
    assert _asks(employer.say(city), "organisation")
    assert _asks(employer.press("کمیته امداد"), "sector")
    assert _asks(employer.say("پوشاک"), "contact")
    assert _asks(employer.say("۰۹۱۲۱۲۳۴۵۶۷"), "title")

    # The bot is killed and started again: the conversation goes on where it was.
    stack.restart_bot(kill=True)

    # A job seeker writing now is answered by Rasa as always, and the employer's question stays open.
    seeker = team.client(user_id + SEEKER_OFFSET)
    answer = _texts(seeker.say("دنبال کار خیاطی هستم"))
    assert answer and not any(question in answer for question in QUESTIONS.values()), seeker.texts()

    assert _asks(employer.say("چرخ‌کار"), "field")
    assert _asks(employer.say("خیاطی"), "positions")
    assert _asks(employer.say("۳ نفر"), "hours")
    assert _asks(employer.press(_("Catalogue: employment full time")), "wage")
    assert _asks(employer.say("۱۸ تا ۲۲ میلیون تومان"), "insured")
    assert _asks(employer.press("بله"), "requirements")
    assert _asks(employer.press("ندارد"), "suits_disability")
    assert _asks(employer.say("آره"), "home_based")
    replies = employer.press("خیر")
    assert _("Employer summary: header") in _texts(replies) and "۳" in _texts(replies), employer.texts()

    # A correction: the number of people, from the summary.
    assert _asks(employer.press(_("Employer button: edit").format(field=NAMES["positions"])), "positions")
    replies = employer.say("پنج")
    assert f"• {NAMES['positions']}: ۵" in _texts(replies), employer.texts()

    reviewer = Chat(stack.api, team.add("خانم رحیمی", role="staff"))
    notices = stack.api.mark(reviewer.user_id)
    replies = employer.press(_("Employer button: submit"))
    with stack_db.unit_of_work() as session:
        found = store.employer_of_user(session, telegram_user_id=user_id)
        assert found is not None and found.province == team.province and found.city == city
        (posted,) = store.openings_of(session, employer_id=found.id)
    assert posted.status == OpeningStatus.PENDING and posted.positions == 5 and posted.field == "خیاطی"
    assert (posted.wage_min_toman, posted.wage_max_toman) == (18_000_000, 22_000_000)
    assert posted.insured and posted.suits_disability and not posted.home_based
    assert team.province in _texts(replies), employer.texts()

    # Staff of the province are told, and approve it with /openings.
    stack.api.wait_for_bot_messages(reviewer.user_id, 1, since=notices, timeout=30.0)
    notice = _texts(stack.api.bot_messages(reviewer.user_id, since=notices))
    assert "/openings" in notice and "نسیم" in notice, notice
    cards = reviewer.say("/openings")
    card = next(m for m in cards if "چرخ‌کار" in str(m.get("text")) and "نسیم" in str(m.get("text")))
    # The press turns the card into the decision (an edit, not a new message).
    stack.api.press_button(reviewer.user_id, card["message_id"], text=_("Openings: approve button"))
    assert stack.api.wait_until(lambda: _status(stack_db, user_id) == [OpeningStatus.APPROVED], timeout=30.0)

    replies = employer.say("وضعیت آگهی من")
    said = _texts(replies)
    assert _("Opening status: approved") in said and "چرخ‌کار" in said, employer.texts()

    # A job seeker of that city finds the opening; once the employer says the people were found, no more.
    finder = Chat(stack.api, user_id + FINDER_OFFSET)
    finder.accept_privacy_notice()
    facts = {**EMDAD_WOMAN, "province": _say(team.province), "city": _say(city)}
    _asked, found = answer_all(finder, finder.say(f"کار خیاطی تو {city} میخوام"), facts)
    assert _lists_the_opening(found, team.province), finder.texts()
    number = format_number(posted.id)
    asked = employer.press(_("Employer button: filled").format(number=number))
    assert "چرخ‌کار" in _texts(asked) and _("Employer button: keep") in button_titles(asked[-1]), (
        employer.texts()
    )
    replies = employer.press(_("Employer button: confirm filled"))
    assert _texts(replies) == _("Employer end: filled").format(number=number, title="چرخ‌کار"), (
        employer.texts()
    )
    assert _status(stack_db, user_id) == [OpeningStatus.FILLED]
    _asked, found = answer_all(finder, finder.say(f"کار خیاطی تو {city} میخوام"), facts)
    assert found and not _lists_the_opening(found, team.province), finder.texts()

    # The job seeker's conversation never met the employer's side.
    assert not any(
        _("Employer offers: header") in text or text.startswith(tuple(QUESTIONS.values()))
        for text in seeker.texts()
    ), seeker.texts()


def test_the_menu_entry_starts_the_employer_side_and_cancel_leaves_it(stack: Stack, user_id: int) -> None:
    employer = Chat(stack.api, user_id, first_name="رضا")
    replies = employer.say(_("Menu: employer"))
    assert _("Employer offers: header") in _texts(replies) and _asks(replies, "business_name"), (
        employer.texts()
    )
    assert _asks(employer.say("نانوایی برکت"), "province")

    replies = employer.say("انصراف")
    assert _texts(replies) == _("Employer: cancelled"), employer.texts()
    # Out of it, a message is Rasa's again: not taken for the province.
    replies = employer.say("سلام")
    assert replies and not any(question in _texts(replies) for question in QUESTIONS.values()), (
        employer.texts()
    )

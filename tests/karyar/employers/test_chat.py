"""The employer's conversation on both backends: answers checked and kept across sessions (a restart loses
nothing), corrections, the contact kept encrypted, and «ثبت» posting a pending opening."""

from __future__ import annotations

import pytest

from karyar.db.engine import Database
from karyar.db.models import EmployerChat, OpeningStatus
from karyar.employers import answers, chat, store
from karyar.employers.errors import OpeningError, Problem
from karyar.employers.reviewers import reviewers_of
from karyar.identity.cipher import DataCipher
from tests.karyar.employers.conftest import (
    BEHZISTI_STAFF,
    FARS_STAFF,
    TEHRAN_STAFF,
    add_reviewers,
    workshop,
)

EMPLOYER = 8_300_000_001

TYPED = {
    "business_name": "تولیدی پوشاک نسیم",
    "province": "خراسان رضوی",
    "city": "مشهد",
    "organisation": "emdad",  # pressed
    "sector": "پوشاک",
    "contact": "۰۹۱۲ ۱۲۳ ۴۵۶۷",
    "title": "چرخ‌کار",
    "field": "خیاط",
    "positions": "۳ نفر",
    "hours": "full_time",  # pressed
    "wage": "۱۸ تا ۲۲ میلیون تومان",
    "insured": "آره",
    "requirements": "آشنایی با چرخ راسته‌دوز",
    "suits_disability": "yes",  # pressed
    "home_based": "نه",
}


def _answer_all(db: Database, cipher: DataCipher, user: int = EMPLOYER) -> chat.ChatState:
    with db.unit_of_work() as session:
        state = chat.start(session, telegram_user_id=user)
    while state.step != answers.SUMMARY:
        # A session per answer, as the bot does: what was kept is read back each time.
        with db.unit_of_work() as session:
            state = chat.answer(
                session, cipher=cipher, telegram_user_id=user, step=state.step, typed=TYPED[state.step]
            )
    return state


def test_the_answers_are_kept_in_their_stored_form_and_the_contact_encrypted(
    db: Database, cipher: DataCipher
) -> None:
    state = _answer_all(db, cipher)
    given = state.answers
    assert given["field"] == "خیاطی" and given["positions"] == 3 and given["wage"] == [18_000_000, 22_000_000]
    assert given["insured"] is True and given["home_based"] is False and given["suits_disability"] is True
    assert given["organisation"] == "emdad" and given["hours"] == "full_time"
    assert "09121234567" not in str(given) and given["contact_masked"] == "۰۹۱۲•••۴۵۶۷"
    with db.unit_of_work() as session:
        row = session.get(EmployerChat, EMPLOYER)
        assert row is not None and "09121234567" not in str(row.answers)


def test_an_unfinished_conversation_is_read_back_where_it_stopped(db: Database, cipher: DataCipher) -> None:
    with db.unit_of_work() as session:
        chat.start(session, telegram_user_id=EMPLOYER)
        chat.answer(session, cipher=cipher, telegram_user_id=EMPLOYER, step="business_name", typed="نسیم")
    # A restart keeps nothing in memory: the state comes from the database.
    with db.unit_of_work() as session:
        state = chat.state(session, telegram_user_id=EMPLOYER)
    assert state is not None and state.step == "province" and state.answers == {"business_name": "نسیم"}
    with db.unit_of_work() as session:
        assert chat.state(session, telegram_user_id=EMPLOYER + 1) is None  # anybody else is not in it


@pytest.mark.parametrize(
    ("step", "typed", "problem"),
    [
        ("province", "آتلانتیس", Problem.UNKNOWN_PROVINCE),
        ("contact", "۱۲۳۴۵", Problem.BAD_CONTACT),
        ("field", "فضانوردی", Problem.UNKNOWN_FIELD),
        ("positions", "خیلی", Problem.BAD_NUMBER),
        ("positions", "۰", Problem.BAD_NUMBER),
        ("wage", "۲۲ تا ۱۸ میلیون", Problem.WAGE_REVERSED),
        ("wage", "زیاد", Problem.BAD_NUMBER),
        ("insured", "شاید", Problem.UNKNOWN_CHOICE),
        ("hours", "شبانه", Problem.UNKNOWN_CHOICE),
    ],
)
def test_a_refused_answer_names_its_problem_and_changes_nothing(
    db: Database, cipher: DataCipher, step: str, typed: str, problem: Problem
) -> None:
    with db.unit_of_work() as session:
        chat.start(session, telegram_user_id=EMPLOYER)
        session.get(EmployerChat, EMPLOYER).step = step  # type: ignore[union-attr]
    with db.unit_of_work() as session, pytest.raises(OpeningError) as refused:
        chat.answer(session, cipher=cipher, telegram_user_id=EMPLOYER, step=step, typed=typed)
    assert refused.value.problem == problem
    with db.unit_of_work() as session:
        state = chat.state(session, telegram_user_id=EMPLOYER)
    assert state is not None and state.step == step and step not in state.answers


def test_a_city_of_another_province_is_refused_and_a_new_province_asks_the_city_again(
    db: Database, cipher: DataCipher
) -> None:
    _answer_all(db, cipher)
    with db.unit_of_work() as session:
        chat.edit(session, telegram_user_id=EMPLOYER, step="city")
        with pytest.raises(OpeningError) as refused:
            chat.answer(session, cipher=cipher, telegram_user_id=EMPLOYER, step="city", typed="شیراز")
    assert refused.value.problem == Problem.CITY_ELSEWHERE
    with db.unit_of_work() as session:
        chat.edit(session, telegram_user_id=EMPLOYER, step="province")
        state = chat.answer(session, cipher=cipher, telegram_user_id=EMPLOYER, step="province", typed="فارس")
        assert state.step == "city" and "city" not in state.answers
        state = chat.answer(session, cipher=cipher, telegram_user_id=EMPLOYER, step="city", typed="شیراز")
    assert state.step == answers.SUMMARY and state.answers["city"] == "شیراز"


def test_a_correction_returns_to_the_summary_and_submit_posts_a_pending_opening(
    db: Database, cipher: DataCipher
) -> None:
    _answer_all(db, cipher)
    with db.unit_of_work() as session:
        state = chat.edit(session, telegram_user_id=EMPLOYER, step="positions")
        assert state.step == "positions" and state.answers["positions"] == 3  # kept until replaced
        state = chat.answer(session, cipher=cipher, telegram_user_id=EMPLOYER, step="positions", typed="پنج")
    assert state.step == answers.SUMMARY and state.answers["positions"] == 5
    with db.unit_of_work() as session:
        opening = chat.submit(session, cipher=cipher, telegram_user_id=EMPLOYER)
        opening_id = opening.id
    with db.unit_of_work() as session:
        employer = store.employer_of_user(session, telegram_user_id=EMPLOYER)
        assert employer is not None and employer.city == "مشهد" and employer.organisation == "emdad"
        assert store.decrypted_contact(employer, cipher) == "09121234567"
        (posted,) = store.opening_states(session, employer_id=employer.id)
        assert chat.state(session, telegram_user_id=EMPLOYER) is None  # the conversation is over
    assert (posted.id, posted.status, posted.title) == (opening_id, OpeningStatus.PENDING, "چرخ‌کار")


def test_a_registered_employer_is_asked_only_about_the_opening(db: Database, cipher: DataCipher) -> None:
    with db.unit_of_work() as session:
        workshop(session, cipher, telegram_user_id=EMPLOYER)
        state = chat.start(session, telegram_user_id=EMPLOYER)
    assert state.step == "title" and state.steps == answers.OPENING_STEPS
    state = _answer_all(db, cipher)
    assert set(state.answers) == set(answers.OPENING_STEPS)
    with db.unit_of_work() as session:
        chat.submit(session, cipher=cipher, telegram_user_id=EMPLOYER)
        employer = store.employer_of_user(session, telegram_user_id=EMPLOYER)
        assert employer is not None and employer.business_name == "تولیدی پوشاک نسیم"
        assert len(store.opening_states(session, employer_id=employer.id)) == 1


def test_cancel_leaves_nothing_behind_and_an_old_press_is_refused(db: Database, cipher: DataCipher) -> None:
    with db.unit_of_work() as session:
        chat.start(session, telegram_user_id=EMPLOYER)
        with pytest.raises(OpeningError) as stale:  # a press of an earlier question
            chat.answer(session, cipher=cipher, telegram_user_id=EMPLOYER, step="hours", typed="full_time")
        assert stale.value.problem == Problem.NOT_FOUND
        assert chat.cancel(session, telegram_user_id=EMPLOYER)
        assert not chat.cancel(session, telegram_user_id=EMPLOYER)
        assert store.employer_of_user(session, telegram_user_id=EMPLOYER) is None


@pytest.mark.parametrize(
    ("typed", "wage"),
    [
        ("۱۸ تا ۲۲ میلیون تومان", (18_000_000, 22_000_000)),
        ("۲۰ میلیون", (20_000_000, 20_000_000)),
        ("بیست میلیون تومن", (20_000_000, 20_000_000)),
        ("18-22", (18_000_000, 22_000_000)),
        ("15000000", (15_000_000, 15_000_000)),
        ("توافقی", (None, None)),
    ],
)
def test_wages_are_read_as_people_write_them(typed: str, wage: tuple[int | None, int | None]) -> None:
    assert answers.wage(typed) == wage


def test_the_staff_told_of_a_new_opening_are_those_who_may_review_it(
    db: Database, cipher: DataCipher
) -> None:
    with db.unit_of_work() as session:
        add_reviewers(session)
        tehran = workshop(session, cipher).id
        shiraz = workshop(session, cipher, province="فارس", city="شیراز", organisation=None).id
        assert reviewers_of(session, employer_id=tehran) == [TEHRAN_STAFF]
        assert reviewers_of(session, employer_id=shiraz) == [FARS_STAFF, BEHZISTI_STAFF]

"""The whole chain of issue 26, end to end through the stand-in (both databases): an employer registers and
posts an opening in the chat, staff approve it with /openings, a subscribed client whose alert and facts
match receives the alert, shows interest and consents to share her résumé, a counsellor sends it, and the
employer's chat receives it; a client far away receives nothing, and the employer's chat holds nothing of
either client until the counsellor sends the one who agreed."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from karyar.catalogue.reference import places
from karyar.db.alert_models import AlertItem
from karyar.db.engine import Database
from karyar.db.models import BroadcastDelivery, EmployerOpening, OpeningStatus
from karyar.employers import store
from karyar.texts import _
from tests.e2e.test_employer import _asks, _status
from tests.e2e.test_intake import EMDAD_WOMAN, _say, answer_all
from tests.e2e.test_news_subscription import YES, _consent
from tests.e2e.test_resume_share import _everything_to
from tests.support.chat import Chat, button_titles
from tests.support.stack import Stack
from tests.support.team import Team

pytestmark = pytest.mark.e2e

WAIT = 60.0
# Provinces far from the teams' provinces (tests.support.team): one of them neighbours none.
FAR = ("سیستان و بلوچستان", "آذربایجان غربی")


def _city_of(province: str) -> str:
    return next(city for city, where in places().city_province.items() if where == province)


def _far_from(province: str) -> str:
    near = places().neighbours.get(province, frozenset())
    return next(p for p in FAR if p != province and p not in near)


def _client_through_the_chat(stack: Stack, user: int, name: str, province: str, skills: str) -> Chat:
    """A client as she would set herself up: the privacy notice, the news, an alert in her words, her facts
    through the intake's questions, and her skills in her résumé."""
    chat = Chat(stack.api, user, first_name=name)
    [answer] = chat.press(YES, on=_consent(chat))
    assert "✅" in answer["text"], answer["text"]
    [answer] = chat.say(f"وقتی کار خیاطی در {province} باز شد خبرم کن")
    assert "✅" in answer["text"] and province in answer["text"], answer["text"]
    city = _city_of(province)
    answers = {**EMDAD_WOMAN, "province": _say(province), "city": _say(city)}
    asked, _replies = answer_all(chat, chat.say(f"کار خیاطی تو {city} میخوام"), answers)
    assert asked, chat.texts()
    chat.say("رزومه‌ام را ویرایش کن")
    chat.press(_("Resume part: skills"))
    [corrected] = chat.say(skills)
    assert _("Resume: corrected") in corrected["text"] and skills in corrected["text"], corrected["text"]
    return chat


def _post_opening(employer: Chat, province: str, title: str) -> None:
    """An employer's answers, typed and pressed, from «من کارفرما هستم» to the summary."""
    assert _asks(employer.say("من کارفرما هستم، برای کارگاهم نیرو می‌خوام"), "business_name"), employer.texts()
    steps: list[tuple[str, str, str]] = [
        ("say", "تولیدی پوشاک نسیم", "province"),
        ("say", province, "city"),
        ("say", _city_of(province), "organisation"),
        ("press", "کمیته امداد", "sector"),
        ("say", "پوشاک", "contact"),
        ("say", "۰۹۱۲۱۲۳۴۵۶۷", "title"),
        ("say", title, "field"),
        ("say", "خیاطی", "positions"),
        ("say", "۲ نفر", "hours"),
        ("press", _("Catalogue: employment full time"), "wage"),
        ("say", "۱۸ تا ۲۲ میلیون تومان", "insured"),
        ("press", "بله", "requirements"),
        ("press", "ندارد", "suits_disability"),
        ("say", "آره", "home_based"),
    ]
    for how, answer, next_step in steps:
        replies = employer.say(answer) if how == "say" else employer.press(answer)
        assert _asks(replies, next_step), employer.texts()
    replies = employer.press("خیر")
    assert any(_("Employer summary: header") in str(m.get("text")) for m in replies), employer.texts()


def _alert_recipients(db: Database, job_id: int) -> set[int]:
    """The Telegram chats the alert of a job opening is planned for."""
    with db.unit_of_work() as session:
        return set(
            session.scalars(
                select(BroadcastDelivery.chat_id)
                .join(AlertItem, AlertItem.broadcast_id == BroadcastDelivery.broadcast_id)
                .where(AlertItem.item_kind == "job", AlertItem.item_id == job_id)
            )
        )


def _message_with(stack: Stack, chat_id: int, *, text: str = "", button: str = "") -> dict[str, Any] | None:
    return next(
        (
            m
            for m in reversed(stack.api.bot_messages(chat_id))
            if text in str(m.get("text") or m.get("caption") or "")
            and (not button or button in button_titles(m))
        ),
        None,
    )


def test_an_employers_opening_reaches_a_matching_client_and_her_resume_reaches_him_only_with_consent(
    stack: Stack, stack_db: Database, team: Team, user_id: int
) -> None:
    counsellor = team.add("خانم کریمی")
    reviewer = Chat(stack.api, team.add("خانم رحیمی", role="staff"))
    employer = Chat(stack.api, user_id, first_name="رضا")
    shirin_id, nazanin_id = user_id * 1000 + 1, user_id * 1000 + 2
    far_province = _far_from(team.province)
    # A title nobody else's opening has, in Persian letters.
    title = "چرخ‌کار " + uuid.uuid4().hex[:6].translate(str.maketrans("0123456789abcdef", "ابپتثجچحخدذرزژسش"))

    shirin = _client_through_the_chat(stack, shirin_id, "شیرین", team.province, "دوخت مانتو با چرخ راسته‌دوز")
    nazanin = _client_through_the_chat(stack, nazanin_id, "نازنین", far_province, "اتوکاری و برش پارچه")
    private = [
        "شیرین",
        "دوخت مانتو",
        "نازنین",
        "اتوکاری",
        _("Resume: heading for opening").format(title=title),
    ]

    def employer_sees_nothing_of_the_clients() -> None:
        received = _everything_to(stack, user_id)
        assert not [word for word in private if word in received], received

    _post_opening(employer, team.province, title)
    notices = stack.api.mark(reviewer.user_id)
    employer.press(_("Employer button: submit"))
    with stack_db.unit_of_work() as session:
        found = store.employer_of_user(session, telegram_user_id=user_id)
        assert found is not None
        (posted,) = store.openings_of(session, employer_id=found.id)
        assert posted.status == OpeningStatus.PENDING and posted.title == title

    # Staff of the province are told, and approve it with /openings.
    stack.api.wait_for_bot_messages(reviewer.user_id, 1, since=notices, timeout=WAIT)
    card = next(m for m in reviewer.say("/openings") if title in str(m.get("text")))
    stack.api.press_button(reviewer.user_id, card["message_id"], text=_("Openings: approve button"))
    assert stack.api.wait_until(lambda: _status(stack_db, user_id) == [OpeningStatus.APPROVED], timeout=WAIT)
    with stack_db.unit_of_work() as session:
        job_id = session.get_one(EmployerOpening, posted.id).job_opening_id
    assert job_id is not None

    # Of the two, the alert is planned for her alone (clients earlier tests left in this province may match
    # too), and arrives with its three buttons.
    assert _alert_recipients(stack_db, job_id) & {shirin_id, nazanin_id} == {shirin_id}
    assert stack.api.wait_until(lambda: _message_with(stack, shirin_id, text=title) is not None, timeout=WAIT)
    alert = _message_with(stack, shirin_id, text=title)
    assert alert is not None
    assert button_titles(alert) == ["علاقه‌مندم", "خبر نفرست", "تنظیم هشدارها"], alert
    employer_sees_nothing_of_the_clients()

    # She shows interest and is asked before anything of hers may go; the employer still sees nothing.
    replies = shirin.press("علاقه‌مندم", on=alert)
    question = replies[-1]
    assert title in question["text"] and "تولیدی پوشاک نسیم" in question["text"], replies
    employer_sees_nothing_of_the_clients()
    [answer] = shirin.press(_("Resume consent: yes button"), on=question)
    assert title in answer["text"], answer["text"]

    # The counsellor's card, and her press: only now does the employer receive the résumé.
    send = _("Resume card: send button")
    assert stack.api.wait_until(
        lambda: _message_with(stack, counsellor, text=title, button=send) is not None, timeout=WAIT
    ), _everything_to(stack, counsellor)
    resume_card = _message_with(stack, counsellor, text=title, button=send)
    assert resume_card is not None, _everything_to(stack, counsellor)
    assert "شیرین" in resume_card["text"] and "نازنین" not in resume_card["text"], resume_card
    employer_sees_nothing_of_the_clients()
    stack.api.press_button(counsellor, resume_card["message_id"], text=send)
    assert stack.api.wait_until(
        lambda: any("document" in m for m in stack.api.bot_messages(user_id)), timeout=WAIT
    ), _everything_to(stack, user_id)
    received = _everything_to(stack, user_id)
    assert "شیرین" in received and "دوخت مانتو با چرخ راسته‌دوز" in received and title in received, received

    # The client far away received no alert, and the employer nothing of her.
    assert not any(title in text for text in nazanin.texts()), nazanin.texts()
    assert "نازنین" not in received and "اتوکاری" not in received, received

"""A client's résumé reaches an employer only through a counsellor and only with her consent, end to end:
an approved employer's opening is announced to two matching clients; one presses «علاقه‌مندم», agrees to
share, the counsellor presses «ارسال به کارفرما» and the employer's chat gets her résumé (text and PDF)
while she is told it went; the other says «نه», and the employer receives nothing of her."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from karyar import clients, profile
from karyar.alerts import announce as announce_module
from karyar.clients import TelegramIdentity
from karyar.db.engine import Database
from karyar.employers import review, store
from karyar.facts import ProfileFactName
from karyar.identity.cipher import DataCipher
from localapi import UserDriver
from tests.e2e.test_intake import EMDAD_WOMAN, answer_all
from tests.support.chat import Chat, button_titles
from tests.support.stack import DATA_KEY, Stack
from tests.support.team import Team

pytestmark = pytest.mark.e2e


def _until(api: UserDriver, check: Callable[[], bool], seconds: float = 60) -> None:
    assert api.wait_until(check, timeout=seconds), "timed out"


def _subscriber(db: Database, stack: Stack, user: int, name: str, province: str, skills: str) -> Chat:
    """A client who accepted the privacy notice, gets the news and told her place, field and skills."""
    stack.api.add_user(user, name)
    with db.unit_of_work() as session:
        client = clients.ensure_client(session, identity=TelegramIdentity(user_id=user, first_name=name))
        clients.record_consent(session, client_id=client.id)
        client.subscribed = True
        facts = {
            ProfileFactName.PROVINCE: province,
            ProfileFactName.FIELD: "خیاطی",
            ProfileFactName.GENDER: "female",
        }
        for fact, value in facts.items():
            profile.record_fact(session, client_id=client.id, name=fact, value=value, source="test")
    chat = Chat(stack.api, user, first_name=name)
    [answer] = chat.say(f"وقتی کار خیاطی در {province} باز شد خبرم کن")
    assert "✅" in answer["text"], answer["text"]
    chat.say("رزومه‌ام را ویرایش کن")
    chat.press("مهارت‌ها")
    replies = chat.say(skills)
    assert "✅ درست شد" in replies[0]["text"] and skills in replies[0]["text"], replies
    return chat


def _alert(stack: Stack, user: int, title: str) -> dict[str, Any]:
    _until(stack.api, lambda: any(title in str(m.get("text")) for m in stack.api.bot_messages(user)))
    return next(m for m in stack.api.bot_messages(user) if title in str(m.get("text")))


def _everything_to(stack: Stack, chat_id: int) -> str:
    return "\n".join(str(m.get("text") or m.get("caption") or "") for m in stack.api.bot_messages(chat_id))


def test_the_employer_gets_her_resume_through_the_counsellor_only_with_her_consent(
    stack: Stack, stack_db: Database, team: Team, user_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(announce_module, "is_open", lambda at: True)  # whatever the hour of the test run
    counsellor = team.add("خانم کریمی")
    employer_chat, agrees, refuses = user_id * 1000 + 9, user_id * 1000 + 1, user_id * 1000 + 2
    stack.api.add_user(employer_chat, "آقای نسیمی")
    maryam = _subscriber(stack_db, stack, agrees, "مریم", team.province, "دوخت مانتو با چرخ راسته‌دوز")
    zahra = _subscriber(stack_db, stack, refuses, "زهرا", team.province, "اتوکاری و برش پارچه")
    # A title nobody else's opening has (in letters: cards show digits in Persian).
    title = f"چرخ‌کار {uuid.uuid4().hex[:6].translate(str.maketrans('0123456789', 'ghijklmnop'))}"

    with stack_db.unit_of_work() as session:
        employer = store.register_employer(
            session,
            cipher=DataCipher([DATA_KEY]),
            business_name="تولیدی پوشاک نسیم",
            organisation="emdad",
            province=team.province,
            city="",
            sector="پوشاک",
            contact="09121234567",
        )
        employer.telegram_user_id = employer_chat
        opening = store.add_opening(session, employer_id=employer.id, title=title, field="خیاطی", positions=2)
        assert review.approve(session, opening_id=opening.id, telegram_user_id=None).done

    # She shows interest in the alert, and is asked before anything of hers may go.
    replies = maryam.press("علاقه‌مندم", on=_alert(stack, agrees, title))
    question = replies[-1]
    assert title in question["text"] and "تولیدی پوشاک نسیم" in question["text"], replies
    assert button_titles(question) == ["✅ بله، بفرستید", "❌ نه"]
    assert _everything_to(stack, counsellor) == ""
    [answer] = maryam.press("✅ بله، بفرستید", on=question)
    assert "مشاور رزومه کوتاه شما" in answer["text"], answer["text"]

    # The counsellor's card: her résumé, no contact details, and the button.
    _until(
        stack.api,
        lambda: any("ارسال به کارفرما" in button_titles(m) for m in stack.api.bot_messages(counsellor)),
    )
    card = stack.api.bot_messages(counsellor)[-1]
    assert "مریم" in card["text"] and "دوخت مانتو با چرخ راسته‌دوز" in card["text"] and title in card["text"]
    assert "زهرا" not in card["text"]
    assert _everything_to(stack, employer_chat) == ""  # nothing before the counsellor sends it

    mark = stack.api.mark(agrees)
    stack.api.press_button(counsellor, card["message_id"], text="ارسال به کارفرما")
    _until(stack.api, lambda: any("document" in m for m in stack.api.bot_messages(employer_chat)))
    received = _everything_to(stack, employer_chat)
    assert "مریم" in received and "دوخت مانتو با چرخ راسته‌دوز" in received and title in received
    _until(
        stack.api,
        lambda: any("فرستاده شد" in str(m.get("text")) for m in stack.api.bot_messages(agrees, since=mark)),
    )

    # The second client says no: the employer receives nothing of her, now or later.
    replies = zahra.press("علاقه‌مندم", on=_alert(stack, refuses, title))
    [answer] = zahra.press("❌ نه", on=replies[-1])
    assert "چیزی از شما" in answer["text"], answer["text"]
    # A card is made only with her yes, before she is answered: with «نه» answered, none can follow.
    assert not any("زهرا" in str(m.get("text")) for m in stack.api.bot_messages(counsellor))
    received = _everything_to(stack, employer_chat)
    assert "زهرا" not in received and "اتوکاری" not in received


def test_her_resume_is_shown_and_corrected_in_the_chat(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = Chat(stack.api, user_id)
    chat.accept_privacy_notice()
    [shown] = chat.say("رزومه من")
    assert "رزومه کوتاه شما" in shown["text"] and "کد ملی" in shown["text"]
    assert button_titles(shown) == ["✏️ ویرایش رزومه", "📄 فایل PDF"]
    chat.press("✏️ ویرایش رزومه", on=shown)
    [asked] = chat.press("محل زندگی")
    assert "شهر یا استان" in asked["text"]
    [corrected] = chat.say("مشهد")
    assert "مشهد، استان خراسان رضوی" in corrected["text"], corrected["text"]
    [document] = chat.press("📄 فایل PDF", on=corrected)
    assert "document" in document, document


# The capital of each province the teams use (tests.support.team), for the intake's question of the city.
_CAPITALS = {"گیلان": "رشت"}


def _say(text: str) -> Callable[[Chat], list[dict[str, Any]]]:
    return lambda chat: chat.say(text)


def test_an_interest_from_a_catalogue_card_asks_too_and_a_no_shares_nothing(
    stack: Stack, stack_db: Database, team: Team, user_id: int
) -> None:
    counsellor = team.add("خانم کریمی")
    employer_chat = user_id * 1000 + 9
    stack.api.add_user(employer_chat, "آقای نسیمی")
    city = _CAPITALS.get(team.province, team.province)
    title = f"زنبوردار {uuid.uuid4().hex[:6].translate(str.maketrans('0123456789', 'ghijklmnop'))}"
    with stack_db.unit_of_work() as session:
        employer = store.register_employer(
            session,
            cipher=DataCipher([DATA_KEY]),
            business_name="زنبورستان عسل طلایی",
            organisation="emdad",
            province=team.province,
            city=city,
            sector="کشاورزی",
            contact="09121234567",
        )
        employer.telegram_user_id = employer_chat
        opening = store.add_opening(
            session, employer_id=employer.id, title=title, field="زنبورداری", positions=1
        )
        assert review.approve(session, opening_id=opening.id, telegram_user_id=None).done
    try:
        chat = team.client(user_id)
        answers = {**EMDAD_WOMAN, "province": _say(team.province), "city": _say(city)}
        _asked, replies = answer_all(chat, chat.say(f"کار زنبورداری تو {city} میخوام"), answers)
        card = next((m for m in replies if title in str(m.get("text"))), None)
        assert card is not None, chat.texts()
        replies = chat.press("علاقه‌مندم", on=card)
        assert "ثبت شد" in replies[0]["text"], replies
        question = replies[-1]
        assert title in question["text"] and button_titles(question) == ["✅ بله، بفرستید", "❌ نه"], replies
        [answer] = chat.press("❌ نه", on=question)
        assert "چیزی از شما" in answer["text"], answer["text"]
        assert _everything_to(stack, counsellor) == "" and _everything_to(stack, employer_chat) == ""
    finally:
        with stack_db.unit_of_work() as session:
            review.mark_filled(
                session, opening_id=opening.id, telegram_user_id=None
            )  # out of others' searches

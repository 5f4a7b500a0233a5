"""News of new courses and jobs: asked after consent, changed in the chat; real bot, Rasa, actions, database."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from karyar import cases
from karyar.db.engine import Database
from karyar.db.models import CaseEventKind, Client, Message
from tests.support.chat import Chat, button_titles
from tests.support.stack import Stack

pytestmark = pytest.mark.e2e

YES = "بله، خبرم کنید"
NO = "نه، ممنون"


def _subscription(db: Database, user_id: int) -> tuple[bool, list[tuple[bool, str]]]:
    """Whether the client is subscribed, and each change on their case: (subscribed, source)."""
    with db.unit_of_work() as session:
        client = session.scalar(select(Client).where(Client.telegram_user_id == user_id))
        assert client is not None
        events = cases.events(
            session, case_id=cases.open_case(session, client_id=client.id).id, kind=CaseEventKind.SUBSCRIPTION
        )
        return client.subscribed, [(e.data["subscribed"], e.data["source"]) for e in events]


def _consent(chat: Chat) -> dict[str, Any]:
    """Accept the privacy notice; the last message of that turn is the news question."""
    chat.accept_privacy_notice()
    question = chat.api.bot_messages(chat.user_id)[-1]
    assert button_titles(question) == [YES, NO], chat.texts()
    return question


def test_news_asked_after_consent_then_changed_in_the_chat(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = Chat(stack.api, user_id)
    question = _consent(chat)
    assert "خبر" in question["text"] and "دوره" in question["text"]
    assert _subscription(stack_db, user_id) == (False, [])

    [answer] = chat.press(YES, on=question)
    assert "✅" in answer["text"] and "«خبر نفرست»" in answer["text"], answer["text"]
    assert _subscription(stack_db, user_id) == (True, [(True, "after_consent")])

    [answer] = chat.say("خبر نفرست")
    assert "دیگر خبر" in answer["text"] and "«خبرها را بفرست»" in answer["text"], answer["text"]
    assert _subscription(stack_db, user_id)[0] is False

    [answer] = chat.say("خبرها را بفرست")
    assert "می‌فرستیم" in answer["text"] and "«خبر نفرست»" in answer["text"], answer["text"]
    [answer] = chat.say("خبرها را بفرست")
    assert "از قبل مشترک" in answer["text"], answer["text"]

    # The old question's «بله» again: nothing changes, and the client is told they already get the news.
    [answer] = chat.press(YES, on=question)
    assert "از قبل مشترک" in answer["text"] and "«خبر نفرست»" in answer["text"], answer["text"]
    assert _subscription(stack_db, user_id) == (
        True,
        [(True, "after_consent"), (False, "conversation"), (True, "conversation")],
    )
    with stack_db.unit_of_work() as session:
        said = session.scalars(
            select(Message)
            .join(Client, Message.client_id == Client.id)
            .where(Client.telegram_user_id == user_id, Message.direction == "in", Message.kind == "text")
            .order_by(Message.id)
        ).all()
        understood = [(m.text, m.intent) for m in said]
    assert understood == [
        ("خبر نفرست", "unsubscribe_news"),
        ("خبرها را بفرست", "subscribe_news"),
        ("خبرها را بفرست", "subscribe_news"),
    ]


def test_no_thanks_is_respected_and_a_repeated_press_is_answered_politely(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = Chat(stack.api, user_id)
    question = _consent(chat)
    for _press in range(2):
        [answer] = chat.press(NO, on=question)
        assert "نمی‌فرستیم" in answer["text"] and "«خبرها را بفرست»" in answer["text"], answer["text"]
    assert _subscription(stack_db, user_id) == (False, [])
    # Changing one's mind on the same question works too.
    [answer] = chat.press(YES, on=question)
    assert "✅" in answer["text"]
    assert _subscription(stack_db, user_id) == (True, [(True, "after_consent")])


def test_news_is_not_asked_again_when_consent_was_already_given(stack: Stack, user_id: int) -> None:
    chat = Chat(stack.api, user_id)
    _consent(chat)
    replies = chat.say("/start")
    assert len(replies) == 1 and not button_titles(replies[0]), chat.texts()
    assert sum(YES in button_titles(m) for m in stack.api.bot_messages(user_id)) == 1

"""An answer of several messages, sent by the outbox through python-telegram-bot and the local Bot API on a
migrated SQLite database: the client sees them in order, the first quoting her question, a long text split,
the buttons where they belong, and the case database holds each with the id Telegram gave it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from telegram import Bot

from bot.outbox import TELEGRAM_TEXT_LIMIT, Outbox, Outgoing
from karyar import clients
from karyar.clients import TelegramIdentity
from karyar.db.engine import Database
from karyar.db.models import Message
from localapi import LocalBotApi
from tests.support.databases import migrated_database_or_skip

USER = 7_400_000_001


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    with migrated_database_or_skip("sqlite", tmp_path) as url:
        database = Database(url)
        yield database
        database.dispose()


async def test_an_answer_arrives_in_order_quoting_the_question_and_each_message_is_logged_with_its_telegram_id(
    database: Database,
) -> None:
    async with LocalBotApi() as api:
        await _answer_and_check(api, database)


async def _answer_and_check(api: LocalBotApi, database: Database) -> None:
    question = api.send_text(USER, "دوره خیاطی دارین؟")
    with database.unit_of_work() as session:
        client_id = clients.ensure_client(session, identity=TelegramIdentity(USER, first_name="مریم")).id
    long_text = ("دوره‌های خیاطی در مشهد " * 250).strip()
    buttons = [{"title": "ثبت‌نام", "payload": "/enroll"}, {"title": "بعدی", "payload": "/next"}]
    answer = [
        Outgoing("این دوره‌ها پیدا شد:", reply_to=question["message_id"]),
        Outgoing(long_text),
        Outgoing("کدام را می‌خواهید؟", buttons, batch=7),
    ]
    async with Bot(api.token, base_url=api.bot_url) as bot:
        await Outbox(database).send_answer(bot, client_id=client_id, chat_id=USER, answer=answer)

    seen = api.bot_messages(USER)
    assert seen[0]["text"] == "این دوره‌ها پیدا شد:"
    assert seen[0]["reply_to_message"]["message_id"] == question["message_id"]
    assert len(seen) == 4 and all(len(m["text"]) <= TELEGRAM_TEXT_LIMIT for m in seen)  # the long one split
    assert " ".join(m["text"] for m in seen[1:3]).split() == long_text.split()
    assert not any("reply_to_message" in m for m in seen[1:])
    assert seen[3]["text"] == "کدام را می‌خواهید؟"
    assert [b["text"] for row in seen[3]["reply_markup"]["inline_keyboard"] for b in row] == [
        "ثبت‌نام",
        "بعدی",
    ]
    with database.unit_of_work() as session:
        logged = session.scalars(
            select(Message)
            .where(Message.client_id == client_id, Message.direction == "out")
            .order_by(Message.id)
        ).all()
        assert [m.telegram_message_id for m in logged] == [m["message_id"] for m in seen]
        assert [m.kind for m in logged] == ["text", "text", "text", "buttons"]
        assert logged[3].extra == {"buttons": buttons, "batch": 7}

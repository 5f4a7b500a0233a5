"""A client talks to Karyar through the Bot API stand-in; real Rasa, action server, bot and database."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from karyar.db.engine import Database
from karyar.db.models import Client, ClientIdentifier, Message, ProfileFact
from karyar.identity.cipher import DataCipher
from tests.support.chat import Chat
from tests.support.stack import DATA_KEY, Stack

pytestmark = pytest.mark.e2e
PERSIAN = re.compile(r"[\u0600-\u06FF]")
REPLY_SECONDS = 30.0


def _conversation(db: Database, user_id: int) -> list[Message]:
    with db.unit_of_work() as session:
        client = session.scalar(select(Client).where(Client.telegram_user_id == user_id))
        if client is None:
            return []
        return list(
            session.scalars(select(Message).where(Message.client_id == client.id).order_by(Message.id))
        )


def test_salam_gets_a_persian_reply_and_both_messages_are_in_the_case_database(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    sent = stack.api.send_text(user_id, "سلام", first_name="زهرا")
    [reply, *_] = stack.api.wait_for_bot_messages(user_id, 1, since=sent, timeout=REPLY_SECONDS)
    assert PERSIAN.search(reply["text"]), reply["text"]

    def logged() -> bool:
        return any(m.direction == "out" and m.telegram_message_id for m in _conversation(stack_db, user_id))

    assert stack.api.wait_until(logged, timeout=5)
    inbound, outbound = _conversation(stack_db, user_id)[:2]
    assert (inbound.direction, inbound.text, inbound.status) == ("in", "سلام", "answered")
    assert inbound.intent == "greet" and inbound.confidence is not None and inbound.confidence > 0.5
    assert inbound.telegram_message_id == sent["message_id"]
    assert outbound.direction == "out" and outbound.text == reply["text"]
    assert outbound.telegram_message_id == reply["message_id"]


def test_typing_is_shown_while_rasa_thinks(gate: Stack, user_id: int) -> None:
    # An answer that takes a second, under the patience that sends "a moment please" (one that comes at
    # once needs no "typing…").
    gate.gate.mode = "slow"
    gate.gate.slow_seconds = 1.0
    sent = gate.api.send_text(user_id, "درباره وام توضیح بده")
    [answer, *_] = gate.api.wait_for_bot_messages(user_id, 1, since=sent, timeout=REPLY_SECONDS)
    assert "typing" in gate.api.chat_actions(user_id)
    assert "وام" in answer["text"]


def test_start_asks_for_consent_before_anything_personal_is_stored(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    start = stack.api.send_text(user_id, "/start", first_name="مریم")
    welcome, notice = stack.api.wait_for_bot_messages(user_id, 2, since=start, timeout=REPLY_SECONDS)
    assert "مریم" in welcome["text"] and "کاریار" in welcome["text"]
    assert "موافق" in notice["text"]
    said = stack.api.send_text(user_id, "من ۲۳ سالمه")
    [answer] = stack.api.wait_for_bot_messages(user_id, 1, since=said, timeout=REPLY_SECONDS)
    assert PERSIAN.search(answer["text"])
    with stack_db.unit_of_work() as session:
        stored = session.scalars(
            select(ProfileFact)
            .join(Client, ProfileFact.client_id == Client.id)
            .where(Client.telegram_user_id == user_id)
        ).all()
    assert stored == []


def test_after_consent_stated_facts_become_profile_facts_tied_to_their_message(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    Chat(stack.api, user_id).accept_privacy_notice()
    with stack_db.unit_of_work() as session:
        client = session.scalar(select(Client).where(Client.telegram_user_id == user_id))
        assert client is not None and client.consent_given_at is not None
    said = stack.api.send_text(user_id, "من ۲۳ سالمه")
    [answer, *_] = stack.api.wait_for_bot_messages(user_id, 1, since=said, timeout=REPLY_SECONDS)
    assert "۲۳" in answer["text"], answer["text"]
    with stack_db.unit_of_work() as session:
        client = session.scalar(select(Client).where(Client.telegram_user_id == user_id))
        assert client is not None
        [fact] = session.scalars(select(ProfileFact).where(ProfileFact.client_id == client.id)).all()
        source = session.get_one(Message, fact.source_message_id)
    assert (fact.name, fact.value) == ("age", "23")
    assert source.text == "من ۲۳ سالمه" and source.telegram_message_id == said["message_id"]


def _training_button(message: dict) -> dict:  # type: ignore[type-arg]
    buttons = [row[0] for row in message["reply_markup"]["inline_keyboard"]]
    return next(b for b in buttons if "آموزش" in b["text"])


def test_inline_button_goes_to_rasa_and_an_old_button_is_refused_politely(stack: Stack, user_id: int) -> None:
    sent = stack.api.send_text(user_id, "سلام")
    [old_greeting, *_] = stack.api.wait_for_bot_messages(user_id, 1, since=sent, timeout=REPLY_SECONDS)
    again = stack.api.send_text(user_id, "سلام")
    [greeting, *_] = stack.api.wait_for_bot_messages(user_id, 1, since=again, timeout=REPLY_SECONDS)

    mark = stack.api.mark(user_id)
    stale = stack.api.press_button(
        user_id, old_greeting["message_id"], _training_button(old_greeting)["callback_data"]
    )
    answer = stack.api.wait_for_callback_answer(stale, timeout=REPLY_SECONDS)
    assert "قدیمی" in answer.get("text", "")
    [notice] = stack.api.wait_for_bot_messages(user_id, 1, since=mark, timeout=REPLY_SECONDS)
    assert "قدیمی" in notice["text"]

    mark = stack.api.mark(user_id)
    stack.api.press_button(user_id, greeting["message_id"], _training_button(greeting)["callback_data"])
    [reply, *_] = stack.api.wait_for_bot_messages(user_id, 1, since=mark, timeout=REPLY_SECONDS)
    assert "مهارت" in reply["text"] or "آموزش" in reply["text"], reply["text"]
    # The pressed message now shows the choice instead of its buttons, so it cannot be pressed twice.
    assert stack.api.reply_markup_of(user_id, greeting["message_id"]) is None


@pytest.mark.parametrize(
    ("send", "expected"),
    [
        (lambda api, uid: api.send_sticker(uid), "نوشتاری"),
        (lambda api, uid: api.send_voice(uid), "صوتی"),
        (lambda api, uid: api.send_photo(uid), "فقط متن"),
        (lambda api, uid: api.send_document(uid), "فقط متن"),
        (lambda api, uid: api.send_text(uid, "/foo"), "دستور"),
        (lambda api, uid: api.send_text(uid, "\u200c\u200f \u200c"), "خالی"),
    ],
    ids=["sticker", "voice", "photo", "document", "unknown-command", "blank"],
)
def test_non_text_gets_a_short_helpful_persian_reply(stack: Stack, user_id: int, send, expected: str) -> None:  # type: ignore[no-untyped-def]
    sent = send(stack.api, user_id)
    [reply] = stack.api.wait_for_bot_messages(user_id, 1, since=sent, timeout=REPLY_SECONDS)
    assert expected in reply["text"], reply["text"]


def test_shared_phone_and_location_are_stored_only_with_consent(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    sent = stack.api.send_contact(user_id, "+989121112233")
    replies = stack.api.wait_for_bot_messages(user_id, 2, since=sent, timeout=REPLY_SECONDS)
    assert "موافقت" in replies[0]["text"]
    Chat(stack.api, user_id).accept_privacy_notice()
    for send in (
        lambda: stack.api.send_contact(user_id, "+989121112233"),
        lambda: stack.api.send_location(user_id, 36.2972, 59.6067),
    ):
        sent = send()
        [reply] = stack.api.wait_for_bot_messages(user_id, 1, since=sent, timeout=REPLY_SECONDS)
        assert "ثبت شد" in reply["text"]
    with stack_db.unit_of_work() as session:
        client = session.scalar(select(Client).where(Client.telegram_user_id == user_id))
        assert client is not None
        facts = {
            f.name: f.value
            for f in session.scalars(select(ProfileFact).where(ProfileFact.client_id == client.id))
        }
        phones = session.scalars(
            select(ClientIdentifier).where(ClientIdentifier.client_id == client.id)
        ).all()
    assert facts == {"location": "36.29720,59.60670"}
    # The phone number is kept encrypted, in its national form, and shown masked.
    assert [(DataCipher([DATA_KEY]).decrypt(p.ciphertext), p.masked) for p in phones] == [
        ("09121112233", "۰۹۱۲•••۲۲۳۳")
    ]


def test_a_very_long_message_is_answered_and_stored_whole(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    text = ("سلام من دنبال کار هستم " * 200)[:4000]
    sent = stack.api.send_text(user_id, text)
    [reply, *_] = stack.api.wait_for_bot_messages(user_id, 1, since=sent, timeout=REPLY_SECONDS)
    assert PERSIAN.search(reply["text"])
    assert _conversation(stack_db, user_id)[0].text == text


def test_an_oversized_text_only_a_forged_update_could_carry_is_cut_and_answered(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    text = ("کار " * 3000).strip()
    sent = stack.api.send_text(user_id, text)
    [reply, *_] = stack.api.wait_for_bot_messages(user_id, 1, since=sent, timeout=REPLY_SECONDS)
    assert PERSIAN.search(reply["text"])
    stored = _conversation(stack_db, user_id)[0]
    assert stored.text == text[:4096] and (stored.extra or {}).get("cut_from") == len(text)


def test_forged_oversized_callback_data_is_refused(stack: Stack, user_id: int) -> None:
    Chat(stack.api, user_id).accept_privacy_notice()
    [menu] = Chat(stack.api, user_id).say("سلام")[-1:]
    query = stack.api.forge_press(user_id, menu["message_id"], "rb:" + "9" * 200)
    assert stack.api.wait_for_callback_answer(query, timeout=REPLY_SECONDS)["text"]


def test_a_flood_of_messages_is_answered_in_order_and_nothing_is_lost(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    first = None
    for n in range(12):
        sent = stack.api.send_text(user_id, f"سلام {n}")
        first = first or sent
    stack.api.wait_until(
        lambda: (
            sum(m.direction == "in" and m.status == "answered" for m in _conversation(stack_db, user_id))
            == 12
        ),
        timeout=90,
    )
    inbound = [m for m in _conversation(stack_db, user_id) if m.direction == "in"]
    assert [m.text for m in inbound] == [f"سلام {n}" for n in range(12)]
    assert all(m.status == "answered" for m in inbound)


def test_a_client_flooding_is_slowed_politely_others_are_served_and_everything_is_recorded(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    other = user_id + 500_000
    for n in range(45):
        stack.api.send_text(user_id, f"پیام {n}")
    mark = stack.api.mark(other)
    stack.api.send_text(other, "سلام")
    stack.api.wait_for_bot_messages(other, 1, since=mark, timeout=REPLY_SECONDS)
    # The other client is answered while the flood is still being worked through.
    assert any(m.status == "pending" for m in _conversation(stack_db, user_id) if m.direction == "in")
    stack.api.wait_until(
        lambda: (
            all(m.status != "pending" for m in _conversation(stack_db, user_id) if m.direction == "in")
            and len([m for m in _conversation(stack_db, user_id) if m.direction == "in"]) == 45
        ),
        timeout=120,
    )
    inbound = [m for m in _conversation(stack_db, user_id) if m.direction == "in"]
    assert [m.text for m in inbound] == [f"پیام {n}" for n in range(45)]  # all kept, in order
    flooded = [m for m in inbound if (m.extra or {}).get("flood")]
    assert flooded and all(m.status == "not_for_rasa" for m in flooded)
    assert inbound[0].status == "answered" and len(inbound) - len(flooded) >= 20
    texts = [str(m.get("text")) for m in stack.api.bot_messages(user_id)]
    assert sum("آهسته‌تر" in t for t in texts) == 1


def test_bot_commands_are_registered_with_telegram(stack: Stack) -> None:
    commands = {c["command"]: c["description"] for c in stack.api.commands()}
    assert set(commands) == {"start", "menu", "help", "cancel", "restart", "mydata", "deletemydata"}
    assert all(PERSIAN.search(d) for d in commands.values())

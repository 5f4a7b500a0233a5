"""Clients' personal data through the running product: identifiers kept only encrypted and masked, the
client's own data shown and sent as a file, erasure after confirmation, and logs free of personal data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text

from karyar.db.engine import Database
from karyar.db.models import AuditEntry, Client, ClientIdentifier, Message
from karyar.identity.cipher import DataCipher
from tests.e2e.test_handoff import ask_and_get_card, claim, press
from tests.support.chat import Chat, button_titles
from tests.support.stack import DATA_KEY, RASA_TOKEN, Stack
from tests.support.team import Team

pytestmark = pytest.mark.e2e

NATIONAL_ID, NATIONAL_ID_FA = "0012345679", "۰۰۱۲۳۴۵۶۷۹"
PHONE, PHONE_FA = "09121234567", "۰۹۱۲۱۲۳۴۵۶۷"
WAIT = 30.0


def _client(db: Database, user_id: int) -> Client | None:
    with db.unit_of_work() as session:
        return session.scalar(select(Client).where(Client.telegram_user_id == user_id))


def _tracker(stack: Stack, user_id: int) -> str:
    response = httpx.get(
        f"{stack.rasa_url}/conversations/{user_id}/tracker", params={"token": RASA_TOKEN}, timeout=10
    )
    response.raise_for_status()
    return json.dumps(response.json(), ensure_ascii=False)


def _everything_stored(db: Database) -> str:
    with db.unit_of_work() as session:
        rows = session.execute(text("SELECT text, extra FROM messages")).all()
        facts = session.execute(text("SELECT value FROM profile_facts")).all()
    return json.dumps([list(map(str, row)) for row in [*rows, *facts]], ensure_ascii=False)


def test_identifiers_are_kept_only_encrypted_and_never_reach_rasa(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = Chat(stack.api, user_id)
    before_consent = chat.say(f"کد ملی من {NATIONAL_ID_FA} هست")
    assert "موافقت" in before_consent[0]["text"]
    chat.accept_privacy_notice()
    [stored] = chat.say(f"کد ملی من {NATIONAL_ID_FA} هست")
    assert "کد ملی شما ثبت شد" in stored["text"]
    replies = chat.say(f"شمارم {PHONE_FA} هست و دنبال کار خیاطی هستم")
    assert "شماره تلفن شما ثبت شد" in replies[-1]["text"] and len(replies) >= 2  # Rasa answered the rest
    [wrong] = chat.say("کد ملیم ۰۰۱۲۳۴۵۶۷۸")
    assert "درست نیست" in wrong["text"]

    client = _client(stack_db, user_id)
    assert client is not None
    cipher = DataCipher([DATA_KEY])
    with stack_db.unit_of_work() as session:
        kept = session.scalars(select(ClientIdentifier).where(ClientIdentifier.client_id == client.id)).all()
        assert sorted(cipher.decrypt(row.ciphertext) for row in kept) == [NATIONAL_ID, PHONE]
        texts = session.scalars(select(Message.text).where(Message.client_id == client.id)).all()
    assert "کد ملی من ۰۰۱•••••۷۹ هست" in texts
    stored_text = _everything_stored(stack_db)
    for secret in (NATIONAL_ID, NATIONAL_ID_FA, PHONE, PHONE_FA, "۰۰۱۲۳۴۵۶۷۸"):
        assert secret not in stored_text
        assert secret not in _tracker(stack, user_id)


def test_a_client_sees_their_data_and_gets_it_as_a_file(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = Chat(stack.api, user_id, first_name="نسرین")
    chat.accept_privacy_notice()
    chat.say("۲۸ سالمه")
    chat.say(NATIONAL_ID)
    [summary] = chat.say("چه اطلاعاتی از من دارین؟")  # understood by Rasa, shown by the bot
    assert "اطلاعاتی که از شما نگه می‌داریم" in summary["text"]
    assert (
        "نسرین" in summary["text"]
        and "۰۰۱•••••۷۹" in summary["text"]
        and NATIONAL_ID_FA not in summary["text"]
    )
    assert "سن: ۲۸" in summary["text"]
    [again] = chat.say("/mydata")
    [document] = chat.press("📄 فایل کامل اطلاعات من", on=again)
    assert document["document"]["file_name"] == "karyar-my-data.txt"
    content = stack.api.world.read(lambda w: w.files[document["document"]["file_id"]].content).decode()
    assert NATIONAL_ID_FA in content and "شما: ۲۸ سالمه" in content and "موافقت با شرایط" in content


def test_erasure_asks_first_then_removes_everything_personal(
    stack: Stack, stack_db: Database, user_id: int
) -> None:
    chat = Chat(stack.api, user_id, first_name="پروانه")
    chat.accept_privacy_notice()
    chat.say("من از شیراز هستم")
    chat.say(PHONE)
    [question] = chat.say("اطلاعاتمو پاک کنید")
    assert "برگشت ندارد" in question["text"]
    [kept] = chat.press("↩️ نه، نگه دارید", on=question)
    assert "سر جایش می‌ماند" in kept["text"]
    client = _client(stack_db, user_id)
    assert client is not None
    [summary] = chat.say("/mydata")
    [question] = chat.press("🗑 پاک کردن اطلاعات من", on=summary)
    [done] = chat.press("🗑 بله، همه پاک شود", on=question)
    assert "اطلاعات شما پاک شد" in done["text"]

    assert _client(stack_db, user_id) is None  # the Telegram account is no longer tied to the case
    with stack_db.unit_of_work() as session:
        erased = session.get_one(Client, client.id)
        assert erased.first_name is None and erased.erased_at is not None
        texts = session.scalars(select(Message.text).where(Message.client_id == client.id)).all()
        assert "من از شیراز هستم" not in texts and "پروانه" not in " ".join(t or "" for t in texts)
    assert "شیراز" not in _tracker(stack, user_id)

    query = stack.api.press_button(user_id, summary["message_id"], text="📄 فایل کامل اطلاعات من")
    assert "دیگر کار نمی‌کند" in stack.api.wait_for_callback_answer(query, timeout=WAIT)["text"]
    replies = chat.say("/start")
    assert "موافق" in button_titles(replies[-1])[0]  # a new start: consent is asked again


def test_counsellors_see_identifiers_masked_and_reveal_them_on_purpose(
    stack: Stack,
    stack_db: Database,
    user_id: int,
    team: Team,
) -> None:
    counsellor = team.add("خانم توکلی")
    chat = team.client(user_id)
    chat.say(NATIONAL_ID_FA)
    _replies, card = ask_and_get_card(chat, team.api, counsellor)
    assert "کد ملی: ۰۰۱•••••۷۹" in card["text"] and NATIONAL_ID_FA not in card["text"]
    claim(team.api, chat, counsellor, card)
    tools = next(
        m
        for m in reversed(stack.api.bot_messages(counsellor))
        if "🔓 نمایش کد ملی و تلفن" in button_titles(m)
    )
    query = press(stack.api, counsellor, tools, "🔓 نمایش کد ملی و تلفن")
    answer: dict[str, Any] = stack.api.wait_for_callback_answer(query, timeout=WAIT)
    assert NATIONAL_ID_FA in answer["text"] and answer["show_alert"]
    with stack_db.unit_of_work() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "identifiers.reveal")).all()[-1]
    assert (entry.actor_telegram_user_id, entry.allowed) == (counsellor, True)


def test_logs_of_a_whole_conversation_hold_no_personal_data(stack: Stack, user_id: int) -> None:
    chat = Chat(stack.api, user_id, first_name="ژیلا")
    chat.accept_privacy_notice()
    for said in (
        "سلام",
        "من ۳۴ سالمه و ساکن بجنورد هستم",
        f"کد ملی {NATIONAL_ID_FA}",
        PHONE_FA,
        "دوره خیاطی میخوام",
    ):
        chat.say(said)
    stack.api.send_contact(user_id, "+989351112233")
    chat.say("/mydata")
    logs = "\n".join(
        Path(p.log_path).read_text(encoding="utf-8", errors="replace") for p in stack.processes.values()
    )
    for personal in (
        "ژیلا",
        "بجنورد",
        NATIONAL_ID,
        NATIONAL_ID_FA,
        PHONE,
        PHONE_FA,
        "9351112233",
        "۳۴ سالمه",
    ):
        assert personal not in logs, personal

"""The browser chat page's server side: what each persona sees, live events, files, the page itself."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
)

from localapi import LocalBotApi
from localapi.webchat import Persona, preview

from .conftest import USER
from .test_bot_methods import tiny_png

COUNSELLOR = 2001
GROUP = -1001234567890
PERSONAS = [
    Persona(USER, "علی", "مددجو"),
    Persona(COUNSELLOR, "خانم کریمی", "مشاور اشتغال", kind="counsellor"),
]


@pytest.fixture
async def web(api: LocalBotApi, user: int) -> AsyncIterator[httpx.AsyncClient]:
    api.personas = PERSONAS
    api.add_user(COUNSELLOR, "خانم کریمی")
    async with httpx.AsyncClient(base_url=api.url or "", timeout=10) as client:
        yield client


async def chat(
    web: httpx.AsyncClient, user_id: int, chat_id: int, thread: int | None = None
) -> dict[str, Any]:
    params = {"user_id": user_id, "chat_id": chat_id, **({"thread": thread} if thread is not None else {})}
    response = await web.get("/_local/web/chat", params=params)
    response.raise_for_status()
    return response.json()


async def test_the_page_is_persian_right_to_left_and_the_root_leads_to_it(web: httpx.AsyncClient) -> None:
    root = await web.get("/", follow_redirects=False)
    assert root.status_code == 302 and root.headers["location"] == "/chat/"
    page = await web.get("/chat/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<html lang="fa" dir="rtl">' in page.text
    for asset in ("/chat/chat.js", "/chat/chat.css"):
        assert (await web.get(asset)).status_code == 200


async def test_overview_lists_personas_with_roles_and_whether_the_bot_is_polling(
    api: LocalBotApi, web: httpx.AsyncClient
) -> None:
    before = (await web.get("/_local/web/overview")).json()
    assert before["bot_online"] is False
    assert [(p["name"], p["role"], p["kind"]) for p in before["personas"]] == [
        ("علی", "مددجو", "client"),
        ("خانم کریمی", "مشاور اشتغال", "counsellor"),
    ]
    async with Bot(api.token, base_url=api.bot_url) as bot:  # starting, it asks getMe
        assert await bot.get_me()
    after = (await web.get("/_local/web/overview")).json()
    assert after["bot_online"] is True and after["bot"]["name"] == "کاریار"


async def test_a_client_sees_their_chat_with_buttons_and_the_reply_keyboard(
    api: LocalBotApi, bot: Bot, web: httpx.AsyncClient
) -> None:
    api.send_text(USER, "سلام")
    await bot.send_message(USER, "منو را ببینید", reply_markup=ReplyKeyboardMarkup([["آموزش و دوره‌ها"]]))
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("✅ موافقم", callback_data="consent:yes")]])
    await bot.send_message(USER, "آیا موافقید؟", reply_markup=buttons)

    view = await chat(web, USER, USER)
    assert [m["text"] for m in view["messages"]] == ["سلام", "منو را ببینید", "آیا موافقید؟"]
    assert view["messages"][-1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "consent:yes"
    assert view["keyboard"]["keyboard"][0][0]["text"] == "آموزش و دوره‌ها"

    overview = (await web.get("/_local/web/overview")).json()
    (private,) = [c for c in overview["personas"][0]["chats"] if c["type"] == "private"]
    assert private["last"]["preview"] == "آیا موافقید؟" and private["last"]["from_bot"] is True

    # Nobody else reads a client's private chat.
    refused = await web.get("/_local/web/chat", params={"user_id": COUNSELLOR, "chat_id": USER})
    assert refused.status_code == 403


async def test_a_pressed_button_on_the_page_reaches_the_bot_and_its_answer_comes_back(
    api: LocalBotApi, bot: Bot, web: httpx.AsyncClient
) -> None:
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("✅ موافقم", callback_data="consent:yes")]])
    message = await bot.send_message(USER, "آیا موافقید؟", reply_markup=buttons)
    pressed = await web.post(
        "/_local/press",
        json={"user_id": USER, "message_id": message.message_id, "callback_data": "consent:yes"},
    )
    query_id = pressed.json()["result"]
    (update,) = await bot.get_updates()
    assert update.callback_query is not None and update.callback_query.data == "consent:yes"
    await update.callback_query.answer("ثبت شد", show_alert=True)
    answers = (await web.get("/_local/callback_answers", params={"callback_query_id": query_id})).json()
    assert answers["result"][0]["text"] == "ثبت شد" and answers["result"][0]["show_alert"] is True


async def test_a_forum_shows_each_topic_apart_and_general_on_top(
    api: LocalBotApi, bot: Bot, web: httpx.AsyncClient
) -> None:
    api.create_group(GROUP, "مشاوران کاریار", members=[COUNSELLOR])
    first = (await bot.create_forum_topic(GROUP, "پرونده ۱ — علی")).message_thread_id
    second = (await bot.create_forum_topic(GROUP, "پرونده ۲ — مریم")).message_thread_id
    await bot.send_message(GROUP, "کارت پرونده ۱", message_thread_id=first)
    await bot.send_message(GROUP, "کارت پرونده ۲", message_thread_id=second)
    await bot.send_message(GROUP, "یادآوری برای همه")
    await bot.close_forum_topic(GROUP, first)

    texts = [m.get("text") for m in (await chat(web, COUNSELLOR, GROUP, first))["messages"]]
    assert "کارت پرونده ۱" in texts and "کارت پرونده ۲" not in texts
    assert (await chat(web, COUNSELLOR, GROUP, first))["closed"] is True
    general = await chat(web, COUNSELLOR, GROUP, 0)
    assert [m["text"] for m in general["messages"]] == ["یادآوری برای همه"]

    overview = (await web.get("/_local/web/overview")).json()
    counsellor = overview["personas"][1]
    (forum,) = [c for c in counsellor["chats"] if c["type"] == "forum"]
    assert [t["title"] for t in forum["threads"]] == ["عمومی", "پرونده ۱ — علی", "پرونده ۲ — مریم"]
    assert [t["closed"] for t in forum["threads"]] == [False, True, False]
    # The client is not a member, so the group is neither in their list nor readable by them.
    assert all(c["type"] == "private" for c in overview["personas"][0]["chats"])
    assert (await web.get("/_local/web/chat", params={"user_id": USER, "chat_id": GROUP})).status_code == 403

    # A counsellor writing in a topic goes through the control API with the thread id.
    sent = await web.post(
        "/_local/send",
        json={
            "user_id": COUNSELLOR,
            "type": "text",
            "text": "سلام علی جان",
            "chat_id": GROUP,
            "message_thread_id": second,
        },
    )
    assert sent.json()["result"]["message_thread_id"] == second


async def test_typing_shows_until_the_bots_next_message(
    api: LocalBotApi, bot: Bot, web: httpx.AsyncClient
) -> None:
    await bot.send_chat_action(USER, "typing")
    assert (await chat(web, USER, USER))["typing"] is True
    await bot.send_message(USER, "پاسخ")
    assert (await chat(web, USER, USER))["typing"] is False


async def test_photos_and_documents_are_served_for_the_page(
    api: LocalBotApi, bot: Bot, web: httpx.AsyncClient
) -> None:
    png = tiny_png(8, 8)
    photo = await bot.send_photo(USER, io.BytesIO(png))
    image = await web.get(f"/_local/files/{photo.photo[-1].file_id}")
    assert image.content == png and image.headers["content-type"] == "image/png"

    document = await bot.send_document(USER, io.BytesIO(b"%PDF-1.4"), filename="رزومه.pdf")
    assert document.document is not None
    served = await web.get(f"/_local/files/{document.document.file_id}")
    assert served.content == b"%PDF-1.4"
    assert "%D8%B1%D8%B2%D9%88%D9%85%D9%87.pdf" in served.headers["content-disposition"]
    assert (await web.get("/_local/files/no-such-file")).status_code == 404

    # A client's upload from the page arrives at the bot as a photo.
    uploaded = await web.post(
        "/_local/send",
        json={"user_id": USER, "type": "photo", "content_base64": "iVBORw0KGgo=", "caption": "کارت"},
    )
    assert uploaded.json()["result"]["caption"] == "کارت"


async def test_events_arrive_when_anything_changes(
    api: LocalBotApi, bot: Bot, web: httpx.AsyncClient
) -> None:
    async with web.stream("GET", "/_local/events") as events:
        assert events.headers["content-type"] == "text/event-stream"
        lines = events.aiter_lines()

        async def next_event() -> dict[str, Any]:
            async for line in lines:
                if line.startswith("data: "):
                    return json.loads(line[6:])
            raise AssertionError("the event stream ended")

        first = await asyncio.wait_for(next_event(), 5)
        await bot.send_message(USER, "پیام تازه")
        second = await asyncio.wait_for(next_event(), 5)
        assert second["version"] > first["version"]


def test_previews_name_media_and_topic_events() -> None:
    assert preview({"photo": [], "caption": "کارت ملی"}) == "🖼 عکس کارت ملی"
    assert preview({"forum_topic_created": {"name": "پرونده ۳"}}) == "موضوع «پرونده ۳» ساخته شد"
    assert preview({"text": "الف" * 100}).endswith("…") and len(preview({"text": "الف" * 100})) == 60


async def test_the_command_menu_follows_the_scopes_the_bot_set(
    api: LocalBotApi, bot: Bot, web: httpx.AsyncClient
) -> None:
    await bot.set_my_commands([BotCommand("start", "شروع"), BotCommand("menu", "منو")])
    await bot.set_my_commands([BotCommand("broadcast", "اطلاعیه")], scope=BotCommandScopeChat(COUNSELLOR))
    api.send_text(COUNSELLOR, "سلام")
    api.send_text(USER, "سلام")
    assert [c["command"] for c in (await chat(web, USER, USER))["commands"]] == ["start", "menu"]
    assert [c["command"] for c in (await chat(web, COUNSELLOR, COUNSELLOR))["commands"]] == ["broadcast"]


async def opening(web: httpx.AsyncClient, user_id: int) -> dict[str, Any]:
    """The chat (and topic) the page opens when this persona is chosen."""
    overview = (await web.get("/_local/web/overview")).json()
    return next(p["opening"] for p in overview["personas"] if p["user_id"] == user_id)


async def read_all(web: httpx.AsyncClient, user_id: int, chat_id: int, thread: int | None) -> None:
    """The persona opens the chat (topic) on the page and sees its last message."""
    messages = (await chat(web, user_id, chat_id, thread))["messages"]
    viewing = {
        "user_id": user_id,
        "chat_id": chat_id,
        "thread": thread,
        "message_id": messages[-1]["message_id"],
    }
    assert (await web.post("/_local/web/viewing", json=viewing)).status_code == 200


async def test_a_counsellor_opens_on_the_case_waiting_for_her(
    api: LocalBotApi, bot: Bot, web: httpx.AsyncClient
) -> None:
    api.create_group(GROUP, "مشاوران کاریار", members=[COUNSELLOR])
    assert await opening(web, COUNSELLOR) == {"chat_id": GROUP, "thread": 0}  # nothing yet: the forum
    assert await opening(web, USER) == {"chat_id": USER, "thread": None}

    older = (await bot.create_forum_topic(GROUP, "پرونده ۱ — علی")).message_thread_id
    await bot.send_message(GROUP, "کارت پرونده ۱", message_thread_id=older)
    newer = (await bot.create_forum_topic(GROUP, "پرونده ۲ — مریم")).message_thread_id
    await bot.send_message(GROUP, "کارت پرونده ۲", message_thread_id=newer)
    assert await opening(web, COUNSELLOR) == {"chat_id": GROUP, "thread": newer}

    await read_all(web, COUNSELLOR, GROUP, newer)
    assert await opening(web, COUNSELLOR) == {"chat_id": GROUP, "thread": older}  # still waiting
    await read_all(web, COUNSELLOR, GROUP, older)
    await read_all(web, COUNSELLOR, GROUP, newer)
    # Nothing waiting: the case she had open last.
    assert await opening(web, COUNSELLOR) == {"chat_id": GROUP, "thread": newer}
    # Her own words are nothing unread.
    api.send_text(COUNSELLOR, "سلام مریم", chat_id=GROUP, message_thread_id=older)
    assert await opening(web, COUNSELLOR) == {"chat_id": GROUP, "thread": newer}

    overview = (await web.get("/_local/web/overview")).json()
    counsellor = next(p for p in overview["personas"] if p["user_id"] == COUNSELLOR)
    (forum,) = [c for c in counsellor["chats"] if c["type"] == "forum"]
    assert not forum["unread"] and not any(t["unread"] for t in forum["threads"])
    await bot.send_message(GROUP, "مریم پاسخ داد", message_thread_id=older)
    assert await opening(web, COUNSELLOR) == {"chat_id": GROUP, "thread": older}


async def test_a_closed_page_is_nothing_to_report(
    api: LocalBotApi, web: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    address = urlsplit(api.url)
    with caplog.at_level(logging.ERROR):
        reader, writer = await asyncio.open_connection(address.hostname, address.port)
        writer.write(b"GET /_local/events HTTP/1.1\r\nHost: page\r\n\r\n")
        await asyncio.wait_for(reader.readuntil(b"data: "), 5)
        writer.transport.abort()  # the tab is closed
        api.send_text(USER, "پیامی برای صفحه‌ای که بسته شد")
        for _ in range(100):  # the server finds out when it next writes to the stream
            if api.open_event_streams == 0:
                break
            await asyncio.sleep(0.05)
    assert api.open_event_streams == 0
    assert [record.getMessage() for record in caplog.records] == []

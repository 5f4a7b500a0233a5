"""Whole bots against the server: a PTB Application polling on the test's loop, a bot in another
process driven through the threaded server, webhook delivery, and the /_local/ control API."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Conflict
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from localapi import DriverError, LocalApiClient, LocalBotApi, UnknownChatError, run_in_thread

from .conftest import USER


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.effective_user is not None
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("وام", callback_data="loan"),
                InlineKeyboardButton("کار", callback_data="job"),
            ]
        ]
    )
    await update.message.reply_text(f"سلام {update.effective_user.first_name}!", reply_markup=keyboard)


async def choose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("ثبت شد")
    await query.edit_message_text(f"انتخاب شما: {query.data}")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text[::-1])


@pytest.fixture
async def application(api: LocalBotApi) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    app = Application.builder().token(api.token).base_url(api.bot_url).base_file_url(api.file_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(choose))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


async def test_application_polling_conversation(
    api: LocalBotApi, application: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    sent = api.send_text(USER, "/start", first_name="سارا")
    (greeting,) = await api.wait_for_bot_messages_async(USER, 1, since=sent, timeout=5)
    assert greeting["text"] == "سلام سارا!"
    assert "reply_to_message" not in greeting  # PTB's reply_text quotes only in groups

    query_id = api.press_button(USER, greeting["message_id"], "job")
    assert await api.wait_until_async(lambda: bool(api.callback_answers(query_id)), timeout=5)
    assert api.callback_answers(query_id)[0]["text"] == "ثبت شد"
    assert await api.wait_until_async(lambda: api.transcript(USER)[-1].get("text") == "انتخاب شما: job", 5)
    assert "reply_markup" not in api.transcript(USER)[-1]  # edit without markup drops the keyboard

    hello = api.send_text(USER, "سلام")
    (reply,) = await api.wait_for_bot_messages_async(USER, 1, since=hello, timeout=5)
    assert reply["text"] == "مالس"
    assert [m["from"]["is_bot"] for m in api.transcript(USER)] == [False, True, False, True]
    assert [c["method"] for c in api.api_calls()][:2] == ["getMe", "deleteWebhook"]


BOT_SCRIPT = textwrap.dedent(
    """
    import os
    from telegram.ext import ApplicationBuilder, CommandHandler, MessageHandler, filters

    async def start(update, context):
        await update.message.reply_text("خوش آمدید")
        await update.message.reply_text("چه کمکی از دستم برمی‌آید؟")

    async def echo(update, context):
        await context.bot.send_chat_action(update.effective_chat.id, "typing")
        await update.message.reply_text("شما گفتید: " + update.message.text)

    base = os.environ["TELEGRAM_API_BASE_URL"]
    app = (
        ApplicationBuilder().token(os.environ["BOT_TOKEN"])
        .base_url(base + "/bot").base_file_url(base + "/file/bot").build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.run_polling(poll_interval=0, timeout=1)
    """
)


def test_bot_in_another_process_with_threaded_server(tmp_path: Path) -> None:
    script = tmp_path / "echo_bot.py"
    script.write_text(BOT_SCRIPT, encoding="utf-8")
    with run_in_thread() as api:
        env = {**os.environ, "TELEGRAM_API_BASE_URL": api.url, "BOT_TOKEN": api.token}
        bot = subprocess.Popen([sys.executable, str(script)], env=env, stderr=subprocess.PIPE, text=True)
        try:
            # The bot is up once it polls; an in-flight long poll is already logged (ok=None).
            assert api.wait_until(lambda: bool(api.api_calls("getUpdates")), timeout=15), "bot never polled"
            sent = api.send_text(USER, "/start")
            welcome = api.wait_for_bot_messages(USER, 2, since=sent, timeout=15)
            assert [m["text"] for m in welcome] == ["خوش آمدید", "چه کمکی از دستم برمی‌آید؟"]

            with LocalApiClient(api.url) as client:  # the same, through the HTTP control API
                question = client.send_text(USER, "دنبال کار هستم")
                (answer,) = client.wait_for_bot_messages(USER, 1, since=question, timeout=10)
                assert answer["text"] == "شما گفتید: دنبال کار هستم"
                assert client.chat_actions(USER) == ["typing"]
                assert len(client.transcript(USER)) == 5
        finally:
            bot.terminate()
            _, errors = bot.communicate(timeout=15)
        assert bot.returncode == 0, errors
        assert "Traceback" not in errors, errors


def test_control_api_with_raw_bot_api_calls() -> None:
    with run_in_thread(disabled_methods={"sendPhoto"}) as api, LocalApiClient(api.url) as client:
        assert client.info()["bot"]["username"] == "karyar_local_bot"
        bot_api = f"{api.bot_url}{api.token}"
        with pytest.raises(UnknownChatError):
            client.reply_keyboard(5)

        client.add_user(5, "رضا", username="reza")
        markup = {"inline_keyboard": [[{"text": "بله", "callback_data": "yes"}]]}
        sent = httpx.post(
            f"{bot_api}/sendMessage", json={"chat_id": 5, "text": "ادامه؟", "reply_markup": markup}
        )
        message_id = sent.json()["result"]["message_id"]

        query_id = client.press_button(5, message_id, "yes")
        with pytest.raises(DriverError, match="no callback button"):
            client.press_button(5, message_id, "no")
        client.send_sticker(5, "🙏")
        client.send_photo(5, content=b"not really a photo", caption="عکس")
        updates = httpx.get(f"{bot_api}/getUpdates").json()["result"]
        assert [next(k for k in u if k != "update_id") for u in updates] == [
            "callback_query",
            "message",
            "message",
        ]
        assert updates[0]["callback_query"]["id"] == query_id
        assert updates[1]["message"]["sticker"]["emoji"] == "🙏"
        photo_id = updates[2]["message"]["photo"][-1]["file_id"]
        file_path = httpx.get(f"{bot_api}/getFile", params={"file_id": photo_id}).json()["result"][
            "file_path"
        ]
        assert httpx.get(f"{api.file_url}{api.token}/{file_path}").content == b"not really a photo"

        assert httpx.post(f"{bot_api}/sendPhoto", data={"chat_id": 5, "photo": photo_id}).status_code == 404
        client.configure(disabled_methods=[])
        assert httpx.post(f"{bot_api}/sendPhoto", data={"chat_id": 5, "photo": photo_id}).json()["ok"]

        with pytest.raises(TimeoutError):
            client.wait_for_bot_messages(5, 5, timeout=0.2)
        assert [m["text"] for m in client.bot_messages(5) if "text" in m] == ["ادامه؟"]
        assert [c["method"] for c in client.api_calls("getFile")] == ["getFile"]

        client.reset()
        assert client.pending_updates() == [] and client.transcript(5) == []


async def test_webhook_delivery_with_secret(api: LocalBotApi, bot: Bot) -> None:
    received: list[dict[str, Any]] = []
    status = {"code": 200}

    async def receive(request: web.Request) -> web.Response:
        assert request.headers["X-Telegram-Bot-Api-Secret-Token"] == "s3cret"
        if status["code"] == 200:
            received.append(await request.json())
        return web.Response(status=status["code"])

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    hook_url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        assert await bot.set_webhook(hook_url, secret_token="s3cret")
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates()
        api.send_text(USER, "از طریق وب‌هوک")
        assert await api.wait_until_async(lambda: len(received) == 1, timeout=5)
        update = Update.de_json(received[0], bot)
        assert update.message is not None and update.message.text == "از طریق وب‌هوک"
        assert await api.wait_until_async(lambda: not api.pending_updates(), timeout=5)

        status["code"] = 500
        api.send_text(USER, "خطا")
        assert await api.wait_until_async(lambda: api.world.webhook.last_error_message is not None, timeout=5)
        info = await bot.get_webhook_info()
        assert info.url == hook_url and info.pending_update_count == 1
        assert info.last_error_message is not None and "500" in info.last_error_message

        assert await bot.delete_webhook()
        assert [u.message.text for u in await bot.get_updates() if u.message] == ["خطا"]
    finally:
        await runner.cleanup()


async def test_server_stop_releases_long_polls(api: LocalBotApi, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=20))
    assert await api.wait_until_async(lambda: bool(api.api_calls("getUpdates")), timeout=2)
    assert api.api_calls("getUpdates")[-1]["ok"] is None  # still waiting
    loop = asyncio.get_running_loop()
    started = loop.time()
    await api.stop()
    assert await poll == ()
    assert loop.time() - started < 2

"""Failures come back in Telegram's shapes, so python-telegram-bot raises its usual exceptions."""

from __future__ import annotations

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, EndPointNotFound, Forbidden, InvalidToken, RetryAfter
from telegram.request import HTTPXRequest

from localapi import LocalBotApi, RateLimit


async def test_empty_text_and_unknown_chat_are_bad_requests(bot: Bot, user: int) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(user, "")
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(user, "   \n ")  # Telegram trims before checking
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(424242, "سلام")


async def test_editing_without_change_is_not_modified(bot: Bot, user: int) -> None:
    sent = await bot.send_message(user, "ثابت")
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("ثابت", chat_id=user, message_id=sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=user, message_id=9999)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(user, 9999)


async def test_bad_markup_is_refused(bot: Bot, user: int) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities: unsupported start tag .br."):
        await bot.send_message(user, "خط<br>خط", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)character '\.' is reserved"):
        await bot.send_message(user, "پایان.", parse_mode="MarkdownV2")
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(
            user,
            "x",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]]),
        )


async def test_blocked_user_is_forbidden(api: LocalBotApi, bot: Bot, user: int) -> None:
    api.block_bot(user)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(user, "سلام")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(user, "typing")
    api.unblock_bot(user)
    assert (await bot.send_message(user, "سلام")).text == "سلام"


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own retry_after
async def test_rate_limit_gives_retry_after(api: LocalBotApi, bot: Bot, user: int) -> None:
    api.add_user(2002)
    api.set_rate_limits(per_chat=RateLimit(2, 30))
    await bot.send_message(user, "۱")
    await bot.send_message(user, "۲")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(user, "۳")
    assert 29 <= caught.value._retry_after.total_seconds() <= 30
    assert (await bot.send_message(2002, "چت دیگر")).text == "چت دیگر"  # per chat, not global
    assert len(api.bot_messages(user)) == 2  # the refused message was not stored

    api.set_rate_limits(global_rate=RateLimit(1, 60))
    await bot.send_message(2002, "یک")
    with pytest.raises(RetryAfter):
        await bot.send_message(user, "دو")
    api.set_rate_limits()  # off again
    await bot.send_message(user, "آزاد")


async def test_raw_429_shape(api: LocalBotApi, user: int) -> None:
    api.set_rate_limits(per_chat=RateLimit(1, 5))
    async with httpx.AsyncClient(base_url=f"{api.bot_url}{api.token}") as http:
        assert (await http.post("/sendMessage", json={"chat_id": user, "text": "a"})).status_code == 200
        response = await http.post("/sendMessage", json={"chat_id": user, "text": "b"})
    assert response.status_code == 429
    assert response.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 5",
        "parameters": {"retry_after": 5},
    }


async def test_bad_token_is_rejected(api: LocalBotApi) -> None:
    request = HTTPXRequest()
    impostor = Bot("7000000001:WRONG", base_url=api.bot_url, request=request)
    try:
        with pytest.raises(InvalidToken):
            await impostor.get_me()
    finally:
        await request.shutdown()
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{api.bot_url}123:nope/getMe")
    assert (response.status_code, response.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )


async def test_disabled_and_unknown_methods_are_not_found(bot: Bot, api: LocalBotApi) -> None:
    api.disable_methods("setMyCommands")
    # PTB maps a 404 to InvalidToken (Telegram uses 404 for malformed tokens too).
    with pytest.raises(InvalidToken, match="Not Found"):
        await bot.set_my_commands([("start", "شروع")])
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendInvoiceToTheMoon")
    api.enable_methods("setMyCommands")
    assert await bot.set_my_commands([("start", "شروع")])


async def test_methods_accept_get_form_and_case_insensitive_names(api: LocalBotApi, user: int) -> None:
    base = f"{api.bot_url}{api.token}"
    async with httpx.AsyncClient() as http:
        by_get = (await http.get(f"{base}/GETME")).json()
        by_query = (await http.get(f"{base}/sendmessage", params={"chat_id": user, "text": "GET"})).json()
        by_form = (await http.post(f"{base}/sendMessage", data={"chat_id": str(user), "text": "فرم"})).json()
        missing = await http.post(f"{base}/sendMessage", json={"text": "بدون چت"})
    assert by_get["ok"] and by_get["result"]["is_bot"]
    assert by_query["result"]["text"] == "GET"
    assert by_form["result"]["text"] == "فرم"
    assert missing.status_code == 400 and missing.json()["description"] == "Bad Request: chat_id is empty"

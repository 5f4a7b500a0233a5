"""Bot-side methods, called through python-telegram-bot's own Bot against the local server."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    ChatFullInfo,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    KeyboardButton,
    Message,
    MessageEntity,
    MessageOriginUser,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest

from localapi import LocalBotApi

from .conftest import USER


def tiny_png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


async def test_get_me_describes_the_bot(api: LocalBotApi, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot
    assert me.id == int(api.token.split(":")[0])
    assert me.username == "karyar_local_bot"
    assert bot.username == "karyar_local_bot"  # set by Bot.initialize() from getMe


async def test_send_message_with_inline_keyboard_round_trips(api: LocalBotApi, bot: Bot, user: int) -> None:
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("آموزش", callback_data="menu:training")],
            [InlineKeyboardButton("سایت", url="https://example.org/jobs")],
        ]
    )
    sent = await bot.send_message(user, "سلام! یکی را انتخاب کنید:", reply_markup=markup)

    assert isinstance(sent, Message)
    assert sent.text == "سلام! یکی را انتخاب کنید:"
    assert sent.chat.id == user and sent.chat.type == "private" and sent.chat.first_name == "علی"
    assert sent.from_user is not None and sent.from_user.is_bot and sent.from_user.id == bot.id
    assert sent.reply_markup == markup  # PTB objects compare by content
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "menu:training"
    # The transcript holds the same Bot API object.
    assert api.bot_messages(user)[-1]["reply_markup"] == markup.to_dict()


async def test_reply_keyboard_reaches_the_user_but_not_the_message(
    api: LocalBotApi, bot: Bot, user: int
) -> None:
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("ارسال شماره", request_contact=True)], ["انصراف"]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    sent = await bot.send_message(user, "شماره تلفن خود را بفرستید", reply_markup=keyboard)

    assert sent.reply_markup is None  # as on Telegram: only inline keyboards belong to a Message
    seen = api.reply_keyboard(user)
    assert seen is not None and ReplyKeyboardMarkup.de_json(seen, bot).to_dict() == keyboard.to_dict()
    assert api.reply_markup_of(user, sent.message_id) == keyboard.to_dict()

    # Tapping the contact button shares the user's own contact and hides the one-time keyboard.
    shared = api.tap_keyboard(user, "ارسال شماره", phone_number="+989121112233")
    assert shared["contact"] == {"phone_number": "+989121112233", "first_name": "علی", "user_id": user}
    assert api.reply_keyboard(user) is None

    await bot.send_message(user, "منو", reply_markup=ReplyKeyboardMarkup([["الف", "ب"]]))
    await bot.send_message(user, "بستن", reply_markup=ReplyKeyboardRemove())
    assert api.reply_keyboard(user) is None


async def test_html_is_parsed_into_entities(bot: Bot, user: int) -> None:
    sent = await bot.send_message(
        user, "  <b>سلام</b> <a href='https://t.me/x'>لینک</a> 👍 <i>تمام</i>\n", parse_mode=ParseMode.HTML
    )
    assert sent.text == "سلام لینک 👍 تمام"  # tags removed, outer whitespace trimmed
    bold, link, italic = sent.entities
    assert (bold.type, bold.offset, bold.length) == (MessageEntity.BOLD, 0, 4)
    assert (link.type, link.url, link.offset, link.length) == (
        MessageEntity.TEXT_LINK,
        "https://t.me/x",
        5,
        4,
    )
    assert (italic.offset, italic.length) == (13, 4)  # the emoji counts as two UTF-16 units
    assert sent.parse_entity(italic) == "تمام"


async def test_reply_parameters_and_reply_to_message_id(api: LocalBotApi, bot: Bot, user: int) -> None:
    question = api.send_text(user, "کار پیدا می‌شود؟")
    answer = await bot.send_message(user, "بله", reply_parameters=ReplyParameters(question["message_id"]))
    assert answer.reply_to_message is not None
    assert answer.reply_to_message.text == "کار پیدا می‌شود؟"
    again = await bot.send_message(user, "حتما", reply_to_message_id=question["message_id"])
    assert again.reply_to_message is not None and again.reply_to_message.message_id == question["message_id"]


async def test_edit_message_text_and_markup(api: LocalBotApi, bot: Bot, user: int) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("بعدی", callback_data="next")]])
    sent = await bot.send_message(user, "مرحله ۱", reply_markup=keyboard)

    edited = await bot.edit_message_text(
        "مرحله ۲", chat_id=user, message_id=sent.message_id, reply_markup=keyboard
    )
    assert isinstance(edited, Message)
    assert edited.text == "مرحله ۲" and edited.edit_date is not None
    assert edited.reply_markup == keyboard

    stripped = await bot.edit_message_reply_markup(chat_id=user, message_id=sent.message_id)
    assert isinstance(stripped, Message) and stripped.reply_markup is None
    assert api.transcript(user)[-1]["text"] == "مرحله ۲"
    assert [e["text"] for e in api.edits(user) if "text" in e] == ["مرحله ۲"]


async def test_delete_chat_action_copy_and_forward(api: LocalBotApi, bot: Bot, user: int) -> None:
    await bot.send_chat_action(user, ChatAction.TYPING)
    assert api.chat_actions(user) == ["typing"]

    original = api.send_text(user, "رزومه من")
    copied = await bot.copy_message(user, from_chat_id=user, message_id=original["message_id"])
    forwarded = await bot.forward_message(user, from_chat_id=user, message_id=original["message_id"])
    assert api.bot_messages(user)[0]["message_id"] == copied.message_id
    assert api.bot_messages(user)[0]["text"] == "رزومه من"
    assert forwarded.text == "رزومه من"
    assert isinstance(forwarded.forward_origin, MessageOriginUser)
    assert forwarded.forward_origin.sender_user.id == user

    assert await bot.delete_message(user, forwarded.message_id)
    assert [m["message_id"] for m in api.bot_messages(user)] == [copied.message_id]
    assert len(api.transcript(user, include_deleted=True)) == 3


async def test_photo_and_document_upload_get_file_and_download(api: LocalBotApi, bot: Bot, user: int) -> None:
    png = tiny_png(40, 30)
    photo_message = await bot.send_photo(user, io.BytesIO(png), caption="<b>نمودار</b>", parse_mode="HTML")
    largest = photo_message.photo[-1]
    assert (largest.width, largest.height) == (40, 30)
    assert photo_message.caption == "نمودار" and photo_message.caption_entities[0].type == "bold"

    file = await bot.get_file(largest.file_id)
    assert file.file_size == len(png)
    assert bytes(await file.download_as_bytearray()) == png

    # Re-sending by file_id reuses the stored file.
    again = await bot.send_photo(user, largest.file_id)
    assert again.photo[-1].file_unique_id == largest.file_unique_id

    document = await bot.send_document(user, io.BytesIO(b"%PDF-1.4 ..."), filename="cv.pdf")
    assert document.document is not None and document.document.file_name == "cv.pdf"
    downloaded = await (await bot.get_file(document.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == b"%PDF-1.4 ..."


async def test_album_of_photos_shares_a_media_group(api: LocalBotApi, bot: Bot, user: int) -> None:
    pngs = [tiny_png(40, 30), tiny_png(20, 10)]
    album = await bot.send_media_group(
        user, [InputMediaPhoto(io.BytesIO(png), caption=f"نمودار {n}") for n, png in enumerate(pngs)]
    )
    assert len(album) == 2 and album[0].media_group_id == album[1].media_group_id is not None
    assert [m.caption for m in album] == ["نمودار 0", "نمودار 1"]
    assert [(m.photo[-1].width, m.photo[-1].height) for m in album] == [(40, 30), (20, 10)]
    stored = await bot.get_file(album[1].photo[-1].file_id)
    assert bytes(await stored.download_as_bytearray()) == pngs[1]
    assert len(api.bot_messages(user)) == 2

    with pytest.raises(BadRequest, match=r"(?i)wrong number of media"):
        await bot.send_media_group(user, [InputMediaPhoto(io.BytesIO(pngs[0]))])


async def test_get_chat_and_commands(bot: Bot, user: int) -> None:
    chat = await bot.get_chat(user)
    assert isinstance(chat, ChatFullInfo)
    assert chat.id == user and chat.first_name == "علی" and chat.username == "ali_test"

    commands = [BotCommand("start", "شروع"), BotCommand("help", "راهنما")]
    assert await bot.set_my_commands(commands)
    assert await bot.set_my_commands([BotCommand("admin", "مدیریت")], scope=BotCommandScopeChat(user))
    assert list(await bot.get_my_commands()) == commands
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(user))] == ["admin"]
    assert await bot.delete_my_commands()
    assert list(await bot.get_my_commands()) == []


async def test_webhook_settings(api: LocalBotApi, bot: Bot, user: int) -> None:
    api.send_text(user, "سلام")
    info = await bot.get_webhook_info()
    assert info.url == "" and info.pending_update_count == 1

    assert await bot.delete_webhook(drop_pending_updates=True)
    assert (await bot.get_webhook_info()).pending_update_count == 0


async def test_calls_are_logged(api: LocalBotApi, bot: Bot, user: int) -> None:
    await bot.send_message(user, "یک")
    calls = api.api_calls("sendMessage")
    assert [c["params"]["text"] for c in calls] == ["یک"]
    assert calls[0]["ok"] is True
    assert str(calls[0]["params"]["chat_id"]) == str(USER)


@pytest.mark.parametrize(
    ("mode", "source", "text", "types"),
    [
        (ParseMode.MARKDOWN_V2, r"*پررنگ* و _کج_ \- `کد`", "پررنگ و کج - کد", ["bold", "italic", "code"]),
        (ParseMode.MARKDOWN, "*پررنگ* [لینک](https://x.org)", "پررنگ لینک", ["bold", "text_link"]),
    ],
)
async def test_markdown_modes(
    bot: Bot, user: int, mode: str, source: str, text: str, types: list[str]
) -> None:
    sent = await bot.send_message(user, source, parse_mode=mode)
    assert sent.text == text
    assert [e.type for e in sent.entities] == types

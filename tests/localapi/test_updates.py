"""The user side: what the driver queues arrives through getUpdates as proper PTB Updates."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import warnings

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
    Video,
    Voice,
)
from telegram.error import BadRequest, Conflict
from telegram.warnings import PTBDeprecationWarning

from localapi import DriverError, LocalBotApi

from .conftest import OTHER, USER


def seconds(media: Voice | Video) -> float:
    """PTB 22 gives durations as int or timedelta (PTB_TIMEDELTA) and warns about the change."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        duration = media.duration
    return duration.total_seconds() if isinstance(duration, dt.timedelta) else duration


async def test_long_poll_returns_as_soon_as_a_user_writes(api: LocalBotApi, bot: Bot) -> None:
    async def user_writes_later() -> None:
        await asyncio.sleep(0.3)
        api.send_text(USER, "/start ثبت‌نام", first_name="مریم")

    started = time.monotonic()
    writer = asyncio.create_task(user_writes_later())
    updates = await bot.get_updates(timeout=10)
    elapsed = time.monotonic() - started
    await writer

    assert 0.25 < elapsed < 3, "long polling should wait for the update and return right away"
    (update,) = updates
    assert isinstance(update, Update)
    message = update.message
    assert message is not None
    assert message.text == "/start ثبت‌نام"
    assert message.from_user is not None
    assert (message.from_user.id, message.from_user.first_name) == (USER, "مریم")
    assert message.from_user.language_code == "fa" and not message.from_user.is_bot
    assert message.chat.id == USER and message.chat.type == "private"
    assert message.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 6),)
    assert message.parse_entities([MessageEntity.BOT_COMMAND]) == {message.entities[0]: "/start"}


async def test_long_poll_times_out_empty(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=dt.timedelta(seconds=0.3)) == ()
    assert 0.25 < time.monotonic() - started < 2


async def test_offset_confirms_updates_and_limit(api: LocalBotApi, bot: Bot) -> None:
    for text in ("یک", "دو", "سه"):
        api.send_text(USER, text)
    first_two = await bot.get_updates(limit=2)
    assert [u.message.text for u in first_two if u.message] == ["یک", "دو"]
    # Unconfirmed updates are delivered again; an offset confirms everything before it.
    assert len(await bot.get_updates()) == 3
    rest = await bot.get_updates(offset=first_two[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["سه"]
    assert len(api.pending_updates()) == 1
    await bot.get_updates(offset=rest[-1].update_id + 1)
    assert api.pending_updates() == []
    ids = [u.update_id for u in (*first_two, *rest)]
    assert ids == sorted(ids) and len(set(ids)) == 3


async def test_allowed_updates_filters_types(api: LocalBotApi, bot: Bot) -> None:
    api.send_text(USER, "سلام")
    sent = await bot.send_message(
        USER, "؟", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x")]])
    )
    api.press_button(USER, sent.message_id, "x")
    updates = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query is not None for u in updates] == [True]


async def test_button_press_arrives_as_callback_query_and_is_answered(api: LocalBotApi, bot: Bot) -> None:
    api.send_text(USER, "منو")
    menu = await bot.send_message(
        USER,
        "یکی را انتخاب کنید",
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("وام", callback_data="loan"),
                    InlineKeyboardButton("کار", callback_data="job"),
                ]
            ]
        ),
    )
    query_id = api.press_button(USER, menu.message_id, text="کار")
    updates = await bot.get_updates()
    query = updates[-1].callback_query
    assert query is not None
    assert (query.id, query.data, query.from_user.id) == (query_id, "job", USER)
    assert isinstance(query.message, Message) and query.message.message_id == menu.message_id
    assert query.message.reply_markup == menu.reply_markup
    assert query.chat_instance

    assert await query.answer("ثبت شد", show_alert=True)
    (answer,) = api.callback_answers(query_id)
    assert (answer["text"], answer["show_alert"], answer["data"]) == ("ثبت شد", True, "job")
    with pytest.raises(BadRequest, match=r"(?i)query id is invalid"):
        await query.answer()  # a query can be answered once


async def test_pressing_a_missing_button_is_refused(api: LocalBotApi, bot: Bot) -> None:
    api.send_text(USER, "سلام")
    plain = await bot.send_message(USER, "بدون دکمه")
    with pytest.raises(DriverError, match="no callback button"):
        api.press_button(USER, plain.message_id, "anything")
    with pytest.raises(DriverError):
        api.press_button(USER, 999, "anything")


async def test_media_updates_parse_into_ptb_objects(api: LocalBotApi, bot: Bot) -> None:
    api.send_sticker(USER, "😂")
    api.send_photo(USER, width=1280, height=960, caption="کارت ملی")
    api.send_voice(USER, duration=7)
    api.send_video(USER, duration=12)
    api.send_document(USER, file_name="رزومه.pdf")
    api.send_contact(USER, "+989121234567")
    api.send_location(USER, 35.7, 51.4)
    updates = await bot.get_updates()
    messages = [u.message for u in updates]
    assert all(m is not None for m in messages)
    sticker, photo, voice, video, document, contact, location = (m for m in messages if m)

    assert sticker.sticker is not None
    assert (sticker.sticker.emoji, sticker.sticker.type, sticker.sticker.is_animated) == (
        "😂",
        "regular",
        False,
    )
    assert sticker.sticker.width == 512 and sticker.sticker.file_id and sticker.sticker.file_unique_id

    assert [(p.width, p.height) for p in photo.photo] == [(90, 68), (320, 240), (800, 600), (1280, 960)]
    assert len({p.file_id for p in photo.photo}) == 4 and photo.caption == "کارت ملی"

    assert voice.voice is not None and voice.voice.mime_type == "audio/ogg"
    assert seconds(voice.voice) == 7
    assert video.video is not None and seconds(video.video) == 12 and video.video.width == 1280
    assert document.document is not None and document.document.file_name == "رزومه.pdf"
    assert document.document.mime_type == "application/pdf"

    assert contact.contact is not None
    assert (contact.contact.phone_number, contact.contact.user_id) == ("+989121234567", USER)
    assert location.location is not None and (location.location.latitude, location.location.longitude) == (
        35.7,
        51.4,
    )

    # User files can be fetched by the bot like any other.
    voice_file = await bot.get_file(voice.voice.file_id)
    assert len(await voice_file.download_as_bytearray()) == voice.voice.file_size


async def test_update_de_json_of_driver_messages(api: LocalBotApi, bot: Bot) -> None:
    raw = api.send_text(USER, "ایمیل من a.b@example.com و سایت https://kar.ir است #کار")
    message = Update.de_json({"update_id": 1, "message": raw}, bot).message
    assert message is not None
    assert [e.type for e in message.entities] == ["email", "url", "hashtag"]
    assert message.parse_entities(["url"]).popitem()[1] == "https://kar.ir"


async def test_edited_message_and_block_updates(api: LocalBotApi, bot: Bot) -> None:
    sent = api.send_text(USER, "سلم")
    api.edit_text(USER, sent["message_id"], "سلام")
    api.block_bot(USER)
    api.send_text(USER, "برگشتم")  # writing again unblocks, like pressing "Restart"
    updates = await bot.get_updates()
    kinds = [
        next(k for k in ("message", "edited_message", "my_chat_member") if getattr(u, k)) for u in updates
    ]
    assert kinds == ["message", "edited_message", "my_chat_member", "my_chat_member", "message"]
    assert updates[1].edited_message is not None and updates[1].edited_message.text == "سلام"
    blocked = updates[2].my_chat_member
    assert blocked is not None and blocked.new_chat_member.status == "kicked"
    assert (
        updates[3].my_chat_member is not None and updates[3].my_chat_member.new_chat_member.status == "member"
    )


async def test_second_poller_terminates_the_first(api: LocalBotApi, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    async with Bot(api.token, base_url=api.bot_url) as second_instance:  # e.g. a bot started twice
        second = asyncio.create_task(second_instance.get_updates(timeout=dt.timedelta(seconds=0.5)))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await first
        assert await second == ()


async def test_waiting_for_bot_messages_after_a_point(api: LocalBotApi, bot: Bot) -> None:
    api.send_text(OTHER, "قبلی")
    await bot.send_message(OTHER, "پاسخ قبلی")
    sent = api.send_text(OTHER, "سوال جدید")

    async def bot_replies_twice() -> None:
        await asyncio.sleep(0.1)
        await bot.send_message(OTHER, "اول")
        await bot.send_message(OTHER, "دوم")

    task = asyncio.create_task(bot_replies_twice())
    replies = await api.wait_for_bot_messages_async(OTHER, 2, since=sent, timeout=3)
    await task
    assert [m["text"] for m in replies] == ["اول", "دوم"]
    assert api.mark(OTHER) == replies[-1]["message_id"]
    with pytest.raises(TimeoutError, match="got 0"):
        await api.wait_for_bot_messages_async(OTHER, 1, since=api.mark(OTHER), timeout=0.2)
    with pytest.raises(RuntimeError, match="_async"):
        api.wait_for_bot_messages(OTHER, 1, timeout=0.1)  # would deadlock the server's loop

"""Forum supergroups: topics managed by the bot, messages relayed between private chats and topics,
and people writing in the group, all through python-telegram-bot's own Bot."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    ChatFullInfo,
    ForumTopic,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageId,
    ReplyParameters,
)
from telegram.error import BadRequest, Forbidden

from localapi import DriverError, LocalApiClient, LocalBotApi, UnknownChatError, run_in_thread
from localapi.state import FORUM_ICON_COLORS

from .conftest import USER

GROUP = -1001234567890
COUNSELLOR = 2001
STRANGER = 2002


@pytest.fixture
def forum(api: LocalBotApi, user: int) -> int:
    """A forum supergroup with the bot as administrator and one counsellor in it."""
    chat = api.create_group(GROUP, "مشاوران کاریار", members=[COUNSELLOR])
    assert chat == {"id": GROUP, "type": "supergroup", "title": "مشاوران کاریار", "is_forum": True}
    return GROUP


async def new_topic(bot: Bot, name: str = "پرونده ۱۲") -> int:
    return (await bot.create_forum_topic(GROUP, name)).message_thread_id


async def test_topic_lifecycle(api: LocalBotApi, bot: Bot, forum: int) -> None:
    info = await bot.get_chat(forum)
    assert isinstance(info, ChatFullInfo)
    assert (info.type, info.title, info.is_forum) == ("supergroup", "مشاوران کاریار", True)

    topic = await bot.create_forum_topic(forum, "  پرونده ۱۲  ")
    assert isinstance(topic, ForumTopic)
    assert topic.name == "پرونده ۱۲" and topic.icon_color in FORUM_ICON_COLORS
    (created,) = api.transcript(forum, message_thread_id=topic.message_thread_id)
    assert created["message_id"] == topic.message_thread_id  # a topic's id is its first message's
    assert created["forum_topic_created"] == {"name": "پرونده ۱۲", "icon_color": topic.icon_color}
    assert api.bot_messages(forum, message_thread_id=topic.message_thread_id) == []  # service only
    assert await bot.get_forum_topic_icon_stickers() == ()

    thread_id = topic.message_thread_id
    assert await bot.edit_forum_topic(forum, thread_id, name="پرونده ۱۲ - فوری")
    with pytest.raises(BadRequest, match=r"(?i)TOPIC_NOT_MODIFIED"):
        await bot.edit_forum_topic(forum, thread_id, name="پرونده ۱۲ - فوری")
    assert await bot.close_forum_topic(forum, thread_id)
    with pytest.raises(BadRequest, match=r"(?i)TOPIC_NOT_MODIFIED"):
        await bot.close_forum_topic(forum, thread_id)
    closed = await bot.send_message(forum, "پیگیری", message_thread_id=thread_id)
    assert closed.message_thread_id == thread_id  # an administrator still posts in a closed topic
    assert await bot.reopen_forum_topic(forum, thread_id)
    service = [k for m in api.transcript(forum) for k in m if k.startswith("forum_topic_")]
    assert service == [
        "forum_topic_created",
        "forum_topic_edited",
        "forum_topic_closed",
        "forum_topic_reopened",
    ]
    assert api.topics(forum) == [
        {
            "message_thread_id": thread_id,
            "name": "پرونده ۱۲ - فوری",
            "icon_color": topic.icon_color,
            "closed": False,
            "deleted": False,
        }
    ]

    assert await bot.delete_forum_topic(forum, thread_id)
    assert api.topics(forum)[0]["deleted"] is True
    assert api.transcript(forum) == []  # the topic went with all its messages
    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await bot.send_message(forum, "هنوز هستید؟", message_thread_id=thread_id)
    with pytest.raises(BadRequest, match=r"(?i)TOPIC_ID_INVALID"):
        await bot.edit_forum_topic(forum, thread_id, name="دوباره")
    with pytest.raises(BadRequest, match=r"(?i)TOPIC_ID_INVALID"):
        await bot.close_forum_topic(forum, 9999)
    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await bot.send_message(forum, "؟", message_thread_id=9999)


async def test_topic_errors_match_telegram(api: LocalBotApi, bot: Bot, forum: int) -> None:
    with pytest.raises(BadRequest, match=r"(?i)title must be non-empty"):
        await bot.create_forum_topic(forum, "   ")
    long_name = (await bot.create_forum_topic(forum, "ب" * 200)).name
    assert long_name == "ب" * 128  # cut like TDLib does, not refused

    api.create_group(-1009, "گروه ساده", is_forum=False, members=[COUNSELLOR])
    for chat_id in (-1009, USER):
        with pytest.raises(BadRequest, match=r"(?i)the chat is not a forum"):
            await bot.create_forum_topic(chat_id, "پرونده")
    plain = await bot.send_message(-1009, "سلام", message_thread_id=5)  # a reply thread: not checked
    assert plain.chat.type == "supergroup" and not plain.chat.is_forum and plain.message_thread_id is None

    api.create_group(-1010, "بدون دسترسی", bot_is_admin=False)
    with pytest.raises(BadRequest, match=r"(?i)not enough rights to create a topic"):
        await bot.create_forum_topic(-1010, "پرونده")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.create_forum_topic(-1011, "پرونده")


async def test_bot_messages_in_a_topic(api: LocalBotApi, bot: Bot, forum: int) -> None:
    first, second = await new_topic(bot, "اول"), await new_topic(bot, "دوم")
    sent = await bot.send_message(forum, "پرونده جدید", message_thread_id=first)
    assert isinstance(sent, Message)
    assert (sent.message_thread_id, sent.is_topic_message) == (first, True)
    assert sent.chat.id == forum and sent.chat.is_forum and sent.chat.type == "supergroup"
    # In a topic, a message that replies to nothing replies to the topic's creation message.
    assert sent.reply_to_message is not None and sent.reply_to_message.forum_topic_created is not None
    photo = await bot.send_photo(forum, io.BytesIO(b"\x89PNG..."), caption="مدرک", message_thread_id=second)
    assert photo.message_thread_id == second and photo.is_topic_message
    await bot.send_chat_action(forum, "typing", message_thread_id=first)
    assert api.chat_actions(forum) == ["typing"]

    assert [m["text"] for m in api.bot_messages(forum, message_thread_id=first)] == ["پرونده جدید"]
    assert [m["message_id"] for m in api.bot_messages(forum)] == [sent.message_id, photo.message_id]
    (waited,) = await api.wait_for_bot_messages_async(
        forum, 1, since=sent.message_id, message_thread_id=second
    )
    assert waited["message_id"] == photo.message_id
    with pytest.raises(TimeoutError, match=f"topic {first}"):
        await api.wait_for_bot_messages_async(
            forum, 1, since=sent.message_id, message_thread_id=first, timeout=0.1
        )
    assert api.mark(forum) == photo.message_id

    edited = await bot.edit_message_text("پرونده جدید (ویرایش)", chat_id=forum, message_id=sent.message_id)
    assert isinstance(edited, Message) and edited.message_thread_id == first
    assert await bot.delete_message(forum, photo.message_id)
    assert api.bot_messages(forum, message_thread_id=second) == []


@pytest.mark.parametrize("kind", ["text", "photo", "voice", "document", "video", "sticker"])
async def test_copy_between_private_chat_and_topic(api: LocalBotApi, bot: Bot, forum: int, kind: str) -> None:
    thread_id = await new_topic(bot)
    sender = getattr(api, f"send_{kind}")
    content: tuple[Any, ...] = ("پیام من",) if kind == "text" else ()

    from_client = sender(USER, *content)
    copied = await bot.copy_message(forum, USER, from_client["message_id"], message_thread_id=thread_id)
    assert isinstance(copied, MessageId)
    in_topic = api.bot_messages(forum, message_thread_id=thread_id)[-1]
    assert in_topic["message_id"] == copied.message_id and in_topic["is_topic_message"]
    assert in_topic[kind] == from_client[kind]

    from_counsellor = sender(COUNSELLOR, *content, chat_id=forum, message_thread_id=thread_id)
    back = await bot.copy_message(USER, forum, from_counsellor["message_id"])
    in_private = api.bot_messages(USER)[-1]
    assert in_private["message_id"] == back.message_id and in_private[kind] == from_counsellor[kind]
    assert "message_thread_id" not in in_private and in_private["chat"]["type"] == "private"


async def test_copy_failures(api: LocalBotApi, bot: Bot, forum: int) -> None:
    thread_id = await new_topic(bot)
    with pytest.raises(BadRequest, match=r"(?i)message to copy not found"):
        await bot.copy_message(forum, USER, 9999, message_thread_id=thread_id)
    note = api.send_text(COUNSELLOR, "جواب مشاور", chat_id=forum, message_thread_id=thread_id)
    api.block_bot(USER)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.copy_message(USER, forum, note["message_id"])

    api.remove_bot_from_group(forum)
    with pytest.raises(Forbidden, match=r"(?i)bot was kicked from the supergroup chat"):
        await bot.send_message(forum, "سلام", message_thread_id=thread_id)
    with pytest.raises(Forbidden, match=r"(?i)bot was kicked from the supergroup chat"):
        await bot.get_chat(forum)
    removed = (await bot.get_updates())[-1].my_chat_member
    assert removed is not None and removed.chat.id == forum and removed.from_user.id == COUNSELLOR
    assert (removed.old_chat_member.status, removed.new_chat_member.status) == ("administrator", "kicked")


async def test_people_write_in_topics(api: LocalBotApi, bot: Bot, forum: int) -> None:
    thread_id = await new_topic(bot)
    question = await bot.send_message(forum, "چه کسی پرونده را برمی‌دارد؟", message_thread_id=thread_id)
    api.send_text(COUNSELLOR, "من", chat_id=forum, message_thread_id=thread_id, first_name="نرگس")
    api.send_voice(COUNSELLOR, chat_id=forum, reply_to_message_id=question.message_id)  # thread implied
    api.send_text(COUNSELLOR, "سلام به همه", chat_id=forum)  # the General topic

    said, voice, general = [u.message for u in await bot.get_updates()]
    assert said is not None and said.text == "من"
    assert (said.message_thread_id, said.is_topic_message) == (thread_id, True)
    assert said.chat.id == forum and said.chat.is_forum and said.chat.type == "supergroup"
    assert said.from_user is not None and (said.from_user.id, said.from_user.first_name) == (
        COUNSELLOR,
        "نرگس",
    )
    assert said.reply_to_message is not None and said.reply_to_message.message_id == thread_id
    assert voice is not None and voice.voice is not None and voice.message_thread_id == thread_id
    assert voice.reply_to_message is not None and voice.reply_to_message.message_id == question.message_id
    assert general is not None and general.message_thread_id is None and general.reply_to_message is None

    # The bot answering a message in a topic lands in that topic without naming it.
    answer = await bot.send_message(forum, "ممنون", reply_parameters=ReplyParameters(said.message_id))
    assert answer.message_thread_id == thread_id

    with pytest.raises(DriverError, match="not a member"):
        api.send_text(STRANGER, "سلام", chat_id=forum)
    api.add_member(forum, STRANGER)
    assert api.send_text(STRANGER, "سلام", chat_id=forum)["from"]["id"] == STRANGER
    with pytest.raises(DriverError, match="no topic 9999"):
        api.send_text(COUNSELLOR, "؟", chat_id=forum, message_thread_id=9999)
    with pytest.raises(DriverError, match="private chat"):
        api.send_text(COUNSELLOR, "؟", chat_id=USER)

    api.delete_topic(forum, thread_id)
    assert api.topics(forum)[0]["deleted"] is True
    with pytest.raises(DriverError, match="no topic"):
        api.send_photo(COUNSELLOR, chat_id=forum, message_thread_id=thread_id)
    with pytest.raises(BadRequest, match=r"(?i)message to copy not found"):
        await bot.copy_message(USER, forum, said.message_id)


async def test_user_replies_to_the_bot_in_private(api: LocalBotApi, bot: Bot, user: int) -> None:
    relayed = await bot.send_message(user, "مشاور: رزومه را بفرستید")
    api.send_document(user, file_name="رزومه.pdf", reply_to_message_id=relayed.message_id)
    (update,) = await bot.get_updates()
    message = update.message
    assert message is not None and message.document is not None
    assert message.reply_to_message is not None
    assert message.reply_to_message.message_id == relayed.message_id
    assert message.reply_to_message.from_user is not None and message.reply_to_message.from_user.is_bot
    assert message.message_thread_id is None and message.chat.type == "private"
    with pytest.raises(DriverError, match="no message 9999"):
        api.send_text(user, "؟", reply_to_message_id=9999)


async def test_button_on_a_group_message(api: LocalBotApi, bot: Bot, forum: int) -> None:
    thread_id = await new_topic(bot)
    offer = await bot.send_message(
        forum,
        "پرونده جدید",
        message_thread_id=thread_id,
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("برمی‌دارم", callback_data="take:12")]]),
    )
    query_id = api.press_button(COUNSELLOR, offer.message_id, "take:12", chat_id=forum)
    query = (await bot.get_updates())[-1].callback_query
    assert query is not None and query.id == query_id and query.from_user.id == COUNSELLOR
    assert isinstance(query.message, Message)
    assert query.message.chat.id == forum and query.message.message_thread_id == thread_id
    assert await query.answer("ثبت شد")
    assert api.callback_answers(query_id)[0]["chat_id"] == forum

    with pytest.raises(DriverError, match="not a member"):
        api.press_button(STRANGER, offer.message_id, "take:12", chat_id=forum)
    with pytest.raises(DriverError, match="no bot message"):
        api.press_button(COUNSELLOR, offer.message_id, "take:12")  # not in the private chat

    api.reset()
    with pytest.raises(UnknownChatError):
        api.topics(forum)


def test_forum_through_the_control_api() -> None:
    with run_in_thread() as api, LocalApiClient(api.url) as client:
        bot_api = f"{api.bot_url}{api.token}"
        client.add_user(USER, "علی")
        chat = client.create_group(GROUP, "مشاوران", members=[COUNSELLOR])
        assert chat["is_forum"] is True
        created = httpx.post(f"{bot_api}/createForumTopic", json={"chat_id": GROUP, "name": "پرونده ۷"})
        thread_id = created.json()["result"]["message_thread_id"]
        assert client.topics(GROUP) == [
            {
                "message_thread_id": thread_id,
                "name": "پرونده ۷",
                "icon_color": created.json()["result"]["icon_color"],
                "closed": False,
                "deleted": False,
            }
        ]

        said = client.send_text(COUNSELLOR, "سلام علی", chat_id=GROUP, message_thread_id=thread_id)
        assert (said["message_thread_id"], said["is_topic_message"]) == (thread_id, True)
        photo = client.send_photo(
            COUNSELLOR, chat_id=GROUP, message_thread_id=thread_id, reply_to_message_id=said
        )
        assert photo["reply_to_message"]["message_id"] == said["message_id"]
        with pytest.raises(DriverError, match="not a member"):
            client.send_text(STRANGER, "سلام", chat_id=GROUP)
        client.add_member(GROUP, STRANGER)
        client.send_text(STRANGER, "سلام", chat_id=GROUP)

        mark = client.mark(GROUP)
        markup = {"inline_keyboard": [[{"text": "پایان", "callback_data": "close"}]]}
        httpx.post(
            f"{bot_api}/sendMessage",
            json={
                "chat_id": GROUP,
                "message_thread_id": thread_id,
                "text": "پایان گفتگو؟",
                "reply_markup": markup,
            },
        )
        (asked,) = client.wait_for_bot_messages(GROUP, 1, since=mark, message_thread_id=thread_id, timeout=5)
        assert asked["text"] == "پایان گفتگو؟"
        assert client.bot_messages(GROUP, message_thread_id=thread_id) == [asked]
        assert [m["message_id"] for m in client.transcript(GROUP, message_thread_id=thread_id)] == [
            thread_id,
            said["message_id"],
            photo["message_id"],
            asked["message_id"],
        ]
        query_id = client.press_button(COUNSELLOR, asked["message_id"], "close", chat_id=GROUP)
        updates = httpx.get(f"{bot_api}/getUpdates").json()["result"]
        assert updates[-1]["callback_query"]["id"] == query_id

        client.delete_topic(GROUP, thread_id)
        assert client.topics(GROUP)[0]["deleted"] is True
        assert client.transcript(GROUP, message_thread_id=thread_id) == []
        gone = httpx.post(
            f"{bot_api}/sendMessage", json={"chat_id": GROUP, "message_thread_id": thread_id, "text": "؟"}
        )
        assert gone.json() == {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: message thread not found",
        }

        client.remove_bot_from_group(GROUP)
        kicked = httpx.post(f"{bot_api}/sendMessage", json={"chat_id": GROUP, "text": "؟"})
        assert kicked.status_code == 403
        with pytest.raises(UnknownChatError):
            client.topics(-1005)

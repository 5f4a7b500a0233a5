"""The in-memory Telegram world of one bot: users, private chats, groups and their forum topics,
messages, updates, files.

One re-entrant lock guards everything, because the world is touched from the server's event loop
(Bot API calls) and from test threads (the user-side driver) at the same time. Every mutation goes
through :meth:`World.mutate`, which wakes both kinds of waiters: threads blocked in
:meth:`World.wait_until` and, via listeners, coroutines on the server loop (long polling).
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from localapi.errors import bad_request, forbidden
from localapi.objects import (
    BOT_ADMIN_RIGHTS,
    BotIdentity,
    FileIds,
    FileRecord,
    UserRecord,
    full_info_json,
)

T = TypeVar("T")

UPDATE_TYPES = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "message_reaction",
    "message_reaction_count",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "purchased_paid_media",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
)
# What Telegram delivers when allowed_updates is not set (or set to []).
DEFAULT_ALLOWED_UPDATES = frozenset(UPDATE_TYPES) - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}


MAX_CALL_LOG = 10_000
# The topic icon colours Telegram offers (RGB); a topic created without one gets one of these.
FORUM_ICON_COLORS = (0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F)
# Service messages about forum topics: in the transcript, but not what the bot "said".
SERVICE_KEYS = ("forum_topic_created", "forum_topic_edited", "forum_topic_closed", "forum_topic_reopened")


def now() -> int:
    return int(time.time())


def commands_key(scope: dict[str, Any], language_code: str) -> tuple[str, str]:
    """Where setMyCommands keeps a command list: its scope (as canonical JSON) and language ("" for all)."""
    return json.dumps(scope, sort_keys=True), language_code


def is_service(message: dict[str, Any]) -> bool:
    return any(key in message for key in SERVICE_KEYS)


@dataclass
class StoredMessage:
    chat_id: int
    message_id: int
    outgoing: bool  # True when the bot sent it
    data: dict[str, Any]  # the Message object exactly as the Bot API shows it
    reply_markup: dict[str, Any] | None = None  # whatever markup the bot attached, of any kind
    deleted: bool = False


@dataclass
class TopicRecord:
    """A forum topic; its id is the id of the service message that announced its creation."""

    thread_id: int
    name: str
    icon_color: int
    icon_custom_emoji_id: str | None = None
    closed: bool = False
    deleted: bool = False

    def forum_topic_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_thread_id": self.thread_id,
            "name": self.name,
            "icon_color": self.icon_color,
        }
        if self.icon_custom_emoji_id:
            data["icon_custom_emoji_id"] = self.icon_custom_emoji_id
        return data

    def message_fields(self) -> dict[str, Any]:
        """What every message in the topic carries."""
        return {"message_thread_id": self.thread_id, "is_topic_message": True}


@dataclass
class ChatRecord:
    id: int
    user_id: int | None  # the user of a private chat; None for a group
    messages: dict[int, StoredMessage] = field(default_factory=dict)  # insertion order = chat order
    next_message_id: int = 1
    actions: list[str] = field(default_factory=list)
    # Until when (epoch seconds) the chat shows "typing…", per forum topic (0: outside topics).
    typing_until: dict[int, float] = field(default_factory=dict)
    reply_keyboard: dict[str, Any] | None = None  # the reply keyboard the user currently sees
    # Groups only (always supergroups, the only kind that can be a forum):
    title: str = ""
    is_forum: bool = False
    members: set[int] = field(default_factory=set)  # the users, not the bot
    bot_is_admin: bool = False
    bot_removed: bool = False
    topics: dict[int, TopicRecord] = field(default_factory=dict)

    def group_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": "supergroup", "title": self.title}
        if self.is_forum:
            data["is_forum"] = True
        return data


@dataclass
class CallbackRecord:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answer: dict[str, Any] | None = None


@dataclass
class WebhookRecord:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


class World:
    def __init__(self, bot: BotIdentity) -> None:
        self.bot = bot
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._listeners: list[Callable[[], None]] = []
        self.file_ids = FileIds()
        self.callback_counter = 0
        self.version = 0
        self._reset_data()

    def _reset_data(self) -> None:
        self.users: dict[int, UserRecord] = {}
        self.chats: dict[int, ChatRecord] = {}
        self.updates: list[dict[str, Any]] = []
        self.next_update_id = 1
        self.allowed_updates: list[str] | None = None
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}  # by commands_key()
        self.webhook = WebhookRecord()
        self.files: dict[str, FileRecord] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.edits: list[dict[str, Any]] = []
        self.profile: dict[tuple[str, str], str] = {}  # setMyName/Description/..., menu buttons
        # What each user has read, as Telegram keeps it: (user, chat, topic or 0) -> last message id read.
        self.read_marks: dict[tuple[int, int, int], int] = {}
        # The chat (and topic) each user last had open on the chat page.
        self.last_open: dict[int, tuple[int, int | None]] = {}
        # Every Bot API request, for assertions; bounded because a polling bot never stops asking.
        self.calls: deque[dict[str, Any]] = deque(maxlen=MAX_CALL_LOG)

    # --- synchronisation -------------------------------------------------------------------

    def add_listener(self, callback: Callable[[], None]) -> None:
        """``callback`` runs (under the lock, so keep it tiny) after every mutation."""
        with self._lock:
            self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[], None]) -> None:
        with self._lock:
            if callback in self._listeners:
                self._listeners.remove(callback)

    @contextmanager
    def mutate(self) -> Iterator[World]:
        with self._lock:
            yield self
            self.notify()

    def notify(self) -> None:
        with self._lock:
            self.version += 1
            self._cond.notify_all()
            for listener in list(self._listeners):
                listener()

    def read(self, reader: Callable[[World], T]) -> T:
        """Run ``reader`` under the lock and return a deep copy of its result."""
        with self._lock:
            return copy.deepcopy(reader(self))

    def wait_until(self, predicate: Callable[[World], bool], timeout: float | None) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: predicate(self), timeout)

    def reset(self) -> None:
        with self.mutate():
            self._reset_data()

    # --- users and chats -------------------------------------------------------------------

    def ensure_user(
        self,
        user_id: int,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> UserRecord:
        with self._lock:
            user = self.users.get(user_id)
            if user is None:
                user = UserRecord(id=user_id, first_name=first_name or f"User {user_id}")
                self.users[user_id] = user
            elif first_name:
                user.first_name = first_name
            if last_name is not None:
                user.last_name = last_name or None
            if username is not None:
                user.username = username or None
            if language_code is not None:
                user.language_code = language_code or None
            if user_id not in self.chats:
                self.chats[user_id] = ChatRecord(id=user_id, user_id=user_id)
            return user

    def add_group(
        self, chat_id: int, title: str, *, is_forum: bool, members: set[int], bot_is_admin: bool
    ) -> ChatRecord:
        """A supergroup with the bot in it; the caller holds the lock (inside :meth:`mutate`)."""
        for user_id in members:
            self.ensure_user(user_id)
        group = ChatRecord(
            chat_id,
            None,
            # Message 1 announced the group's creation, before the bot joined (and in a forum,
            # thread 1 is the General topic), so the bot's first look starts at 2.
            next_message_id=2,
            title=title,
            is_forum=is_forum,
            members=members,
            bot_is_admin=bot_is_admin,
        )
        self.chats[chat_id] = group
        return group

    def require_chat(self, chat_id: int | str) -> ChatRecord:
        """The chat a bot method addresses: 400 if unknown, 403 if the user blocked the bot or
        the bot was removed from the group."""
        with self._lock:
            chat = self.find_chat(chat_id)
            if chat is None:
                raise bad_request("chat not found")
            if chat.user_id is not None and self.users[chat.user_id].blocked_bot:
                raise forbidden("bot was blocked by the user")
            if chat.bot_removed:
                raise forbidden("bot was kicked from the supergroup chat")
            return chat

    def find_chat(self, chat_id: int | str) -> ChatRecord | None:
        with self._lock:
            if isinstance(chat_id, str):
                name = chat_id.removeprefix("@").lower()
                for user in self.users.values():
                    if user.username and user.username.lower() == name:
                        return self.chats[user.id]
                return None
            return self.chats.get(chat_id)

    def chat_json(self, chat: ChatRecord) -> dict[str, Any]:
        if chat.user_id is None:
            return chat.group_json()
        return self.users[chat.user_id].private_chat_json()

    def chat_full_info_json(self, chat: ChatRecord) -> dict[str, Any]:
        return full_info_json(self.chat_json(chat))

    def bot_member_json(self, chat: ChatRecord) -> dict[str, Any]:
        """The bot's ChatMember in ``chat``."""
        bot = self.bot.user_json()
        if chat.bot_removed:
            return {"status": "kicked", "user": bot, "until_date": 0}
        if chat.user_id is None and chat.bot_is_admin:
            return {"status": "administrator", "user": bot, **BOT_ADMIN_RIGHTS}
        return {"status": "member", "user": bot}

    # --- what users have read --------------------------------------------------------------

    def note_viewing(self, user_id: int, chat_id: int, thread: int | None, message_id: int) -> None:
        """``user_id`` has the chat (topic ``thread``) open and has read it up to ``message_id``: the read
        mark moves on and this is the place to reopen. Wakes waiters only when something changed."""
        with self._lock:
            key = (user_id, chat_id, thread or 0)
            read = max(self.read_marks.get(key, 0), message_id)
            place = (chat_id, thread)
            if self.read_marks.get(key) == read and self.last_open.get(user_id) == place:
                return
            self.read_marks[key] = read
            self.last_open[user_id] = place
            self.notify()

    def read_up_to(self, user_id: int, chat_id: int, thread: int | None) -> int:
        """The last message of the chat (topic) ``user_id`` has read; 0 for none."""
        with self._lock:
            return self.read_marks.get((user_id, chat_id, thread or 0), 0)

    # --- messages --------------------------------------------------------------------------

    def add_message(
        self,
        chat: ChatRecord,
        *,
        body: dict[str, Any],
        sender_id: int | None = None,
        reply_markup: dict[str, Any] | None = None,
    ) -> StoredMessage:
        """Store a new message from user ``sender_id`` (None: from the bot); the caller holds the
        lock (inside :meth:`mutate`)."""
        outgoing = sender_id is None
        sender = self.bot.user_json() if sender_id is None else self.users[sender_id].user_json()
        data: dict[str, Any] = {
            "message_id": chat.next_message_id,
            "from": sender,
            "chat": self.chat_json(chat),
            "date": now(),
            **body,
        }
        # Only inline keyboards are part of a Message; reply keyboards live in the client.
        if reply_markup and "inline_keyboard" in reply_markup:
            data["reply_markup"] = reply_markup
        if outgoing and reply_markup:
            if "keyboard" in reply_markup:
                chat.reply_keyboard = reply_markup
            elif reply_markup.get("remove_keyboard"):
                chat.reply_keyboard = None
        if outgoing:  # as on Telegram, the bot's message ends its "typing…"
            chat.typing_until.pop(data.get("message_thread_id") or 0, None)
        message = StoredMessage(chat.id, chat.next_message_id, outgoing, data, reply_markup)
        chat.messages[message.message_id] = message
        chat.next_message_id += 1
        return message

    def find_message(self, chat: ChatRecord, message_id: int) -> StoredMessage | None:
        message = chat.messages.get(message_id)
        return None if message is None or message.deleted else message

    def reply_snapshot(self, message: StoredMessage) -> dict[str, Any]:
        """A message as embedded in ``reply_to_message`` (Telegram does not nest further)."""
        data = copy.deepcopy(message.data)
        data.pop("reply_to_message", None)
        return data

    def placement(
        self, chat: ChatRecord, topic: TopicRecord | None, reply_target: StoredMessage | None
    ) -> dict[str, Any]:
        """The topic and reply fields of a new message. As on Telegram, a reply lands in the
        topic of the message it answers, and a topic message that answers nothing replies to the
        topic's creation message."""
        if topic is None and reply_target is not None:
            topic = self.find_topic(chat, reply_target.data.get("message_thread_id"))
        fields: dict[str, Any] = {}
        if topic is not None:
            fields.update(topic.message_fields())
            reply_target = reply_target or self.find_message(chat, topic.thread_id)
        if reply_target is not None:
            fields["reply_to_message"] = self.reply_snapshot(reply_target)
        return fields

    # --- forum topics ----------------------------------------------------------------------

    def find_topic(self, chat: ChatRecord, thread_id: int | None) -> TopicRecord | None:
        """A topic of a forum that has not been deleted."""
        topic = chat.topics.get(thread_id) if chat.is_forum and thread_id is not None else None
        return None if topic is None or topic.deleted else topic

    def add_topic(
        self, chat: ChatRecord, name: str, icon_color: int | None, icon_custom_emoji_id: str | None
    ) -> TopicRecord:
        """Open a topic and post the service message announcing it; the caller holds the lock."""
        color = icon_color if icon_color is not None else FORUM_ICON_COLORS[len(chat.topics) % 6]
        topic = TopicRecord(chat.next_message_id, name, color, icon_custom_emoji_id or None)
        chat.topics[topic.thread_id] = topic
        created = {
            key: value for key, value in topic.forum_topic_json().items() if key != "message_thread_id"
        }
        self.add_message(chat, body={**topic.message_fields(), "forum_topic_created": created})
        return topic

    def delete_topic(self, chat: ChatRecord, topic: TopicRecord) -> None:
        """Delete a topic with all its messages; the caller holds the lock."""
        topic.deleted = True
        for message in chat.messages.values():
            if message.data.get("message_thread_id") == topic.thread_id:
                message.deleted = True

    # --- updates ---------------------------------------------------------------------------

    def queue_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Append an update; the caller holds the lock (inside :meth:`mutate`)."""
        update = {"update_id": self.next_update_id, kind: copy.deepcopy(payload)}
        self.next_update_id += 1
        self.updates.append(update)
        return update

    def renumber_updates(self, first_id: int = 1) -> None:
        """Number updates from ``first_id`` again, pending ones included, as a Bot API server does that
        lost its counter (or Telegram after a quiet week); the caller holds the lock."""
        for update in self.updates:
            update["update_id"] = first_id
            first_id += 1
        self.next_update_id = first_id

    def confirm_updates(self, offset: int | None) -> None:
        """Forget updates as getUpdates' ``offset`` asks (negative: keep only the last -offset)."""
        with self._lock:
            if offset is None:
                return
            if offset < 0:
                self.updates = self.updates[offset:]
            else:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def deliverable_updates(self, limit: int) -> list[dict[str, Any]]:
        with self._lock:
            allowed = set(self.allowed_updates or DEFAULT_ALLOWED_UPDATES)
            # Telegram never creates updates of a type the bot opted out of.
            self.updates = [u for u in self.updates if update_type(u) in allowed]
            return copy.deepcopy(self.updates[:limit])

    # --- files -----------------------------------------------------------------------------

    def new_file(
        self,
        kind: str,
        content: bytes,
        *,
        mime_type: str | None = None,
        file_name: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> FileRecord:
        with self._lock:
            record = self.file_ids.new(kind, content, mime_type=mime_type, file_name=file_name)
            record.extra.update(extra or {})
            self.files[record.file_id] = record
            return record

    def new_photo(self, content: bytes, width: int, height: int) -> list[dict[str, Any]]:
        """A photo as Telegram stores it: the original plus smaller thumbnails (PhotoSize array)."""
        sizes = []
        for side in (90, 320, 800):
            if side < max(width, height):
                scale = side / max(width, height)
                sizes.append((max(1, round(width * scale)), max(1, round(height * scale))))
        sizes.append((width, height))
        return [
            self.new_file("photo", content, extra={"width": w, "height": h}).media_json() for w, h in sizes
        ]

    def file_by_path(self, file_path: str) -> FileRecord | None:
        with self._lock:
            return next((f for f in self.files.values() if f.file_path == file_path), None)

    def new_callback_id(self) -> str:
        with self._lock:
            self.callback_counter += 1
            return str(4_300_000_000_000_000_000 + self.callback_counter * 7919)


def update_type(update: dict[str, Any]) -> str:
    return next(key for key in update if key != "update_id")

"""The user side: what people do in their Telegram app, plus ways to look at and wait on the chat.

People write to the bot in their private chat, or, as members, in a supergroup the test set up
(``create_group``), optionally inside one of its forum topics (``message_thread_id``).

:class:`UserDriver` is mixed into the server classes, so a test calls e.g.
``api.send_text(42, "/start")`` and ``api.wait_for_bot_messages(42, 2, since=sent)``. Every method
is thread-safe; the blocking waiters must not run on the server's own event loop (use the
``*_async`` variants there).

All messages are returned as Bot API ``Message`` dicts (``telegram.Message.de_json`` parses them).
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from localapi.errors import DriverError, UnknownChatError
from localapi.formatting import auto_entities, format_text
from localapi.objects import chat_instance, inline_buttons, keyboard_buttons
from localapi.state import (
    SERVICE_KEYS,
    CallbackRecord,
    ChatRecord,
    StoredMessage,
    TopicRecord,
    World,
    is_service,
    now,
)

Since = int | dict[str, Any] | None
# Telegram's own account, named as the actor when no user is.
TELEGRAM_SERVICE_USER = {"id": 777000, "is_bot": False, "first_name": "Telegram"}


def _message_id(since: Since) -> int:
    if since is None:
        return 0
    return int(since["message_id"]) if isinstance(since, dict) else int(since)


def _placeholder(kind: str, user_id: int, size: int) -> bytes:
    """Deterministic stand-in bytes for user files, so downloads return something stable."""
    seed = hashlib.sha256(f"{kind}:{user_id}".encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


class UserDriver:
    world: World

    def _assert_may_block(self) -> None:
        """Overridden by servers to refuse blocking waits on their own loop thread."""

    # --- users -----------------------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "fa",
    ) -> dict[str, Any]:
        """Make a user known (their private chat then exists for the bot). Returns the User."""
        with self.world.mutate() as world:
            user = world.ensure_user(
                user_id, first_name, last_name=last_name, username=username, language_code=language_code
            )
            return user.user_json()

    def block_bot(self, user_id: int) -> None:
        """The user blocks the bot: sends then fail with 403, a my_chat_member update is queued."""
        self._set_blocked(user_id, True)

    def unblock_bot(self, user_id: int) -> None:
        self._set_blocked(user_id, False)

    def _set_blocked(self, user_id: int, blocked: bool) -> None:
        with self.world.mutate() as world:
            user = world.ensure_user(user_id)
            if user.blocked_bot == blocked:
                return
            user.blocked_bot = blocked
            bot = world.bot.user_json()
            member = {"status": "member", "user": bot}
            kicked = {"status": "kicked", "user": bot, "until_date": 0}
            world.queue_update(
                "my_chat_member",
                {
                    "chat": user.private_chat_json(),
                    "from": user.user_json(),
                    "date": now(),
                    "old_chat_member": member if blocked else kicked,
                    "new_chat_member": kicked if blocked else member,
                },
            )

    # --- groups and forum topics -----------------------------------------------------------

    def create_group(
        self,
        chat_id: int,
        title: str,
        *,
        is_forum: bool = True,
        members: Iterable[int] = (),
        bot_is_admin: bool = True,
    ) -> dict[str, Any]:
        """A supergroup (a forum unless ``is_forum=False``) that already has the bot in it, as
        set up by hand before the bot runs, so no update is queued. ``chat_id`` is negative like
        Telegram's, e.g. -1001234567890. Returns the Chat."""
        if chat_id >= 0:
            raise DriverError(f"group ids are negative, like -1001234567890, not {chat_id}")
        with self.world.mutate() as world:
            if chat_id in world.chats:
                raise DriverError(f"chat {chat_id} already exists")
            group = world.add_group(
                chat_id, title, is_forum=is_forum, members=set(members), bot_is_admin=bot_is_admin
            )
            return world.chat_json(group)

    def add_member(self, chat_id: int, user_id: int) -> None:
        """The user joins the group (quietly: no service message, no update)."""
        with self.world.mutate() as world:
            group = self._group(chat_id)
            world.ensure_user(user_id)
            group.members.add(user_id)

    def remove_bot_from_group(self, chat_id: int, *, by_user_id: int | None = None) -> None:
        """An administrator (``by_user_id``, else the lowest member id) removes the bot: bot
        methods on the group then fail with 403, and a my_chat_member update is queued."""
        with self.world.mutate() as world:
            group = self._group(chat_id)
            if group.bot_removed:
                return
            old = world.bot_member_json(group)
            group.bot_removed = True
            remover_id = by_user_id if by_user_id is not None else min(group.members, default=None)
            remover = (
                TELEGRAM_SERVICE_USER if remover_id is None else world.ensure_user(remover_id).user_json()
            )
            world.queue_update(
                "my_chat_member",
                {
                    "chat": world.chat_json(group),
                    "from": remover,
                    "date": now(),
                    "old_chat_member": old,
                    "new_chat_member": world.bot_member_json(group),
                },
            )

    def delete_topic(self, chat_id: int, thread_id: int) -> None:
        """An administrator deletes a forum topic with all its messages (the bot is not told)."""
        with self.world.mutate() as world:
            group = self._group(chat_id)
            world.delete_topic(group, self._topic(group, thread_id))

    def topics(self, chat_id: int) -> list[dict[str, Any]]:
        """Every topic ever created in the forum: ForumTopic fields plus ``closed`` and ``deleted``."""
        return self.world.read(
            lambda w: [
                {**t.forum_topic_json(), "closed": t.closed, "deleted": t.deleted}
                for t in self._group(chat_id).topics.values()
            ]
        )

    def _group(self, chat_id: int) -> ChatRecord:
        chat = self._chat(chat_id)
        if chat.user_id is not None:
            raise DriverError(f"chat {chat_id} is a private chat, not a group")
        return chat

    def _topic(self, chat: ChatRecord, thread_id: int) -> TopicRecord:
        if not chat.is_forum:
            raise DriverError(f"chat {chat.id} is not a forum")
        topic = self.world.find_topic(chat, thread_id)
        if topic is None:
            raise DriverError(f"group {chat.id} has no topic {thread_id} (any more)")
        return topic

    # --- sending as a user -----------------------------------------------------------------

    def _chat_of(self, user_id: int, chat_id: int | None) -> ChatRecord:
        """Where a user acts: their private chat (``chat_id`` None), or a group they are in."""
        if chat_id is None or chat_id == user_id:
            return self._chat(user_id)
        chat = self._chat(chat_id)
        if chat.user_id is not None:
            raise DriverError(f"user {user_id} cannot act in the private chat of user {chat_id}")
        if user_id not in chat.members:
            raise DriverError(f"user {user_id} is not a member of group {chat_id}; add_member first")
        return chat

    def _reply_target(self, chat: ChatRecord, reply_to_message_id: Since) -> StoredMessage | None:
        if reply_to_message_id is None:
            return None
        target = self.world.find_message(chat, _message_id(reply_to_message_id))
        if target is None:
            raise DriverError(f"no message {_message_id(reply_to_message_id)} in chat {chat.id} to reply to")
        return target

    def _incoming(
        self,
        user_id: int,
        body: dict[str, Any],
        *,
        first_name: str | None = None,
        chat_id: int | None = None,
        message_thread_id: int | None = None,
        reply_to_message_id: Since = None,
    ) -> dict[str, Any]:
        with self.world.mutate() as world:
            user = world.ensure_user(user_id, first_name)
            chat = self._chat_of(user_id, chat_id)
            if chat.user_id is not None and user.blocked_bot:
                self._set_blocked(user_id, False)  # writing to a blocked bot means pressing "Restart"
            # Closed topics stay open to users: group administrators may post there, and who is
            # one is not modelled.
            topic = None if message_thread_id is None else self._topic(chat, message_thread_id)
            place = world.placement(chat, topic, self._reply_target(chat, reply_to_message_id))
            message = world.add_message(chat, body={**body, **place}, sender_id=user_id)
            self._queue(chat, "message", message.data)
            return copy.deepcopy(message.data)

    def _queue(self, chat: ChatRecord, kind: str, payload: dict[str, Any]) -> None:
        """Queue an update about ``chat``, unless the bot is no longer there to get it."""
        if not chat.bot_removed:
            self.world.queue_update(kind, payload)

    def _new_file(
        self, kind: str, user_id: int, content: bytes | None, size: int, **attrs: Any
    ) -> dict[str, Any]:
        data = content if content is not None else _placeholder(kind, user_id, size)
        mime_type, file_name = attrs.pop("mime_type", None), attrs.pop("file_name", None)
        record = self.world.new_file(kind, data, mime_type=mime_type, file_name=file_name, extra=attrs)
        return record.media_json()

    @staticmethod
    def _caption(caption: str | None) -> dict[str, Any]:
        if not caption:
            return {}
        entities = auto_entities(caption)
        return {"caption": caption, **({"caption_entities": entities} if entities else {})}

    def send_text(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str | None = None,
        parse_mode: str | None = None,
        chat_id: int | None = None,
        message_thread_id: int | None = None,
        reply_to_message_id: Since = None,
    ) -> dict[str, Any]:
        """The user sends ``text``; commands, mentions, URLs... get entities as on Telegram.

        Like every ``send_*``: into their private chat, or into group ``chat_id`` (topic
        ``message_thread_id`` of a forum), replying to ``reply_to_message_id`` (an id or a
        message dict) if given."""
        plain, entities = format_text(text, parse_mode)
        if not plain:
            raise DriverError("Telegram clients do not send empty messages")
        body: dict[str, Any] = {"text": plain}
        if entities:
            body["entities"] = entities
        return self._incoming(
            user_id,
            body,
            first_name=first_name,
            chat_id=chat_id,
            message_thread_id=message_thread_id,
            reply_to_message_id=reply_to_message_id,
        )

    def send_sticker(
        self,
        user_id: int,
        emoji: str = "😀",
        *,
        is_animated: bool = False,
        is_video: bool = False,
        set_name: str | None = "LocalApiStickers",
        content: bytes | None = None,
        first_name: str | None = None,
        chat_id: int | None = None,
        message_thread_id: int | None = None,
        reply_to_message_id: Since = None,
    ) -> dict[str, Any]:
        sticker = self._new_file(
            "sticker",
            user_id,
            content,
            2048,
            width=512,
            height=512,
            emoji=emoji,
            is_animated=is_animated,
            is_video=is_video,
            type="regular",
            **({"set_name": set_name} if set_name else {}),
        )
        return self._incoming(
            user_id,
            {"sticker": sticker},
            first_name=first_name,
            chat_id=chat_id,
            message_thread_id=message_thread_id,
            reply_to_message_id=reply_to_message_id,
        )

    def send_photo(
        self,
        user_id: int,
        *,
        width: int = 1280,
        height: int = 960,
        caption: str | None = None,
        content: bytes | None = None,
        first_name: str | None = None,
        chat_id: int | None = None,
        message_thread_id: int | None = None,
        reply_to_message_id: Since = None,
    ) -> dict[str, Any]:
        data = content if content is not None else _placeholder("photo", user_id, 4096)
        photo = self.world.new_photo(data, width, height)
        body = {"photo": photo, **self._caption(caption)}
        return self._incoming(
            user_id,
            body,
            first_name=first_name,
            chat_id=chat_id,
            message_thread_id=message_thread_id,
            reply_to_message_id=reply_to_message_id,
        )

    def send_voice(
        self,
        user_id: int,
        *,
        duration: int = 3,
        mime_type: str = "audio/ogg",
        caption: str | None = None,
        content: bytes | None = None,
        first_name: str | None = None,
        chat_id: int | None = None,
        message_thread_id: int | None = None,
        reply_to_message_id: Since = None,
    ) -> dict[str, Any]:
        voice = self._new_file("voice", user_id, content, 8000, duration=duration, mime_type=mime_type)
        body = {"voice": voice, **self._caption(caption)}
        return self._incoming(
            user_id,
            body,
            first_name=first_name,
            chat_id=chat_id,
            message_thread_id=message_thread_id,
            reply_to_message_id=reply_to_message_id,
        )

    def send_video(
        self,
        user_id: int,
        *,
        width: int = 1280,
        height: int = 720,
        duration: int = 5,
        file_name: str | None = "video.mp4",
        mime_type: str = "video/mp4",
        caption: str | None = None,
        content: bytes | None = None,
        first_name: str | None = None,
        chat_id: int | None = None,
        message_thread_id: int | None = None,
        reply_to_message_id: Since = None,
    ) -> dict[str, Any]:
        video = self._new_file(
            "video",
            user_id,
            content,
            50_000,
            width=width,
            height=height,
            duration=duration,
            mime_type=mime_type,
            file_name=file_name,
        )
        body = {"video": video, **self._caption(caption)}
        return self._incoming(
            user_id,
            body,
            first_name=first_name,
            chat_id=chat_id,
            message_thread_id=message_thread_id,
            reply_to_message_id=reply_to_message_id,
        )

    def send_document(
        self,
        user_id: int,
        *,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        content: bytes | None = None,
        first_name: str | None = None,
        chat_id: int | None = None,
        message_thread_id: int | None = None,
        reply_to_message_id: Since = None,
    ) -> dict[str, Any]:
        document = self._new_file(
            "document", user_id, content, 12_000, mime_type=mime_type, file_name=file_name
        )
        body = {"document": document, **self._caption(caption)}
        return self._incoming(
            user_id,
            body,
            first_name=first_name,
            chat_id=chat_id,
            message_thread_id=message_thread_id,
            reply_to_message_id=reply_to_message_id,
        )

    def send_contact(
        self,
        user_id: int,
        phone_number: str,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        own: bool = True,
    ) -> dict[str, Any]:
        """Share a contact; ``own=True`` (the "share my phone number" button) sets
        ``contact.user_id`` to the sender, as Telegram does."""
        with self.world.mutate() as world:
            sender = world.ensure_user(user_id)
            contact: dict[str, Any] = {
                "phone_number": phone_number,
                "first_name": first_name or (sender.first_name if own else "Contact"),
            }
            if last_name or (own and sender.last_name):
                contact["last_name"] = last_name or sender.last_name
            if own:
                contact["user_id"] = user_id
            return self._incoming(user_id, {"contact": contact})

    def send_location(
        self, user_id: int, latitude: float, longitude: float, *, horizontal_accuracy: float | None = None
    ) -> dict[str, Any]:
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if horizontal_accuracy is not None:
            location["horizontal_accuracy"] = horizontal_accuracy
        return self._incoming(user_id, {"location": location})

    def edit_text(
        self, user_id: int, message_id: int, text: str, *, chat_id: int | None = None
    ) -> dict[str, Any]:
        """The user edits one of their own text messages (queues an ``edited_message``)."""
        with self.world.mutate() as world:
            chat = self._chat_of(user_id, chat_id)
            message = world.find_message(chat, message_id)
            if message is None or message.data["from"]["id"] != user_id or "text" not in message.data:
                raise DriverError(f"user {user_id} has no text message {message_id} to edit")
            message.data["text"] = text
            entities = auto_entities(text)
            if entities:
                message.data["entities"] = entities
            else:
                message.data.pop("entities", None)
            message.data["edit_date"] = now()
            self._queue(chat, "edited_message", message.data)
            return copy.deepcopy(message.data)

    # --- keyboards -------------------------------------------------------------------------

    def press_button(
        self,
        user_id: int,
        message_id: int,
        callback_data: str | None = None,
        *,
        text: str | None = None,
        chat_id: int | None = None,
    ) -> str:
        """Press an inline button (by ``callback_data`` or by its label ``text``) on a bot
        message in the user's chat, or in group ``chat_id``. Queues a ``callback_query``;
        returns its id."""
        with self.world.mutate() as world:
            chat = self._chat_of(user_id, chat_id)
            message = world.find_message(chat, message_id)
            if message is None or not message.outgoing:
                raise DriverError(f"no bot message {message_id} in chat {chat.id}")
            buttons = inline_buttons(message.data.get("reply_markup"))
            button = next(
                (
                    b
                    for b in buttons
                    if "callback_data" in b
                    and (callback_data is None or b["callback_data"] == callback_data)
                    and (text is None or b["text"] == text)
                ),
                None,
            )
            if button is None or (callback_data is None and text is None):
                labels = [(b["text"], b.get("callback_data")) for b in buttons]
                raise DriverError(
                    f"message {message_id} has no callback button {callback_data or text!r}; it has {labels}"
                )
            return self._queue_press(world, chat, user_id, message.data, button["callback_data"])

    def forge_press(self, user_id: int, message_id: int, data: str, *, chat_id: int | None = None) -> str:
        """A press carrying ``data`` that the message's buttons do not (a forged or altered client, or a
        made-up update). Queues the ``callback_query``; returns its id."""
        with self.world.mutate() as world:
            chat = self._chat_of(user_id, chat_id)
            message = world.find_message(chat, message_id)
            if message is None:
                raise DriverError(f"no message {message_id} in chat {chat.id}")
            return self._queue_press(world, chat, user_id, message.data, data)

    def _queue_press(
        self, world: World, chat: ChatRecord, user_id: int, message: dict[str, Any], data: str
    ) -> str:
        query_id = world.new_callback_id()
        world.callbacks[query_id] = CallbackRecord(query_id, user_id, chat.id, message["message_id"], data)
        self._queue(
            chat,
            "callback_query",
            {
                "id": query_id,
                "from": world.users[user_id].user_json(),
                "message": message,
                "chat_instance": chat_instance(chat.id),
                "data": data,
            },
        )
        return query_id

    def reply_keyboard(self, chat_id: int) -> dict[str, Any] | None:
        """The ReplyKeyboardMarkup the user currently sees (None when removed or never sent)."""
        return self.world.read(lambda w: self._chat(chat_id).reply_keyboard)

    def tap_keyboard(self, user_id: int, text: str, *, phone_number: str = "+989121234567") -> dict[str, Any]:
        """Tap a button of the current reply keyboard: sends its text, or the user's own contact
        for a ``request_contact`` button (location buttons send Tehran's coordinates)."""
        with self.world.mutate():
            keyboard = self.reply_keyboard(user_id)
            button = next((b for b in keyboard_buttons(keyboard) if b["text"] == text), None)
            if keyboard is None or button is None:
                labels = [b["text"] for b in keyboard_buttons(keyboard)]
                raise DriverError(f"no reply keyboard button {text!r} in chat {user_id}; buttons: {labels}")
            if keyboard.get("one_time_keyboard"):
                self._chat(user_id).reply_keyboard = None
            if button.get("request_contact"):
                return self.send_contact(user_id, phone_number)
            if button.get("request_location"):
                return self.send_location(user_id, 35.6892, 51.3890)
            return self.send_text(user_id, text)

    # --- looking at the chat ---------------------------------------------------------------

    def _chat(self, chat_id: int) -> ChatRecord:
        chat = self.world.find_chat(chat_id)
        if chat is None:
            hint = "the user has not written to the bot yet" if chat_id > 0 else "create_group first"
            raise UnknownChatError(f"no chat {chat_id}: {hint}")
        return chat

    def transcript(
        self, chat_id: int, *, include_deleted: bool = False, message_thread_id: int | None = None
    ) -> list[dict[str, Any]]:
        """Every message of the chat (or of one forum topic), both ways, in order (current
        content after edits), service messages such as ``forum_topic_created`` included."""

        def read(world: World) -> list[dict[str, Any]]:
            chat = world.find_chat(chat_id)
            if chat is None:
                return []
            return [
                m.data
                for m in chat.messages.values()
                if (include_deleted or not m.deleted)
                and message_thread_id in (None, m.data.get("message_thread_id"))
            ]

        return self.world.read(read)

    def bot_messages(
        self, chat_id: int, *, since: Since = None, message_thread_id: int | None = None
    ) -> list[dict[str, Any]]:
        """What the bot said in the chat (or in one forum topic) and did not delete, after
        message ``since`` if given. Service messages are left out."""
        after = _message_id(since)
        return [
            m
            for m in self.transcript(chat_id, message_thread_id=message_thread_id)
            if m["from"]["is_bot"] and not is_service(m) and m["message_id"] > after
        ]

    def bot_message_counts(self) -> dict[int, int]:
        """How many messages the bot has sent into each private chat (for bulk-sending checks)."""

        def read(world: World) -> dict[int, int]:
            return {
                chat.id: sum(1 for m in chat.messages.values() if m.outgoing and not m.deleted)
                for chat in world.chats.values()
                if chat.user_id is not None
            }

        return self.world.read(read)

    def last_bot_message(self, chat_id: int) -> dict[str, Any] | None:
        messages = self.bot_messages(chat_id)
        return messages[-1] if messages else None

    def mark(self, chat_id: int) -> int:
        """The chat's newest message id: pass it as ``since`` to see only what comes next."""
        return self.world.read(lambda w: (c.next_message_id - 1) if (c := w.find_chat(chat_id)) else 0)

    def reply_markup_of(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The markup the bot sent with a message, including reply keyboards (which, as on
        Telegram, are not part of the Message object)."""

        def read(world: World) -> dict[str, Any] | None:
            message = self._chat(chat_id).messages.get(message_id)
            return message.reply_markup if message else None

        return self.world.read(read)

    def chat_actions(self, chat_id: int) -> list[str]:
        return self.world.read(lambda w: c.actions if (c := w.find_chat(chat_id)) else [])

    def callback_answers(self, callback_query_id: str | None = None) -> list[dict[str, Any]]:
        """answerCallbackQuery calls received (text, show_alert, url, cache_time, ...)."""
        return self.world.read(
            lambda w: [
                r.answer
                for r in w.callbacks.values()
                if r.answer is not None and callback_query_id in (None, r.id)
            ]
        )

    def edits(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Edits the bot made ({chat_id, message_id, text/entities/caption/reply_markup})."""
        return self.world.read(lambda w: [e for e in w.edits if chat_id in (None, e["chat_id"])])

    def commands(
        self, *, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code)
        return self.world.read(lambda w: w.commands.get(key, []))

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by the bot (getUpdates offset) or delivered by webhook."""
        return self.world.read(lambda w: w.updates)

    def api_calls(self, method: str | None = None) -> list[dict[str, Any]]:
        """Bot API requests received, oldest first (the last 10 000):
        ``{method, params, ok, error_code?, description?}``; ``method`` is the canonical name."""
        wanted = method.lower() if method else None
        return self.world.read(lambda w: [c for c in w.calls if wanted in (None, c["method"].lower())])

    def reset(self) -> None:
        """Forget all users, chats, updates, files, commands and call history."""
        self.world.reset()

    # --- waiting ---------------------------------------------------------------------------

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Block until ``predicate()`` is true (re-checked after every change); False on timeout."""
        self._assert_may_block()
        return self.world.wait_until(lambda _world: predicate(), timeout)

    def wait_for_bot_messages(
        self,
        chat_id: int,
        count: int = 1,
        *,
        since: Since = None,
        timeout: float = 5.0,
        message_thread_id: int | None = None,
    ) -> list[dict[str, Any]]:
        """Block until the bot has sent at least ``count`` messages to the chat (or forum topic)
        after ``since`` (a message dict such as the one ``send_text`` returned, a message id, or
        ``mark()``). Returns all of them; raises TimeoutError showing the transcript otherwise."""
        self._assert_may_block()

        def sent() -> list[dict[str, Any]]:
            return self.bot_messages(chat_id, since=since, message_thread_id=message_thread_id)

        if not self.world.wait_until(lambda _w: len(sent()) >= count, timeout):
            raise self._timeout(chat_id, count, since, timeout, message_thread_id)
        return sent()

    async def wait_for_bot_messages_async(
        self,
        chat_id: int,
        count: int = 1,
        *,
        since: Since = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - mirrors wait_for_bot_messages
        message_thread_id: int | None = None,
    ) -> list[dict[str, Any]]:
        """Like :meth:`wait_for_bot_messages`, for coroutines (also on the server's own loop)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout

        def sent() -> list[dict[str, Any]]:
            return self.bot_messages(chat_id, since=since, message_thread_id=message_thread_id)

        while len(sent()) < count:
            if loop.time() >= deadline:
                raise self._timeout(chat_id, count, since, timeout, message_thread_id)
            await asyncio.sleep(0.01)
        return sent()

    def wait_for_callback_answer(self, callback_query_id: str, timeout: float = 5.0) -> dict[str, Any]:
        self._assert_may_block()
        if not self.world.wait_until(lambda _w: bool(self.callback_answers(callback_query_id)), timeout):
            raise TimeoutError(f"callback query {callback_query_id} was not answered within {timeout}s")
        return self.callback_answers(callback_query_id)[0]

    def _timeout(
        self, chat_id: int, count: int, since: Since, timeout: float, message_thread_id: int | None
    ) -> TimeoutError:
        got = self.bot_messages(chat_id, since=since, message_thread_id=message_thread_id)
        lines = [
            f"  {'bot ' if m['from']['is_bot'] else 'user'} #{m['message_id']}: "
            f"{m.get('text') or m.get('caption') or [k for k in m if k in _SHOWN_KINDS] or '?'}"
            for m in self.transcript(chat_id, message_thread_id=message_thread_id)[-12:]
        ]
        where = f"chat {chat_id}" + (f" topic {message_thread_id}" if message_thread_id else "")
        return TimeoutError(
            f"waited {timeout}s for {count} bot message(s) in {where} after "
            f"#{_message_id(since)}, got {len(got)}. Transcript tail:\n" + "\n".join(lines)
        )


_SHOWN_KINDS = (
    "photo",
    "sticker",
    "voice",
    "video",
    "document",
    "contact",
    "location",
    "audio",
    *SERVICE_KEYS,
)

"""The user side: what people do in their Telegram app, plus ways to look at and wait on the chat.

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
from collections.abc import Callable
from typing import Any

from localapi.errors import DriverError, UnknownChatError
from localapi.formatting import auto_entities, format_text
from localapi.objects import chat_instance, inline_buttons, keyboard_buttons
from localapi.state import CallbackRecord, ChatRecord, World, now

Since = int | dict[str, Any] | None


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

    # --- sending as a user -----------------------------------------------------------------

    def _incoming(
        self,
        user_id: int,
        body: dict[str, Any],
        *,
        first_name: str | None = None,
        reply_to: Since = None,
    ) -> dict[str, Any]:
        with self.world.mutate() as world:
            user = world.ensure_user(user_id, first_name)
            if user.blocked_bot:
                self._set_blocked(user_id, False)  # writing to a blocked bot means pressing "Restart"
            chat = world.chats[user_id]
            if reply_to is not None:
                target = world.find_message(chat, _message_id(reply_to))
                if target is None:
                    raise DriverError(f"no message {_message_id(reply_to)} in chat {user_id} to reply to")
                body = {**body, "reply_to_message": world.reply_snapshot(target)}
            message = world.add_message(chat, outgoing=False, body=body)
            world.queue_update("message", message.data)
            return copy.deepcopy(message.data)

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
        reply_to: Since = None,
        parse_mode: str | None = None,
    ) -> dict[str, Any]:
        """The user sends ``text``; commands, mentions, URLs... get entities as on Telegram."""
        plain, entities = format_text(text, parse_mode)
        if not plain:
            raise DriverError("Telegram clients do not send empty messages")
        body: dict[str, Any] = {"text": plain}
        if entities:
            body["entities"] = entities
        return self._incoming(user_id, body, first_name=first_name, reply_to=reply_to)

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
        return self._incoming(user_id, {"sticker": sticker}, first_name=first_name)

    def send_photo(
        self,
        user_id: int,
        *,
        width: int = 1280,
        height: int = 960,
        caption: str | None = None,
        content: bytes | None = None,
        first_name: str | None = None,
    ) -> dict[str, Any]:
        data = content if content is not None else _placeholder("photo", user_id, 4096)
        photo = self.world.new_photo(data, width, height)
        return self._incoming(user_id, {"photo": photo, **self._caption(caption)}, first_name=first_name)

    def send_voice(
        self,
        user_id: int,
        *,
        duration: int = 3,
        mime_type: str = "audio/ogg",
        caption: str | None = None,
        content: bytes | None = None,
        first_name: str | None = None,
    ) -> dict[str, Any]:
        voice = self._new_file("voice", user_id, content, 8000, duration=duration, mime_type=mime_type)
        return self._incoming(user_id, {"voice": voice, **self._caption(caption)}, first_name=first_name)

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
        return self._incoming(user_id, {"video": video, **self._caption(caption)}, first_name=first_name)

    def send_document(
        self,
        user_id: int,
        *,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        content: bytes | None = None,
        first_name: str | None = None,
    ) -> dict[str, Any]:
        document = self._new_file(
            "document", user_id, content, 12_000, mime_type=mime_type, file_name=file_name
        )
        return self._incoming(
            user_id, {"document": document, **self._caption(caption)}, first_name=first_name
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

    def edit_text(self, user_id: int, message_id: int, text: str) -> dict[str, Any]:
        """The user edits one of their own text messages (queues an ``edited_message``)."""
        with self.world.mutate() as world:
            chat = self._chat(user_id)
            message = world.find_message(chat, message_id)
            if message is None or message.outgoing or "text" not in message.data:
                raise DriverError(f"user {user_id} has no text message {message_id} to edit")
            message.data["text"] = text
            entities = auto_entities(text)
            if entities:
                message.data["entities"] = entities
            else:
                message.data.pop("entities", None)
            message.data["edit_date"] = now()
            world.queue_update("edited_message", message.data)
            return copy.deepcopy(message.data)

    # --- keyboards -------------------------------------------------------------------------

    def press_button(
        self,
        user_id: int,
        message_id: int,
        callback_data: str | None = None,
        *,
        text: str | None = None,
    ) -> str:
        """Press an inline button (by ``callback_data`` or by its label ``text``) on a bot
        message in the user's chat. Queues a ``callback_query``; returns its id."""
        with self.world.mutate() as world:
            chat = self._chat(user_id)
            message = world.find_message(chat, message_id)
            if message is None or not message.outgoing:
                raise DriverError(f"no bot message {message_id} in chat {user_id}")
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
            query_id = world.new_callback_id()
            world.callbacks[query_id] = CallbackRecord(
                query_id, user_id, chat.id, message_id, button["callback_data"]
            )
            world.queue_update(
                "callback_query",
                {
                    "id": query_id,
                    "from": world.users[user_id].user_json(),
                    "message": message.data,
                    "chat_instance": chat_instance(chat.id),
                    "data": button["callback_data"],
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
            raise UnknownChatError(f"no chat {chat_id}: the user has not written to the bot yet")
        return chat

    def transcript(self, chat_id: int, *, include_deleted: bool = False) -> list[dict[str, Any]]:
        """Every message of the chat, both ways, in order (current content after edits)."""

        def read(world: World) -> list[dict[str, Any]]:
            chat = world.find_chat(chat_id)
            if chat is None:
                return []
            return [m.data for m in chat.messages.values() if include_deleted or not m.deleted]

        return self.world.read(read)

    def bot_messages(self, chat_id: int, *, since: Since = None) -> list[dict[str, Any]]:
        """The bot's (non-deleted) messages in the chat, after message ``since`` if given."""
        after = _message_id(since)
        return [m for m in self.transcript(chat_id) if m["from"]["is_bot"] and m["message_id"] > after]

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
        self, chat_id: int, count: int = 1, *, since: Since = None, timeout: float = 5.0
    ) -> list[dict[str, Any]]:
        """Block until the bot has sent at least ``count`` messages to the chat after ``since``
        (a message dict such as the one ``send_text`` returned, a message id, or ``mark()``).
        Returns all of them; raises TimeoutError showing the transcript otherwise."""
        self._assert_may_block()
        if not self.world.wait_until(
            lambda _w: len(self.bot_messages(chat_id, since=since)) >= count, timeout
        ):
            raise self._timeout(chat_id, count, since, timeout)
        return self.bot_messages(chat_id, since=since)

    async def wait_for_bot_messages_async(
        self,
        chat_id: int,
        count: int = 1,
        *,
        since: Since = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - mirrors wait_for_bot_messages
    ) -> list[dict[str, Any]]:
        """Like :meth:`wait_for_bot_messages`, for coroutines (also on the server's own loop)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.bot_messages(chat_id, since=since)) < count:
            if loop.time() >= deadline:
                raise self._timeout(chat_id, count, since, timeout)
            await asyncio.sleep(0.01)
        return self.bot_messages(chat_id, since=since)

    def wait_for_callback_answer(self, callback_query_id: str, timeout: float = 5.0) -> dict[str, Any]:
        self._assert_may_block()
        if not self.world.wait_until(lambda _w: bool(self.callback_answers(callback_query_id)), timeout):
            raise TimeoutError(f"callback query {callback_query_id} was not answered within {timeout}s")
        return self.callback_answers(callback_query_id)[0]

    def _timeout(self, chat_id: int, count: int, since: Since, timeout: float) -> TimeoutError:
        got = self.bot_messages(chat_id, since=since)
        lines = [
            f"  {'bot ' if m['from']['is_bot'] else 'user'} #{m['message_id']}: "
            f"{m.get('text') or m.get('caption') or [k for k in m if k in _MEDIA] or '?'}"
            for m in self.transcript(chat_id)[-12:]
        ]
        return TimeoutError(
            f"waited {timeout}s for {count} bot message(s) in chat {chat_id} after "
            f"#{_message_id(since)}, got {len(got)}. Transcript tail:\n" + "\n".join(lines)
        )


_MEDIA = ("photo", "sticker", "voice", "video", "document", "contact", "location", "audio")

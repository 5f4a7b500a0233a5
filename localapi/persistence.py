"""A world kept on disk, so that a restarted server (local mode's) still shows its chats and goes on
numbering updates, messages and files where it stopped.

``<directory>/world.json`` holds everything but the files' contents, which are kept once each in
``<directory>/files/<sha1>``. Every file is written whole under a temporary name and then renamed, so a
process killed halfway leaves the previous state, never half of one. Logs kept for tests' assertions
(Bot API calls, edits, chat actions) and momentary things ("typing…", the webhook, ``allowed_updates``)
are not kept: a bot sets the latter again when it starts.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from localapi.state import (
    CallbackRecord,
    ChatRecord,
    FileRecord,
    StoredMessage,
    TopicRecord,
    UserRecord,
    World,
)

log = logging.getLogger(__name__)

FORMAT = 1
STATE_FILE = "world.json"
FILES_DIR = "files"
FILE_FIELDS = tuple(f.name for f in fields(FileRecord) if f.name != "content")


class UnusableStateError(ValueError):
    """The saved state cannot be loaded (another format, another bot, a damaged file)."""


def _replace(path: Path, content: bytes) -> None:
    """Write ``path`` whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.tmp")
    with temporary.open("wb") as file:
        file.write(content)
        file.flush()
        os.fsync(file.fileno())
    temporary.replace(path)


def _chat_json(chat: ChatRecord) -> dict[str, Any]:
    return {
        "id": chat.id,
        "user_id": chat.user_id,
        "next_message_id": chat.next_message_id,
        "reply_keyboard": chat.reply_keyboard,
        "title": chat.title,
        "is_forum": chat.is_forum,
        "members": sorted(chat.members),
        "bot_is_admin": chat.bot_is_admin,
        "bot_removed": chat.bot_removed,
        "topics": [asdict(topic) for topic in chat.topics.values()],
        "messages": [asdict(message) for message in chat.messages.values()],
    }


def _chat_from_json(data: dict[str, Any]) -> ChatRecord:
    messages = [StoredMessage(**message) for message in data["messages"]]
    topics = [TopicRecord(**topic) for topic in data["topics"]]
    return ChatRecord(
        id=data["id"],
        user_id=data["user_id"],
        messages={message.message_id: message for message in messages},
        next_message_id=data["next_message_id"],
        reply_keyboard=data["reply_keyboard"],
        title=data["title"],
        is_forum=data["is_forum"],
        members=set(data["members"]),
        bot_is_admin=data["bot_is_admin"],
        bot_removed=data["bot_removed"],
        topics={topic.thread_id: topic for topic in topics},
    )


def snapshot(world: World, content_key: Callable[[FileRecord], str]) -> dict[str, Any]:
    """What is kept of ``world``, as JSON; ``content_key`` names where each file's content is kept.
    The caller holds the world's lock."""
    return {
        "format": FORMAT,
        "bot_id": world.bot.id,
        "next_update_id": world.next_update_id,
        "updates": world.updates,
        "next_file_number": world.file_ids.next_number,
        "callback_counter": world.callback_counter,
        "users": [asdict(user) for user in world.users.values()],
        "chats": [_chat_json(chat) for chat in world.chats.values()],
        "files": [
            {**{name: getattr(record, name) for name in FILE_FIELDS}, "content": content_key(record)}
            for record in world.files.values()
        ],
        "callbacks": [asdict(callback) for callback in world.callbacks.values()],
        "commands": [[scope, language, commands] for (scope, language), commands in world.commands.items()],
        "profile": [[name, language, value] for (name, language), value in world.profile.items()],
        "read_marks": [[*key, message_id] for key, message_id in world.read_marks.items()],
        "last_open": [[user_id, chat_id, thread] for user_id, (chat_id, thread) in world.last_open.items()],
    }


@dataclass
class _Restored:
    """A saved world, read completely before any of it replaces the running one."""

    data: dict[str, Any]
    users: dict[int, UserRecord]
    chats: dict[int, ChatRecord]
    files: dict[str, FileRecord]
    callbacks: dict[str, CallbackRecord]

    def apply(self, world: World) -> None:
        """Replace ``world``'s contents; the caller holds the lock (inside :meth:`World.mutate`)."""
        data = self.data
        world.users, world.chats = self.users, self.chats
        world.files, world.callbacks = self.files, self.callbacks
        world.updates = data["updates"]
        world.next_update_id = data["next_update_id"]
        world.file_ids.next_number = data["next_file_number"]
        world.callback_counter = data["callback_counter"]
        world.commands = {(scope, language): commands for scope, language, commands in data["commands"]}
        world.profile = {(name, language): value for name, language, value in data["profile"]}
        world.read_marks = {(user, chat, thread): read for user, chat, thread, read in data["read_marks"]}
        world.last_open = {user: (chat, thread) for user, chat, thread in data["last_open"]}


class WorldStore:
    """Loads a world from a directory and writes it back there whenever :meth:`save` finds it changed."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._lock = threading.Lock()  # one save at a time, whichever thread asks
        # world.json as last loaded or written: an unchanged world is not written again
        self._written: str | None = None
        self._content_keys: dict[str, str] = {}  # file id -> sha1 of its content (files never change)
        self._contents_on_disk: set[str] = set()

    @property
    def path(self) -> Path:
        return self.directory / STATE_FILE

    def _content_path(self, key: str) -> Path:
        return self.directory / FILES_DIR / key

    # --- loading ---------------------------------------------------------------------------

    def load(self, world: World) -> bool:
        """Fill ``world`` with the saved state; False if there is none. A state that cannot be used is
        renamed aside (and said so in the log), and ``world`` is left as it was."""
        with self._lock:
            if not self.path.exists():
                return False
            try:
                text = self.path.read_text(encoding="utf-8")
                restored = self._restore(json.loads(text), world)
            except (UnusableStateError, ValueError, KeyError, TypeError) as error:
                aside = self.path.with_name(f"{STATE_FILE}.unreadable-{int(time.time())}")
                self.path.replace(aside)
                log.warning("the saved chats in %s cannot be used (%s): starting empty; kept as %s",
                            self.path, error, aside.name)  # fmt: skip
                return False
            with world.mutate():
                restored.apply(world)
            self._written = text
            return True

    def _restore(self, data: Any, world: World) -> _Restored:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise UnusableStateError(f"not a saved world of format {FORMAT}")
        if data["bot_id"] != world.bot.id:
            raise UnusableStateError(f"saved for bot {data['bot_id']}, this server is bot {world.bot.id}")
        users = [UserRecord(**user) for user in data["users"]]
        chats = [_chat_from_json(chat) for chat in data["chats"]]
        files = [record for saved in data["files"] if (record := self._file_from_json(saved))]
        callbacks = [CallbackRecord(**callback) for callback in data["callbacks"]]
        return _Restored(
            data,
            users={user.id: user for user in users},
            chats={chat.id: chat for chat in chats},
            files={record.file_id: record for record in files},
            callbacks={callback.id: callback for callback in callbacks},
        )

    def _file_from_json(self, saved: dict[str, Any]) -> FileRecord | None:
        key = saved.pop("content")
        try:
            content = self._content_path(key).read_bytes()
        except FileNotFoundError:
            log.warning("the content of file %s is missing from %s", saved["file_id"], self.directory)
            return None
        self._content_keys[saved["file_id"]] = key
        self._contents_on_disk.add(key)
        return FileRecord(content=content, **saved)

    # --- saving ----------------------------------------------------------------------------

    def save(self, world: World) -> bool:
        """Write ``world`` if it changed since it was last loaded or written; True if it was written."""
        with self._lock:
            new_contents: dict[str, bytes] = {}

            def content_key(record: FileRecord) -> str:
                key = self._content_keys.get(record.file_id)
                if key is None:
                    key = self._content_keys[record.file_id] = hashlib.sha1(record.content).hexdigest()
                if key not in self._contents_on_disk:
                    new_contents[key] = record.content
                return key

            text = world.read(lambda w: json.dumps(snapshot(w, content_key), ensure_ascii=False))
            if text == self._written:
                return False
            for key, content in new_contents.items():  # first the contents, which world.json names
                _replace(self._content_path(key), content)
                self._contents_on_disk.add(key)
            _replace(self.path, text.encode())
            self._written = text
            return True

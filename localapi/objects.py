"""Builders for Bot API JSON objects (https://core.telegram.org/bots/api#available-types).

Everything the server hands out is a plain ``dict`` in exactly the shape Telegram uses, so any
client library (and ``telegram.Update.de_json``) parses it as it would a real response.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field
from typing import Any

from localapi.errors import bad_request


@dataclass
class BotIdentity:
    id: int
    first_name: str
    username: str

    def user_json(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": True, "first_name": self.first_name, "username": self.username}

    def get_me_json(self) -> dict[str, Any]:
        return {
            **self.user_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }


@dataclass
class UserRecord:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "fa"
    blocked_bot: bool = False

    def user_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def private_chat_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data

    def chat_full_info_json(self) -> dict[str, Any]:
        return full_info_json(self.private_chat_json())


def full_info_json(chat: dict[str, Any]) -> dict[str, Any]:
    """A Chat as getChat answers it (ChatFullInfo): the Chat plus the fields that are always there."""
    return {
        **chat,
        "accent_color_id": abs(chat["id"]) % 7,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": True,
            "limited_gifts": True,
            "unique_gifts": True,
            "premium_subscription": True,
        },
    }


# What the bot may do as an administrator of a group (ChatMemberAdministrator without status/user).
BOT_ADMIN_RIGHTS: dict[str, bool] = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": True,
    "can_edit_stories": True,
    "can_delete_stories": True,
    "can_pin_messages": True,
    "can_manage_topics": True,
}


def chat_instance(chat_id: int) -> str:
    """A stable opaque id for callback queries, like Telegram's global chat identifier."""
    return str(int(hashlib.sha1(str(chat_id).encode()).hexdigest()[:15], 16))


# --- files --------------------------------------------------------------------------------------

FILE_KINDS: dict[str, tuple[str, str, str]] = {
    # kind: (file_path folder, default extension, default MIME type)
    "photo": ("photos", "jpg", "image/jpeg"),
    "document": ("documents", "bin", "application/octet-stream"),
    "sticker": ("stickers", "webp", "image/webp"),
    "voice": ("voice", "oga", "audio/ogg"),
    "video": ("videos", "mp4", "video/mp4"),
    "audio": ("music", "mp3", "audio/mpeg"),
}


@dataclass
class FileRecord:
    file_id: str
    file_unique_id: str
    kind: str
    file_path: str
    content: bytes
    mime_type: str | None = None
    file_name: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # width/height/duration/emoji/... per kind

    @property
    def file_size(self) -> int:
        return len(self.content)

    def file_json(self) -> dict[str, Any]:
        """The ``File`` object returned by getFile."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "file_path": self.file_path,
        }

    def base_json(self) -> dict[str, Any]:
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id, "file_size": self.file_size}

    def media_json(self) -> dict[str, Any]:
        """The object as it appears in a message (PhotoSize, Document, Voice, Sticker, ...)."""
        data = {**self.base_json(), **self.extra}
        if self.kind in ("document", "voice", "video", "audio"):
            data["mime_type"] = self.mime_type
        if self.file_name and self.kind in ("document", "video", "audio"):
            data["file_name"] = self.file_name
        return data


class FileIds:
    """Deterministic but Telegram-looking file identifiers."""

    def __init__(self) -> None:
        self.next_number = 1  # kept across restarts, so a new file never takes an old one's path

    def new(
        self, kind: str, content: bytes, *, mime_type: str | None = None, file_name: str | None = None
    ) -> FileRecord:
        number = self.next_number
        self.next_number += 1
        digest = hashlib.sha1(content + str(number).encode()).hexdigest()
        folder, ext, default_mime = FILE_KINDS.get(kind, FILE_KINDS["document"])
        if file_name and "." in file_name:
            ext = file_name.rsplit(".", 1)[1]
        return FileRecord(
            file_id=f"LA{kind[:2].upper()}{number:06d}{digest[:24]}",
            file_unique_id=f"U{number:06d}{digest[:8]}",
            kind=kind,
            file_path=f"{folder}/file_{number}.{ext}",
            content=content,
            mime_type=mime_type or default_mime,
            file_name=file_name,
        )


def image_size(content: bytes) -> tuple[int, int] | None:
    """Width/height of a PNG, GIF or JPEG, so uploaded photos report honest dimensions."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        width, height = struct.unpack("<HH", content[6:10])
        return int(width), int(height)
    if content.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(content):
            if content[i] != 0xFF:
                break
            marker = content[i + 1]
            size = struct.unpack(">H", content[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", content[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + size
    return None


# --- keyboards ----------------------------------------------------------------------------------

_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def normalize_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate a reply_markup the way Telegram does and return its canonical JSON."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
        for row in rows:
            for button in row:
                _check_inline_button(button)
        return {"inline_keyboard": [[dict(b) for b in row] for row in rows]}
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request("can't parse reply keyboard markup JSON object")
        normalized = [[{"text": b} if isinstance(b, str) else dict(b) for b in row] for row in rows]
        if any(not isinstance(b.get("text"), str) or not b["text"] for row in normalized for b in row):
            raise bad_request("keyboard button text must be non-empty")
        return {**markup, "keyboard": normalized}
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return dict(markup)
    raise bad_request("can't parse reply keyboard markup JSON object")


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse inline keyboard button: Text must be encoded in UTF-8")
    if not button["text"]:
        raise bad_request("BUTTON_TEXT_EMPTY")
    actions = [key for key in _INLINE_ACTIONS if key in button]
    if not actions:
        raise bad_request("text buttons are unallowed in the inline keyboard")
    data = button.get("callback_data")
    if data is not None and (not isinstance(data, str) or not 1 <= len(data.encode()) <= 64):
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not (isinstance(url, str) and url.split(":", 1)[0] in ("http", "https", "tg")):
        raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def inline_buttons(markup: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not markup or "inline_keyboard" not in markup:
        return []
    return [button for row in markup["inline_keyboard"] for button in row]


def keyboard_buttons(markup: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not markup or "keyboard" not in markup:
        return []
    return [button for row in markup["keyboard"] for button in row]

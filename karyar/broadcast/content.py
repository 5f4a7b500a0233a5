"""What an announcement says and which buttons it carries, checked before anything is stored.

Content is kept as Telegram needs it to send the message again exactly: the text (or a photo's caption)
with its formatting entities as Telegram gave them, and the photo as a file_id, or as a local file the
first delivery uploads (the file_id Telegram returns is then reused).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
BUTTON_TITLE_LIMIT = 64
MAX_BUTTONS = 5
BUTTON_KINDS = ("course", "interest", "link")


class ContentError(ValueError):
    """An announcement Telegram would refuse or clients could not use; the message says what to fix."""


@dataclass(frozen=True)
class Content:
    text: str
    entities: tuple[dict[str, Any], ...] = ()
    photo: str | None = None  # a Telegram file_id
    photo_path: str | None = None  # a local image, uploaded by the first delivery

    @property
    def has_photo(self) -> bool:
        return bool(self.photo or self.photo_path)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Content:
        content = cls(
            text=str(data.get("text") or ""),
            entities=tuple(data.get("entities") or ()),
            photo=data.get("photo") or None,
            photo_path=data.get("photo_path") or None,
        )
        content.check()
        return content

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "entities": list(self.entities)}
        if self.photo:
            data["photo"] = self.photo
        if self.photo_path:
            data["photo_path"] = self.photo_path
        return data

    def check(self) -> None:
        if self.has_photo:
            if len(self.text) > CAPTION_LIMIT:
                raise ContentError(
                    f"a photo's caption may have at most {CAPTION_LIMIT} characters, this one has {len(self.text)}"
                )
        elif not self.text.strip():
            raise ContentError("an announcement needs a text or a photo")
        elif len(self.text) > TEXT_LIMIT:
            raise ContentError(
                f"a text may have at most {TEXT_LIMIT} characters, this one has {len(self.text)}"
            )
        if self.photo_path and not Path(self.photo_path).is_file():
            raise ContentError(f"the photo {self.photo_path} does not exist")


def check_buttons(buttons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The buttons in their stored shape; raises ContentError naming the first bad one."""
    if len(buttons) > MAX_BUTTONS:
        raise ContentError(f"at most {MAX_BUTTONS} buttons, got {len(buttons)}")
    checked = []
    for number, button in enumerate(buttons, start=1):
        kind = button.get("kind")
        title = str(button.get("title") or "").strip()
        if kind not in BUTTON_KINDS:
            raise ContentError(f"button {number}: kind must be one of {BUTTON_KINDS}, got {kind!r}")
        if not title or len(title) > BUTTON_TITLE_LIMIT:
            raise ContentError(f"button {number}: a title of 1 to {BUTTON_TITLE_LIMIT} characters is needed")
        entry: dict[str, Any] = {"kind": kind, "title": title}
        if kind == "course":
            if not isinstance(button.get("course_id"), int):
                raise ContentError(f"button {number}: a course button needs the course's id")
            entry["course_id"] = button["course_id"]
        if kind == "link":
            url = str(button.get("url") or "")
            parsed = urlparse(url)
            if parsed.scheme not in ("http", "https", "tg") or not (parsed.netloc or parsed.scheme == "tg"):
                raise ContentError(f"button {number}: {url!r} is not an http(s) or tg:// link")
            entry["url"] = url
        checked.append(entry)
    return checked

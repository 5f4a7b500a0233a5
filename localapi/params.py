"""Typed access to Bot API request parameters.

Telegram accepts the same parameters as a JSON body, urlencoded/multipart form fields or query
string. Form values are always strings, and objects inside forms are JSON-encoded strings (this is
what python-telegram-bot sends), so every getter here accepts both the native and the string form.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from localapi.errors import bad_request


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    field: str
    filename: str
    content_type: str
    content: bytes


class Params:
    def __init__(self, values: Mapping[str, Any], files: Mapping[str, UploadedFile] | None = None) -> None:
        self._values = dict(values)
        self._files = dict(files or {})

    def __contains__(self, name: str) -> bool:
        return self.raw(name) is not None or name in self._files

    def given(self, name: str) -> bool:
        """Whether the request has the parameter at all, even empty (where emptiness means
        something, such as "remove the icon")."""
        return name in self._values or name in self._files

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    def raw(self, name: str) -> Any:
        value = self._values.get(name)
        # Telegram treats an empty form field like a missing one.
        return None if value == "" else value

    def get_str(self, name: str, *, missing: str | None = None) -> str | None:
        value = self.raw(name)
        if value is None:
            if missing is not None:
                raise bad_request(missing)
            return None
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False)
        return value if isinstance(value, str) else str(value)

    def get_int(self, name: str, *, missing: str | None = None, invalid: str | None = None) -> int | None:
        value = self.raw(name)
        if value is None:
            if missing is not None:
                raise bad_request(missing)
            return None
        if isinstance(value, bool):
            value = int(value)
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise bad_request(invalid or f"invalid {name} specified") from None

    def get_float(self, name: str, *, missing: str | None = None) -> float | None:
        value = self.raw(name)
        if value is None:
            if missing is not None:
                raise bad_request(missing)
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_bool(self, name: str, default: bool = False) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in ("true", "1", "yes", "on")

    def get_json(self, name: str, *, invalid: str) -> Any:
        """An object/array parameter; ``invalid`` is Telegram's text for an unparsable value."""
        value = self.raw(name)
        if value is None or isinstance(value, (dict, list)):
            return value
        try:
            return json.loads(value)
        except (TypeError, ValueError):
            raise bad_request(invalid) from None

    def chat_id(self, name: str = "chat_id") -> int | str:
        value = self.raw(name)
        if value is None:
            raise bad_request(f"{name} is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        if text.startswith("@"):
            return text
        try:
            return int(text)
        except ValueError:
            raise bad_request("chat not found") from None

    def input_file(self, name: str) -> UploadedFile | str | None:
        """A file parameter: an uploaded part (directly or via ``attach://<part>``) or a string
        that is a file_id or an HTTP URL."""
        if name in self._files:
            return self._files[name]
        value = self.get_str(name)
        if value is None:
            return None
        return self.file_reference(value)

    def file_reference(self, value: str) -> UploadedFile | str:
        """An ``attach://<part>`` reference resolved to its uploaded part; a file_id or URL as it is."""
        if value.startswith("attach://"):
            part = self._files.get(value.removeprefix("attach://"))
            if part is None:
                raise bad_request(f"wrong file identifier/HTTP URL specified: part {value} not found")
            return part
        return value

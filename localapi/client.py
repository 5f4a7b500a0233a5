"""A small synchronous client for the ``/_local/`` control API, for code in another process
(e.g. an e2e test driving a server started with ``python -m localapi``).

Method names and results mirror :class:`~localapi.driver.UserDriver`.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any

import httpx

from localapi.errors import DriverError, UnknownChatError

Since = int | dict[str, Any] | None


def _since(since: Since) -> int:
    if since is None:
        return 0
    return int(since["message_id"]) if isinstance(since, dict) else int(since)


class LocalApiClient:
    def __init__(self, url: str, *, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.Client(base_url=f"{self.url}/_local", timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> LocalApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(
        self,
        verb: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        http_timeout: float | None = None,
        **query: Any,
    ) -> Any:
        params = {k: v for k, v in query.items() if v is not None}
        timeout = httpx.USE_CLIENT_DEFAULT if http_timeout is None else http_timeout
        response = self._http.request(verb, path, json=body, params=params, timeout=timeout)
        data = response.json()
        if data.get("ok"):
            return data["result"]
        if response.status_code == 408:
            raise TimeoutError(data["description"])
        if response.status_code == 404:
            raise UnknownChatError(data["description"])
        raise DriverError(data.get("description", response.text))

    # --- acting as users -------------------------------------------------------------------

    def info(self) -> dict[str, Any]:
        return self._call("GET", "/")

    def add_user(self, user_id: int, first_name: str | None = None, **profile: Any) -> dict[str, Any]:
        return self._call("POST", "/users", {"user_id": user_id, "first_name": first_name, **profile})

    def send(self, user_id: int, type_: str = "text", **fields: Any) -> dict[str, Any]:
        """``fields`` are the keywords of the driver's ``send_<type_>``: caption, chat_id,
        message_thread_id, reply_to_message_id (an id or a message dict), ..."""
        if isinstance(fields.get("content"), bytes):
            fields["content_base64"] = base64.b64encode(fields.pop("content")).decode()
        return self._call("POST", "/send", {"user_id": user_id, "type": type_, **fields})

    def send_text(self, user_id: int, text: str, **fields: Any) -> dict[str, Any]:
        return self.send(user_id, "text", text=text, **fields)

    def send_sticker(self, user_id: int, emoji: str = "😀", **fields: Any) -> dict[str, Any]:
        return self.send(user_id, "sticker", emoji=emoji, **fields)

    def send_photo(self, user_id: int, **fields: Any) -> dict[str, Any]:
        return self.send(user_id, "photo", **fields)

    def send_voice(self, user_id: int, **fields: Any) -> dict[str, Any]:
        return self.send(user_id, "voice", **fields)

    def send_video(self, user_id: int, **fields: Any) -> dict[str, Any]:
        return self.send(user_id, "video", **fields)

    def send_document(self, user_id: int, **fields: Any) -> dict[str, Any]:
        return self.send(user_id, "document", **fields)

    def send_contact(self, user_id: int, phone_number: str, **fields: Any) -> dict[str, Any]:
        return self.send(user_id, "contact", phone_number=phone_number, **fields)

    def send_location(self, user_id: int, latitude: float, longitude: float, **fields: Any) -> dict[str, Any]:
        return self.send(user_id, "location", latitude=latitude, longitude=longitude, **fields)

    def press_button(
        self,
        user_id: int,
        message_id: int,
        callback_data: str | None = None,
        *,
        text: str | None = None,
        chat_id: int | None = None,
    ) -> str:
        body = {
            "user_id": user_id,
            "message_id": message_id,
            "callback_data": callback_data,
            "text": text,
            "chat_id": chat_id,
        }
        return self._call("POST", "/press", body)

    def tap_keyboard(self, user_id: int, text: str, **fields: Any) -> dict[str, Any]:
        return self._call("POST", "/tap", {"user_id": user_id, "text": text, **fields})

    def edit_text(
        self, user_id: int, message_id: int, text: str, *, chat_id: int | None = None
    ) -> dict[str, Any]:
        body = {"user_id": user_id, "message_id": message_id, "text": text, "chat_id": chat_id}
        return self._call("POST", "/edit", body)

    def add_users(self, user_ids: Iterable[int]) -> None:
        """Many users at once (bulk-sending tests and benchmarks)."""
        self._call("POST", "/users", {"users": [{"user_id": user_id} for user_id in user_ids]})

    def block_bot(self, user_id: int) -> None:
        self._call("POST", "/block", {"user_id": user_id, "blocked": True})

    def block_bot_for(self, user_ids: Iterable[int]) -> None:
        self._call("POST", "/block", {"user_ids": list(user_ids), "blocked": True})

    def unblock_bot(self, user_id: int) -> None:
        self._call("POST", "/block", {"user_id": user_id, "blocked": False})

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
        body = {
            "chat_id": chat_id,
            "title": title,
            "is_forum": is_forum,
            "members": list(members),
            "bot_is_admin": bot_is_admin,
        }
        return self._call("POST", "/groups", body)

    def add_member(self, chat_id: int, user_id: int) -> None:
        self._call("POST", f"/groups/{chat_id}/members", {"user_id": user_id})

    def remove_bot_from_group(self, chat_id: int, *, by_user_id: int | None = None) -> None:
        self._call("POST", f"/groups/{chat_id}/remove_bot", {"by_user_id": by_user_id})

    def delete_topic(self, chat_id: int, thread_id: int) -> None:
        self._call("DELETE", f"/groups/{chat_id}/topics/{thread_id}")

    def topics(self, chat_id: int) -> list[dict[str, Any]]:
        return self._call("GET", f"/groups/{chat_id}/topics")

    # --- looking and waiting ---------------------------------------------------------------

    def transcript(
        self, chat_id: int, *, include_deleted: bool = False, message_thread_id: int | None = None
    ) -> list[dict[str, Any]]:
        return self._call(
            "GET",
            f"/chats/{chat_id}/transcript",
            include_deleted=int(include_deleted),
            message_thread_id=message_thread_id,
        )

    def bot_messages(
        self, chat_id: int, *, since: Since = None, message_thread_id: int | None = None
    ) -> list[dict[str, Any]]:
        return self._call(
            "GET", f"/chats/{chat_id}/bot_messages", since=_since(since), message_thread_id=message_thread_id
        )

    def mark(self, chat_id: int) -> int:
        return self._call("GET", f"/chats/{chat_id}/mark")

    def wait_for_bot_messages(
        self,
        chat_id: int,
        count: int = 1,
        *,
        since: Since = None,
        timeout: float = 5.0,
        message_thread_id: int | None = None,
    ) -> list[dict[str, Any]]:
        return self._call(
            "GET",
            f"/chats/{chat_id}/wait",
            http_timeout=timeout + 10,
            count=count,
            since=_since(since),
            timeout=timeout,
            message_thread_id=message_thread_id,
        )

    def chat_actions(self, chat_id: int) -> list[str]:
        return self._call("GET", f"/chats/{chat_id}/actions")

    def reply_keyboard(self, chat_id: int) -> dict[str, Any] | None:
        return self._call("GET", f"/chats/{chat_id}/keyboard")

    def callback_answers(self, callback_query_id: str | None = None) -> list[dict[str, Any]]:
        return self._call("GET", "/callback_answers", callback_query_id=callback_query_id)

    def pending_updates(self) -> list[dict[str, Any]]:
        return self._call("GET", "/updates")

    def api_calls(self, method: str | None = None) -> list[dict[str, Any]]:
        return self._call("GET", "/calls", method=method)

    def configure(
        self,
        *,
        disabled_methods: list[str] | None = None,
        per_chat_rate: tuple[int, float] | None = None,
        global_rate: tuple[int, float] | None = None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"per_chat_rate": per_chat_rate, "global_rate": global_rate}
        if disabled_methods is not None:
            body["disabled_methods"] = disabled_methods
        return self._call("POST", "/settings", body)

    def add_flood_waits(self, chat_ids: Iterable[int], *, retry_after: int = 1, times: int = 1) -> None:
        """The next `times` sends to each chat answer 429 with `retry_after`."""
        waits = {"chat_ids": list(chat_ids), "retry_after": retry_after, "times": times}
        self._call("POST", "/settings", {"flood_waits": waits})

    def sent_counts(self) -> dict[int, int]:
        """How many messages the bot sent into each private chat."""
        return {int(chat): count for chat, count in self._call("GET", "/sent_counts").items()}

    def reset(self) -> None:
        self._call("POST", "/reset")

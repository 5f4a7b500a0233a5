"""The ``/_local/`` control API: the user side of the world over HTTP (JSON in, JSON out).

It lets another process (an e2e test, later the browser chat page) do what in-process code does
with :class:`~localapi.driver.UserDriver`. Answers are ``{"ok": true, "result": ...}`` or
``{"ok": false, "description": ...}`` with 400 (refused action), 404 (unknown chat) or 408
(wait timed out).

  GET  /_local/                                  bot identity and pending update count
  POST /_local/users          {user_id, first_name?, last_name?, username?, language_code?}
                              or {users: [{user_id, …}, …]} for many at once
  POST /_local/send           {user_id, type: text|sticker|photo|voice|video|document|contact|location, ...,
                               chat_id?, message_thread_id?, reply_to_message_id?}
  POST /_local/press          {user_id, message_id, callback_data? | text?, chat_id?}  → callback_query_id
  POST /_local/tap            {user_id, text}        reply-keyboard button
  POST /_local/edit           {user_id, message_id, text, chat_id?}
  POST /_local/block          {user_id | user_ids: [...], blocked: true|false}
  POST /_local/groups         {chat_id, title, is_forum?, members?, bot_is_admin?}
  POST /_local/groups/{id}/members     {user_id}
  POST /_local/groups/{id}/remove_bot  {by_user_id?}
  GET  /_local/groups/{id}/topics
  DELETE /_local/groups/{id}/topics/{thread_id}
  GET  /_local/chats/{id}/transcript[?include_deleted=1][&message_thread_id=T]
  GET  /_local/chats/{id}/bot_messages[?since=N][&message_thread_id=T]
  GET  /_local/chats/{id}/wait?count=N&since=M&timeout=S[&message_thread_id=T]
  GET  /_local/chats/{id}/mark | /actions | /keyboard
  GET  /_local/callback_answers[?callback_query_id=]
  GET  /_local/updates        pending (unconfirmed) updates
  GET  /_local/calls[?method=]
  GET  /_local/sent_counts    {chat id: messages the bot sent there} for private chats
  POST /_local/settings       {disabled_methods?: [..], per_chat_rate?: [calls, seconds] | null, global_rate?: ...,
                               flood_waits?: {chat_ids: [..], retry_after: 1, times: 1}}
  POST /_local/reset
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from localapi.errors import DriverError, UnknownChatError
from localapi.ratelimit import RateLimit

if TYPE_CHECKING:
    from localapi.server import LocalBotApi

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SEND_KINDS = ("text", "sticker", "photo", "voice", "video", "document", "contact", "location")


def _ok(result: Any) -> web.Response:
    return web.json_response(
        {"ok": True, "result": result}, dumps=lambda o: json.dumps(o, ensure_ascii=False)
    )


def _fail(status: int, description: str) -> web.Response:
    return web.json_response({"ok": False, "description": description}, status=status)


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise DriverError("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise DriverError("the body must be a JSON object")
    return body


def _rate(value: Any) -> RateLimit | None:
    if value is None:
        return None
    calls, period = value
    return RateLimit(int(calls), float(period))


def add_control_routes(app: web.Application, api: LocalBotApi) -> None:
    def guarded(func: Callable[[web.Request], Awaitable[Any]]) -> Handler:
        async def handler(request: web.Request) -> web.StreamResponse:
            try:
                return _ok(await func(request))
            except UnknownChatError as exc:
                return _fail(404, str(exc))
            except DriverError as exc:
                return _fail(400, str(exc))
            except TimeoutError as exc:
                return _fail(408, str(exc))
            except (KeyError, TypeError, ValueError) as exc:
                return _fail(400, f"bad request: {exc!r}")

        return handler

    def chat_id(request: web.Request) -> int:
        return int(request.match_info["chat_id"])

    def thread_id(request: web.Request) -> int | None:
        value = request.query.get("message_thread_id")
        return int(value) if value else None

    async def info(request: web.Request) -> Any:
        return {"bot": api.world.bot.get_me_json(), "pending_update_count": len(api.pending_updates())}

    async def add_user(request: web.Request) -> Any:
        body = await _body(request)
        if "users" in body:
            return [api.add_user(int(user.pop("user_id")), **user) for user in body["users"]]
        return api.add_user(int(body.pop("user_id")), **body)

    async def send(request: web.Request) -> Any:
        body = await _body(request)
        kind = body.pop("type", "text")
        if kind not in SEND_KINDS:
            raise DriverError(f"unknown type {kind!r}; one of {SEND_KINDS}")
        user_id = int(body.pop("user_id"))
        if "content_base64" in body:
            body["content"] = base64.b64decode(body.pop("content_base64"))
        sender: Callable[..., dict[str, Any]] = getattr(api, f"send_{kind}")
        return sender(user_id, **body)

    async def press(request: web.Request) -> Any:
        body = await _body(request)
        return api.press_button(
            int(body["user_id"]),
            int(body["message_id"]),
            body.get("callback_data"),
            text=body.get("text"),
            chat_id=body.get("chat_id"),
        )

    async def tap(request: web.Request) -> Any:
        body = await _body(request)
        return api.tap_keyboard(int(body.pop("user_id")), **body)

    async def edit(request: web.Request) -> Any:
        body = await _body(request)
        return api.edit_text(
            int(body["user_id"]), int(body["message_id"]), body["text"], chat_id=body.get("chat_id")
        )

    async def block(request: web.Request) -> Any:
        body = await _body(request)
        change = api.block_bot if body.get("blocked", True) else api.unblock_bot
        for user_id in body.get("user_ids") or [body["user_id"]]:
            change(int(user_id))
        return True

    async def create_group(request: web.Request) -> Any:
        body = await _body(request)
        return api.create_group(int(body.pop("chat_id")), str(body.pop("title")), **body)

    async def add_member(request: web.Request) -> Any:
        body = await _body(request)
        api.add_member(chat_id(request), int(body["user_id"]))
        return True

    async def remove_bot(request: web.Request) -> Any:
        body = await _body(request)
        api.remove_bot_from_group(chat_id(request), by_user_id=body.get("by_user_id"))
        return True

    async def topics(request: web.Request) -> Any:
        return api.topics(chat_id(request))

    async def delete_topic(request: web.Request) -> Any:
        api.delete_topic(chat_id(request), int(request.match_info["thread_id"]))
        return True

    async def transcript(request: web.Request) -> Any:
        include = request.query.get("include_deleted", "") in ("1", "true")
        return api.transcript(chat_id(request), include_deleted=include, message_thread_id=thread_id(request))

    async def bot_messages(request: web.Request) -> Any:
        since = int(request.query.get("since", 0))
        return api.bot_messages(chat_id(request), since=since, message_thread_id=thread_id(request))

    async def wait(request: web.Request) -> Any:
        cid, count, thread = chat_id(request), int(request.query.get("count", 1)), thread_id(request)
        since, timeout = int(request.query.get("since", 0)), float(request.query.get("timeout", 5))

        def sent() -> list[dict[str, Any]]:
            return api.bot_messages(cid, since=since, message_thread_id=thread)

        if not await api.wait_until_async(lambda: len(sent()) >= count, timeout):
            raise TimeoutError(
                f"waited {timeout}s for {count} bot message(s) in chat {cid}, got {len(sent())}"
            )
        return sent()

    async def mark(request: web.Request) -> Any:
        return api.mark(chat_id(request))

    async def actions(request: web.Request) -> Any:
        return api.chat_actions(chat_id(request))

    async def keyboard(request: web.Request) -> Any:
        return api.reply_keyboard(chat_id(request))

    async def callback_answers(request: web.Request) -> Any:
        return api.callback_answers(request.query.get("callback_query_id"))

    async def updates(request: web.Request) -> Any:
        return api.pending_updates()

    async def calls(request: web.Request) -> Any:
        return api.api_calls(request.query.get("method"))

    async def sent_counts(request: web.Request) -> Any:
        return {str(chat): count for chat, count in api.bot_message_counts().items()}

    async def settings(request: web.Request) -> Any:
        body = await _body(request)
        if "disabled_methods" in body:
            api.disabled_methods = {str(name).lower() for name in body["disabled_methods"]}
        if "per_chat_rate" in body or "global_rate" in body:
            api.set_rate_limits(_rate(body.get("per_chat_rate")), _rate(body.get("global_rate")))
        if "flood_waits" in body:
            waits = body["flood_waits"]
            api.limiter.add_flood_waits(
                [int(c) for c in waits["chat_ids"]],
                retry_after=int(waits.get("retry_after", 1)),
                times=int(waits.get("times", 1)),
            )
        return {"disabled_methods": sorted(api.disabled_methods)}

    async def reset(request: web.Request) -> Any:
        api.reset()
        return True

    routes: list[tuple[str, str, Callable[[web.Request], Awaitable[Any]]]] = [
        ("GET", "/_local/", info),
        ("POST", "/_local/users", add_user),
        ("POST", "/_local/send", send),
        ("POST", "/_local/press", press),
        ("POST", "/_local/tap", tap),
        ("POST", "/_local/edit", edit),
        ("POST", "/_local/block", block),
        ("POST", "/_local/groups", create_group),
        ("POST", "/_local/groups/{chat_id:-?[0-9]+}/members", add_member),
        ("POST", "/_local/groups/{chat_id:-?[0-9]+}/remove_bot", remove_bot),
        ("GET", "/_local/groups/{chat_id:-?[0-9]+}/topics", topics),
        ("DELETE", "/_local/groups/{chat_id:-?[0-9]+}/topics/{thread_id:[0-9]+}", delete_topic),
        ("GET", "/_local/chats/{chat_id:-?[0-9]+}/transcript", transcript),
        ("GET", "/_local/chats/{chat_id:-?[0-9]+}/bot_messages", bot_messages),
        ("GET", "/_local/chats/{chat_id:-?[0-9]+}/wait", wait),
        ("GET", "/_local/chats/{chat_id:-?[0-9]+}/mark", mark),
        ("GET", "/_local/chats/{chat_id:-?[0-9]+}/actions", actions),
        ("GET", "/_local/chats/{chat_id:-?[0-9]+}/keyboard", keyboard),
        ("GET", "/_local/callback_answers", callback_answers),
        ("GET", "/_local/updates", updates),
        ("GET", "/_local/calls", calls),
        ("GET", "/_local/sent_counts", sent_counts),
        ("POST", "/_local/settings", settings),
        ("POST", "/_local/reset", reset),
    ]
    for http_method, path, func in routes:
        app.router.add_route(http_method, path, guarded(func))

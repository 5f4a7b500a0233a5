"""The browser chat page and the small JSON API behind it.

  GET /                        → /chat/
  GET /chat/                   the page (localapi/web/)
  GET /_local/web/overview     the bot, whether it is polling, and every persona with their chats, what is
                               unread in them, and the chat (topic) to open when the persona is chosen
  GET /_local/web/chat?user_id=U&chat_id=C[&thread=T]
                               one chat (or forum topic; T=0 is the General topic) as the persona sees it
  POST /_local/web/viewing     {user_id, chat_id, thread, message_id}: the persona has this chat open and
                               has read it up to message_id
  GET /_local/files/{file_id}  a file's content, for photos and documents in the page
  GET /_local/events           server-sent events: one ``data:`` line each time anything changed

Sending, pressing and tapping go through the control API (:mod:`localapi.control`).
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import web

from karyar.texts import _
from localapi.state import ChatRecord, StoredMessage, World, commands_key, is_service

if TYPE_CHECKING:
    from localapi.server import LocalBotApi

WEB_DIR = Path(__file__).resolve().parent / "web"
GENERAL_TOPIC = 0  # how the page names a forum's General topic (messages without a thread id)
CHAT_HISTORY = 300  # the last messages of a chat the page shows
EVENT_COALESCE_SECONDS = 0.1  # changes come in bursts (a reply is several calls); one event per burst
KEEPALIVE_SECONDS = 15.0
PREVIEW_LENGTH = 60


@dataclass(frozen=True, slots=True)
class Persona:
    """Someone the page can act as: a client, a counsellor or a staff member."""

    user_id: int
    name: str
    role: str  # shown under the name, in Persian
    kind: str = "client"  # client | counsellor | staff


def media_labels() -> dict[str, str]:
    """How a chat list names each kind of media, by the message's field for it (the first one present)."""
    video = _("Chat page: video")
    return {
        "photo": _("Chat page: photo"),
        "document": _("Chat page: document"),
        "sticker": _("Chat page: sticker"),
        "voice": _("Chat page: voice"),
        "video": video,
        "video_note": video,
        "audio": _("Chat page: audio"),
        "animation": _("Chat page: animation"),
        "contact": _("Chat page: contact"),
        "location": _("Chat page: location"),
    }


def preview(message: dict[str, Any]) -> str:
    """One line for a chat list, as Telegram shows it."""
    if "forum_topic_created" in message:
        return _("Chat page: topic created").format(name=message["forum_topic_created"]["name"])
    if "forum_topic_closed" in message:
        return _("Chat page: topic closed")
    if "forum_topic_reopened" in message:
        return _("Chat page: topic reopened")
    if "forum_topic_edited" in message:
        return _("Chat page: topic edited")
    text = message.get("text") or message.get("caption") or ""
    label = next((label for key, label in media_labels().items() if key in message), "")
    line = " ".join(part for part in (label, text) if part).replace("\n", " ")
    return line if len(line) <= PREVIEW_LENGTH else line[: PREVIEW_LENGTH - 1] + "…"


def _last(messages: list[StoredMessage]) -> dict[str, Any] | None:
    if not messages:
        return None
    data = messages[-1].data
    return {
        "message_id": data["message_id"],
        "date": data["date"],
        "preview": preview(data),
        "from_user_id": data["from"]["id"],
        "from_bot": data["from"]["is_bot"] and not is_service(data),
    }


def _visible(chat: ChatRecord, thread: int | None) -> list[StoredMessage]:
    """The chat's messages, or one topic's (GENERAL_TOPIC: those outside every topic)."""
    messages = [m for m in chat.messages.values() if not m.deleted]
    if thread is None:
        return messages
    wanted = None if thread == GENERAL_TOPIC else thread
    return [m for m in messages if m.data.get("message_thread_id") == wanted]


def _unread(
    world: World, viewer: int, chat: ChatRecord, thread: int | None, last: dict[str, Any] | None
) -> bool:
    """Whether someone else wrote in the chat (topic) after what ``viewer`` has read."""
    if last is None or last["from_user_id"] == viewer:
        return False
    return bool(last["message_id"] > world.read_up_to(viewer, chat.id, thread))


def _place(world: World, viewer: int, chat: ChatRecord, thread: int | None) -> dict[str, Any]:
    """The newest message of a chat (or topic) and whether ``viewer`` has read it."""
    last = _last(_visible(chat, thread))
    return {"last": last, "unread": _unread(world, viewer, chat, thread, last)}


def _thread(
    world: World, viewer: int, chat: ChatRecord, thread_id: int, title: str, closed: bool
) -> dict[str, Any]:
    return {
        "thread_id": thread_id,
        "title": title,
        "closed": closed,
        **_place(world, viewer, chat, thread_id),
    }


def _chat_summary(world: World, chat: ChatRecord, viewer: int, now: float) -> dict[str, Any]:
    if chat.user_id is not None:
        return {
            "chat_id": chat.id,
            "type": "private",
            "title": world.bot.first_name,
            "typing": chat.typing_until.get(0, 0) > now,
            **_place(world, viewer, chat, None),
        }
    summary: dict[str, Any] = {
        "chat_id": chat.id,
        "type": "forum" if chat.is_forum else "group",
        "title": chat.title,
        "typing": any(until > now for until in chat.typing_until.values()),
        **_place(world, viewer, chat, None),
    }
    if chat.is_forum:
        topics = [
            _thread(world, viewer, chat, topic.thread_id, topic.name, topic.closed)
            for topic in chat.topics.values()
            if not topic.deleted
        ]
        # General stays on top; the other topics newest activity first, as Telegram lists them.
        topics.sort(key=lambda t: t["last"]["message_id"] if t["last"] else 0, reverse=True)
        threads = [_thread(world, viewer, chat, GENERAL_TOPIC, _("Chat page: General topic"), False), *topics]
        summary["threads"] = threads
        summary["unread"] = any(t["unread"] for t in threads)
    return summary


def _opening(world: World, persona: Persona, chats: list[dict[str, Any]]) -> dict[str, Any]:
    """Where the page opens when ``persona`` is chosen: the chat or topic with the newest unread message
    (a case waiting for a counsellor), else the one the persona had open last, else a counsellor's group
    or anyone's private chat with the bot."""
    places = [
        (chat["chat_id"], place.get("thread_id"), place)
        for chat in chats
        for place in chat.get("threads", [chat])
    ]
    unread = [(p["last"]["date"], p["last"]["message_id"], c, t) for c, t, p in places if p["unread"]]
    if unread:
        *_, chat_id, thread = max(unread)
        return {"chat_id": chat_id, "thread": thread}
    last_open = world.last_open.get(persona.user_id)
    if last_open is not None and any((c, t) == last_open for c, t, _ in places):
        return {"chat_id": last_open[0], "thread": last_open[1]}
    groups = [chat for chat in chats if chat["type"] != "private"]
    if persona.kind == "counsellor" and groups:
        return {"chat_id": groups[0]["chat_id"], "thread": GENERAL_TOPIC if "threads" in groups[0] else None}
    return {"chat_id": persona.user_id, "thread": None}


def _persona_chats(world: World, user_id: int) -> list[ChatRecord]:
    """The persona's private chat with the bot and the groups they share with it."""
    chats = [world.chats[user_id]] if user_id in world.chats else []
    return chats + [
        chat
        for chat in world.chats.values()
        if chat.user_id is None and user_id in chat.members and not chat.bot_removed
    ]


def overview(api: LocalBotApi, now: float) -> dict[str, Any]:
    def read(world: World) -> dict[str, Any]:
        personas = []
        for persona in api.personas:
            user_id = persona.user_id
            chats = [_chat_summary(world, chat, user_id, now) for chat in _persona_chats(world, user_id)]
            personas.append({**asdict(persona), "chats": chats, "opening": _opening(world, persona, chats)})
        return {
            "bot": {"name": world.bot.first_name, "username": world.bot.username},
            "bot_online": api.bot_online(),
            "personas": personas,
        }

    return api.world.read(read)


def chat_view(api: LocalBotApi, user_id: int, chat_id: int, thread: int | None, now: float) -> dict[str, Any]:
    def read(world: World) -> dict[str, Any]:
        chat = world.find_chat(chat_id)
        if chat is None:  # a private chat before the first message: empty, ready for /start
            return {"messages": [], "keyboard": None, "typing": False, "closed": False, "commands": []}
        _check_member(chat, user_id)
        topic = chat.topics.get(thread) if thread else None
        return {
            "messages": [m.data for m in _visible(chat, thread if chat.is_forum else None)][-CHAT_HISTORY:],
            "keyboard": chat.reply_keyboard if chat.user_id is not None else None,
            "typing": chat.typing_until.get(thread or 0, 0) > now,
            "closed": bool(topic and topic.closed),
            "commands": _commands_for(world, chat, user_id),
        }

    return api.world.read(read)


def _check_member(chat: ChatRecord, user_id: int) -> None:
    if chat.user_id not in (None, user_id) or (chat.user_id is None and user_id not in chat.members):
        raise web.HTTPForbidden(text=f"user {user_id} is not in chat {chat.id}")


def note_viewing(api: LocalBotApi, body: dict[str, Any]) -> None:
    """The page shows a persona a chat (topic) down to a message: their read mark and the place to reopen."""
    user_id, chat_id = int(body["user_id"]), int(body["chat_id"])
    thread = None if body.get("thread") is None else int(body["thread"])
    message_id = int(body.get("message_id") or 0)
    chat = api.world.find_chat(chat_id)
    if chat is not None:
        _check_member(chat, user_id)
    api.world.note_viewing(user_id, chat_id, thread, message_id)


def _commands_for(world: World, chat: ChatRecord, user_id: int) -> list[dict[str, str]]:
    """The command menu this user sees in this chat: the narrowest scope the bot set, as Telegram picks it."""
    scopes: list[dict[str, Any]]
    if chat.user_id is not None:
        scopes = [{"type": "chat", "chat_id": chat.id}, {"type": "all_private_chats"}]
    else:
        scopes = [{"type": "chat_member", "chat_id": chat.id, "user_id": user_id}, {"type": "chat", "chat_id": chat.id},
                  {"type": "all_group_chats"}]  # fmt: skip
    user = world.users.get(user_id)
    languages = [user.language_code, ""] if user and user.language_code else [""]
    for scope in [*scopes, {"type": "default"}]:
        for language in languages:
            commands = world.commands.get(commands_key(scope, language))
            if commands:
                return commands
    return []


def _json(body: Any) -> web.Response:
    return web.json_response(body, dumps=lambda o: json.dumps(o, ensure_ascii=False))


def add_webchat_routes(app: web.Application, api: LocalBotApi) -> None:
    async def index(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(WEB_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    async def root(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/chat/")

    async def get_overview(request: web.Request) -> web.Response:
        return _json(overview(api, time.time()))

    async def get_chat(request: web.Request) -> web.Response:
        try:
            user_id = int(request.query["user_id"])
            chat_id = int(request.query["chat_id"])
            thread = int(request.query["thread"]) if request.query.get("thread") else None
        except (KeyError, ValueError):
            raise web.HTTPBadRequest(text="user_id and chat_id (integers) are needed") from None
        return _json(chat_view(api, user_id, chat_id, thread, time.time()))

    async def post_viewing(request: web.Request) -> web.Response:
        try:
            body = await request.json()
            note_viewing(api, body)
        except (KeyError, TypeError, ValueError):
            raise web.HTTPBadRequest(text="user_id, chat_id, thread and message_id are integers") from None
        return _json(True)

    async def get_file(request: web.Request) -> web.StreamResponse:
        record = api.world.read(lambda w: w.files.get(request.match_info["file_id"]))
        if record is None:
            raise web.HTTPNotFound(text="no such file")
        headers = {"Cache-Control": "max-age=86400"}
        if record.file_name:
            headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(record.file_name, safe='')}"
        return web.Response(
            body=record.content,
            # Telegram calls every photo image/jpeg; the browser needs what the bytes really are.
            content_type=_sniffed_type(record.content) or record.mime_type or "application/octet-stream",
            headers=headers,
        )

    async def events(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        await response.prepare(request)
        api.open_event_streams += 1
        try:
            await _stream_events(api, response)
        except ConnectionResetError:
            pass  # the page was closed or reloaded: nothing to tell anyone
        finally:
            api.open_event_streams -= 1
        return response

    app.router.add_get("/", root)
    app.router.add_get("/chat/", index)
    app.router.add_static("/chat/", WEB_DIR, show_index=False)
    app.router.add_get("/_local/web/overview", get_overview)
    app.router.add_get("/_local/web/chat", get_chat)
    app.router.add_post("/_local/web/viewing", post_viewing)
    app.router.add_get("/_local/files/{file_id}", get_file)
    app.router.add_get("/_local/events", events)


async def _stream_events(api: LocalBotApi, response: web.StreamResponse) -> None:
    sent: tuple[int, bool] | None = None
    while not api.stopping:
        state = (api.world.version, api.bot_online())
        if state != sent:
            payload = json.dumps({"version": state[0], "bot_online": state[1]})
            await response.write(f"data: {payload}\n\n".encode())
            sent = state
            await asyncio.sleep(EVENT_COALESCE_SECONDS)
            continue
        await api.wait_for_change(KEEPALIVE_SECONDS)
        if (api.world.version, api.bot_online()) == sent:
            await response.write(b": keep-alive\n\n")


def _sniffed_type(content: bytes) -> str | None:
    if content.startswith(b"\x89PNG"):
        return "image/png"
    if content.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if content.startswith(b"RIFF") and content[8:12] == b"WEBP":
        return "image/webp"
    if content.startswith(b"%PDF"):
        return "application/pdf"
    return None

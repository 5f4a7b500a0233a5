"""The browser chat page and the small JSON API behind it.

  GET /                        → /chat/
  GET /chat/                   the page (localapi/web/)
  GET /_local/web/overview     the bot, whether it is polling, and every persona with their chats
  GET /_local/web/chat?user_id=U&chat_id=C[&thread=T]
                               one chat (or forum topic; T=0 is the General topic) as the persona sees it
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

from localapi.state import ChatRecord, StoredMessage, World, commands_key, is_service

if TYPE_CHECKING:
    from localapi.server import LocalBotApi

WEB_DIR = Path(__file__).resolve().parent / "web"
GENERAL_TOPIC = 0  # how the page names a forum's General topic (messages without a thread id)
CHAT_HISTORY = 300  # the last messages of a chat the page shows
EVENT_COALESCE_SECONDS = 0.1  # changes come in bursts (a reply is several calls); one event per burst
KEEPALIVE_SECONDS = 15.0
PREVIEW_LENGTH = 60
MEDIA_LABELS = {
    "photo": "🖼 عکس",
    "document": "📄 فایل",
    "sticker": "استیکر",
    "voice": "🎤 پیام صوتی",
    "video": "🎬 ویدیو",
    "video_note": "🎬 ویدیو",
    "audio": "🎵 صوت",
    "animation": "🎞 گیف",
    "contact": "📞 شماره تماس",
    "location": "📍 موقعیت مکانی",
}


@dataclass(frozen=True, slots=True)
class Persona:
    """Someone the page can act as: a client, a counsellor or a staff member."""

    user_id: int
    name: str
    role: str  # shown under the name, in Persian
    kind: str = "client"  # client | counsellor | staff


def preview(message: dict[str, Any]) -> str:
    """One line for a chat list, as Telegram shows it."""
    if "forum_topic_created" in message:
        return f"موضوع «{message['forum_topic_created']['name']}» ساخته شد"
    if "forum_topic_closed" in message:
        return "موضوع بسته شد"
    if "forum_topic_reopened" in message:
        return "موضوع دوباره باز شد"
    if "forum_topic_edited" in message:
        return "موضوع ویرایش شد"
    text = message.get("text") or message.get("caption") or ""
    label = next((label for key, label in MEDIA_LABELS.items() if key in message), "")
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


def _thread(chat: ChatRecord, thread_id: int, title: str, closed: bool) -> dict[str, Any]:
    return {
        "thread_id": thread_id,
        "title": title,
        "closed": closed,
        "last": _last(_visible(chat, thread_id)),
    }


def _chat_summary(world: World, chat: ChatRecord, now: float) -> dict[str, Any]:
    if chat.user_id is not None:
        return {
            "chat_id": chat.id,
            "type": "private",
            "title": world.bot.first_name,
            "last": _last(_visible(chat, None)),
            "typing": chat.typing_until.get(0, 0) > now,
        }
    summary: dict[str, Any] = {
        "chat_id": chat.id,
        "type": "forum" if chat.is_forum else "group",
        "title": chat.title,
        "last": _last(_visible(chat, None)),
        "typing": any(until > now for until in chat.typing_until.values()),
    }
    if chat.is_forum:
        topics = [
            _thread(chat, topic.thread_id, topic.name, topic.closed)
            for topic in chat.topics.values()
            if not topic.deleted
        ]
        # General stays on top; the other topics newest activity first, as Telegram lists them.
        topics.sort(key=lambda t: t["last"]["message_id"] if t["last"] else 0, reverse=True)
        threads = [_thread(chat, GENERAL_TOPIC, "عمومی", False), *topics]
        summary["threads"] = threads
    return summary


def overview(api: LocalBotApi, now: float) -> dict[str, Any]:
    def read(world: World) -> dict[str, Any]:
        personas = []
        for persona in api.personas:
            chats = [world.chats[persona.user_id]] if persona.user_id in world.chats else []
            chats += [
                chat
                for chat in world.chats.values()
                if chat.user_id is None and persona.user_id in chat.members and not chat.bot_removed
            ]
            personas.append({**asdict(persona), "chats": [_chat_summary(world, c, now) for c in chats]})
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
        if chat.user_id not in (None, user_id) or (chat.user_id is None and user_id not in chat.members):
            raise web.HTTPForbidden(text=f"user {user_id} is not in chat {chat_id}")
        topic = chat.topics.get(thread) if thread else None
        return {
            "messages": [m.data for m in _visible(chat, thread if chat.is_forum else None)][-CHAT_HISTORY:],
            "keyboard": chat.reply_keyboard if chat.user_id is not None else None,
            "typing": chat.typing_until.get(thread or 0, 0) > now,
            "closed": bool(topic and topic.closed),
            "commands": _commands_for(world, chat, user_id),
        }

    return api.world.read(read)


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
        return response

    app.router.add_get("/", root)
    app.router.add_get("/chat/", index)
    app.router.add_static("/chat/", WEB_DIR, show_index=False)
    app.router.add_get("/_local/web/overview", get_overview)
    app.router.add_get("/_local/web/chat", get_chat)
    app.router.add_get("/_local/files/{file_id}", get_file)
    app.router.add_get("/_local/events", events)


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

"""The Bot API methods: each takes the request parameters and returns the ``result`` JSON or
raises :class:`~localapi.errors.ApiError` with Telegram's own error text.

Methods are registered under their canonical name; lookup is case-insensitive, as on Telegram.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from localapi.errors import bad_request, conflict
from localapi.formatting import format_text, utf16_len
from localapi.objects import FileRecord, image_size, normalize_reply_markup
from localapi.params import Params, UploadedFile
from localapi.ratelimit import RateLimiter
from localapi.state import UPDATE_TYPES, ChatRecord, StoredMessage, TopicRecord, World, commands_key, now

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_TOPIC_NAME = 128
MAX_DOWNLOAD = 20 * 1024 * 1024
CHAT_ACTION_SECONDS = 5.0
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# The fields that make up a message's content (what copyMessage/forwardMessage carry over).
CONTENT_KEYS = (
    "text",
    "entities",
    "photo",
    "document",
    "sticker",
    "voice",
    "video",
    "audio",
    "animation",
    "caption",
    "caption_entities",
    "contact",
    "location",
    "venue",
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class Context:
    """What methods may use besides their parameters."""

    def __init__(
        self,
        world: World,
        limiter: RateLimiter,
        wait_for_change: Callable[[float], Awaitable[None]],
        stopping: Callable[[], bool],
    ) -> None:
        self.world = world
        self.limiter = limiter
        self.wait_for_change = wait_for_change
        self.stopping = stopping
        self.poll_generation = 0  # a newer getUpdates call ends older ones with 409, like Telegram


Method = Callable[[Context, Params], Any]
METHODS: dict[str, Method] = {}
NAMES: dict[str, str] = {}  # lower-case → canonical


def method(name: str) -> Callable[[Method], Method]:
    def register(func: Method) -> Method:
        METHODS[name.lower()] = func
        NAMES[name.lower()] = name
        return func

    return register


def find_method(name: str) -> tuple[str, Method] | None:
    key = name.lower()
    return (NAMES[key], METHODS[key]) if key in METHODS else None


# --- bot, updates, webhook ---------------------------------------------------------------------


@method("getMe")
def get_me(ctx: Context, p: Params) -> Any:
    return ctx.world.bot.get_me_json()


@method("logOut")
def log_out(ctx: Context, p: Params) -> Any:
    return True


@method("close")
def close(ctx: Context, p: Params) -> Any:
    return True


def _allowed_updates(p: Params) -> list[str] | None:
    allowed = p.get_json("allowed_updates", invalid="can't parse allowed updates JSON object")
    if allowed is None:
        return None
    if not isinstance(allowed, list) or not all(isinstance(a, str) for a in allowed):
        raise bad_request("can't parse allowed updates JSON object")
    return [a for a in allowed if a in UPDATE_TYPES]


@method("getUpdates")
async def get_updates(ctx: Context, p: Params) -> Any:
    world = ctx.world
    if world.webhook.url:
        raise conflict(
            "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
        )
    limit = min(max(p.get_int("limit") or 100, 1), 100)
    timeout = max(p.get_float("timeout") or 0.0, 0.0)
    allowed = _allowed_updates(p)
    if allowed is not None:
        with world.mutate():
            world.allowed_updates = allowed
    world.confirm_updates(p.get_int("offset"))
    ctx.poll_generation += 1
    generation = ctx.poll_generation
    world.notify()  # wakes an older long poll so it can see it was superseded
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if generation != ctx.poll_generation:
            raise conflict(
                "terminated by other getUpdates request; make sure that only one bot instance is running"
            )
        updates = world.deliverable_updates(limit)
        remaining = deadline - loop.time()
        if updates or remaining <= 0 or ctx.stopping():
            return updates
        await ctx.wait_for_change(remaining)


@method("setWebhook")
def set_webhook(ctx: Context, p: Params) -> Any:
    url = p.get_str("url") or ""
    # Telegram demands HTTPS; a local server must also accept plain http://localhost receivers.
    if url and not re.match(r"^https?://[^/\s]+", url):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.get_str("secret_token")
    if secret is not None and not _SECRET_RE.match(secret):
        raise bad_request("secret token contains unallowed characters")
    allowed = _allowed_updates(p)
    with ctx.world.mutate() as world:
        if p.get_bool("drop_pending_updates"):
            world.updates.clear()
        world.webhook.url = url
        world.webhook.secret_token = secret
        world.webhook.max_connections = p.get_int("max_connections") or 40
        world.webhook.allowed_updates = allowed
        world.webhook.last_error_date = world.webhook.last_error_message = None
        if allowed is not None:
            world.allowed_updates = allowed
    return True


@method("deleteWebhook")
def delete_webhook(ctx: Context, p: Params) -> Any:
    with ctx.world.mutate() as world:
        if p.get_bool("drop_pending_updates"):
            world.updates.clear()
        world.webhook.url = ""
        world.webhook.secret_token = None
    return True


@method("getWebhookInfo")
def get_webhook_info(ctx: Context, p: Params) -> Any:
    def read(world: World) -> dict[str, Any]:
        hook = world.webhook
        info: dict[str, Any] = {
            "url": hook.url,
            "has_custom_certificate": False,
            "pending_update_count": len(world.updates),
        }
        if hook.url:
            info["max_connections"] = hook.max_connections
            if hook.allowed_updates is not None:
                info["allowed_updates"] = hook.allowed_updates
        if hook.last_error_date:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
        return info

    return ctx.world.read(read)


# --- commands and bot profile ------------------------------------------------------------------


def _commands_key(p: Params) -> tuple[str, str]:
    scope = p.get_json("scope", invalid="can't parse BotCommandScope JSON object") or {"type": "default"}
    if not isinstance(scope, dict) or "type" not in scope:
        raise bad_request("can't parse BotCommandScope JSON object")
    return commands_key(scope, p.get_str("language_code") or "")


@method("setMyCommands")
def set_my_commands(ctx: Context, p: Params) -> Any:
    commands = p.get_json("commands", invalid="can't parse commands JSON object")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("too many commands")
    cleaned = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad_request("can't parse commands JSON object")
        command = str(item.get("command", "")).removeprefix("/")
        description = str(item.get("description", ""))
        if not _COMMAND_RE.match(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("command description is empty" if not description else "BOT_COMMAND_INVALID")
        cleaned.append({"command": command, "description": description})
    key = _commands_key(p)
    with ctx.world.mutate() as world:
        world.commands[key] = cleaned
    return True


@method("getMyCommands")
def get_my_commands(ctx: Context, p: Params) -> Any:
    key = _commands_key(p)
    return ctx.world.read(lambda world: world.commands.get(key, []))


@method("deleteMyCommands")
def delete_my_commands(ctx: Context, p: Params) -> Any:
    key = _commands_key(p)
    with ctx.world.mutate() as world:
        world.commands.pop(key, None)
    return True


def _profile_setting(name: str, field: str, limit: int) -> None:
    """setMyName/setMyDescription/...: stored per language, read back by the getter."""

    def setter(ctx: Context, p: Params) -> Any:
        value = p.get_str(field) or ""
        if len(value) > limit:
            raise bad_request(f"{field} is too long")
        with ctx.world.mutate() as world:
            world.profile[(name, p.get_str("language_code") or "")] = value
        return True

    def getter(ctx: Context, p: Params) -> Any:
        key = (name, p.get_str("language_code") or "")
        value = ctx.world.read(lambda world: world.profile.get(key, ""))
        if name == "name" and not value:
            value = ctx.world.bot.first_name
        return {field: value}

    method(f"setMy{name.title().replace('_', '')}")(setter)
    method(f"getMy{name.title().replace('_', '')}")(getter)


_profile_setting("name", "name", 64)
_profile_setting("description", "description", 512)
_profile_setting("short_description", "short_description", 120)


@method("setChatMenuButton")
def set_chat_menu_button(ctx: Context, p: Params) -> Any:
    button = p.get_json("menu_button", invalid="can't parse menu button JSON object") or {"type": "default"}
    key = ("menu_button", str(p.get_str("chat_id") or ""))
    with ctx.world.mutate() as world:
        world.profile[key] = json.dumps(button)
    return True


@method("getChatMenuButton")
def get_chat_menu_button(ctx: Context, p: Params) -> Any:
    key = ("menu_button", str(p.get_str("chat_id") or ""))
    stored = ctx.world.read(lambda world: world.profile.get(key))
    return json.loads(stored) if stored else {"type": "commands"}


# --- sending -----------------------------------------------------------------------------------


def _markup(p: Params, *, inline_only: bool = False) -> dict[str, Any] | None:
    markup = normalize_reply_markup(
        p.get_json("reply_markup", invalid="can't parse reply keyboard markup JSON object")
    )
    if inline_only and markup is not None and "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    return markup


def _reply_target(world: World, chat: ChatRecord, p: Params) -> StoredMessage | None:
    params = p.get_json("reply_parameters", invalid="can't parse reply parameters JSON object")
    if params is None and p.get_int("reply_to_message_id") is not None:
        params = {
            "message_id": p.get_int("reply_to_message_id"),
            "allow_sending_without_reply": p.get_bool("allow_sending_without_reply"),
        }
    if not params:
        return None
    if not isinstance(params, dict) or "message_id" not in params:
        raise bad_request("can't parse reply parameters JSON object")
    target = world.find_message(chat, int(params["message_id"]))
    if target is None and not params.get("allow_sending_without_reply"):
        raise bad_request("message to be replied not found")
    return target


def _send_topic(world: World, chat: ChatRecord, p: Params) -> TopicRecord | None:
    """The forum topic ``message_thread_id`` names. Outside forums the parameter is left alone
    (there it names a reply thread, which this server does not keep)."""
    thread_id = p.get_int("message_thread_id")
    if thread_id is None or not chat.is_forum:
        return None
    topic = world.find_topic(chat, thread_id)
    if topic is None:
        raise bad_request("message thread not found")
    if topic.closed and not chat.bot_is_admin:  # administrators may still post in a closed topic
        raise bad_request("TOPIC_CLOSED")
    return topic


def _text_body(p: Params, *, caption: bool = False) -> dict[str, Any]:
    """``text``/``caption`` after parse_mode, with Telegram's emptiness and length checks."""
    field, entities_field = ("caption", "caption_entities") if caption else ("text", "entities")
    raw = p.get_str(field)
    if raw is None:
        if caption:
            return {}
        raise bad_request("message text is empty")
    entities = p.get_json(entities_field, invalid="can't parse entities JSON object")
    text, found = format_text(raw, p.get_str("parse_mode"), entities)
    if not text:
        if caption:
            return {}
        raise bad_request("message text is empty")
    if utf16_len(text) > (MAX_CAPTION if caption else MAX_TEXT):
        raise bad_request("message caption is too long" if caption else "message is too long")
    body: dict[str, Any] = {field: text}
    if found:
        body[entities_field] = found
    return body


def _deliver(
    ctx: Context, p: Params, body: dict[str, Any], markup: dict[str, Any] | None, chat_param: str = "chat_id"
) -> StoredMessage:
    """Common tail of every send: chat checks, reply, flood control, store."""
    chat_id = p.chat_id(chat_param)
    world = ctx.world
    with world.mutate():
        chat = world.require_chat(chat_id)
        topic = _send_topic(world, chat, p)
        body = {**body, **world.placement(chat, topic, _reply_target(world, chat, p))}
        if p.get_bool("protect_content"):
            body["has_protected_content"] = True
        ctx.limiter.check(chat.id)
        return world.add_message(chat, body=body, reply_markup=markup)


@method("sendMessage")
def send_message(ctx: Context, p: Params) -> Any:
    p.chat_id()
    body = _text_body(p)
    markup = _markup(p)
    return copy.deepcopy(_deliver(ctx, p, body, markup).data)


@method("sendChatAction")
def send_chat_action(ctx: Context, p: Params) -> Any:
    chat_id = p.chat_id()
    action = p.get_str("action")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    with ctx.world.mutate() as world:
        chat = world.require_chat(chat_id)
        topic = _send_topic(world, chat, p)
        chat.actions.append(action)
        # Telegram shows an action for five seconds or until the bot's next message.
        chat.typing_until[topic.thread_id if topic else 0] = time.time() + CHAT_ACTION_SECONDS
    return True


@method("sendLocation")
def send_location(ctx: Context, p: Params) -> Any:
    lat = p.get_float("latitude", missing="latitude is empty")
    lon = p.get_float("longitude", missing="longitude is empty")
    body = {"location": {"latitude": lat, "longitude": lon}}
    return copy.deepcopy(_deliver(ctx, p, body, _markup(p)).data)


@method("sendContact")
def send_contact(ctx: Context, p: Params) -> Any:
    contact = {
        "phone_number": p.get_str("phone_number", missing="phone number is empty"),
        "first_name": p.get_str("first_name", missing="first name is empty"),
    }
    if p.get_str("last_name"):
        contact["last_name"] = p.get_str("last_name")
    return copy.deepcopy(_deliver(ctx, p, {"contact": contact}, _markup(p)).data)


# --- media -------------------------------------------------------------------------------------


def _file_from_param(world: World, value: UploadedFile | str, kind: str) -> FileRecord:
    if isinstance(value, UploadedFile):
        return world.new_file(
            kind, value.content, mime_type=value.content_type or None, file_name=value.filename
        )
    existing = world.read(lambda w: w.files.get(value))
    if existing is not None:
        if existing.kind != kind and kind != "document":
            raise bad_request(f"can't use file of type {existing.kind.title()} as {kind.title()}")
        return existing
    if re.match(r"^https?://", value):
        # No fetching: the URL's "content" is a placeholder, but the file gets an id like any other.
        name = value.rstrip("/").rsplit("/", 1)[-1] or None
        return world.new_file(kind, f"downloaded from {value}".encode(), file_name=name)
    raise bad_request("wrong file identifier/HTTP URL specified")


def _media_json(world: World, kind: str, record: FileRecord, p: Params) -> Any:
    if kind == "photo":
        if "width" in record.extra:
            return [record.media_json()]
        width, height = image_size(record.content) or (1280, 720)
        return world.new_photo(record.content, width, height)
    defaults: dict[str, dict[str, Any]] = {
        "sticker": {"width": 512, "height": 512, "is_animated": False, "is_video": False, "type": "regular"},
        "voice": {"duration": p.get_int("duration") or 1},
        "audio": {"duration": p.get_int("duration") or 1},
        "video": {
            "width": p.get_int("width") or 640,
            "height": p.get_int("height") or 360,
            "duration": p.get_int("duration") or 1,
        },
    }
    for key, value in defaults.get(kind, {}).items():
        record.extra.setdefault(key, value)
    if kind == "sticker" and p.get_str("emoji"):
        record.extra["emoji"] = p.get_str("emoji")
    return record.media_json()


def _media_sender(name: str, kind: str) -> None:
    def send(ctx: Context, p: Params) -> Any:
        p.chat_id()
        value = p.input_file(kind)
        if value is None:
            raise bad_request(f"there is no {kind} in the request")
        body = {} if kind == "sticker" else _text_body(p, caption=True)
        markup = _markup(p)
        ctx.world.require_chat(p.chat_id())  # fail before storing a file for a bad chat
        record = _file_from_param(ctx.world, value, kind)
        body[kind] = _media_json(ctx.world, kind, record, p)
        return copy.deepcopy(_deliver(ctx, p, body, markup).data)

    method(name)(send)


ALBUM_KINDS = ("photo", "video", "document", "audio")
_album_ids = itertools.count(13_000_000_000_000_001)


@method("sendMediaGroup")
def send_media_group(ctx: Context, p: Params) -> Any:
    """An album: 2 to 10 photos, videos, documents or audios, stored as messages sharing a media_group_id."""
    p.chat_id()
    media = p.get_json("media", invalid="can't parse media JSON object")
    if not isinstance(media, list) or not 2 <= len(media) <= 10:
        raise bad_request("wrong number of media in the album")
    ctx.world.require_chat(p.chat_id())
    group_id = str(next(_album_ids))
    bodies = []
    for item in media:
        kind = item.get("type") if isinstance(item, dict) else None
        if kind not in ALBUM_KINDS or not isinstance(item.get("media"), str):
            raise bad_request("can't parse InputMedia: media type is invalid")
        caption = str(item.get("caption") or "")
        if utf16_len(caption) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        record = _file_from_param(ctx.world, p.file_reference(item["media"]), kind)
        body: dict[str, Any] = {kind: _media_json(ctx.world, kind, record, p), "media_group_id": group_id}
        if caption:
            body["caption"] = caption
        bodies.append(body)
    return [copy.deepcopy(_deliver(ctx, p, body, None).data) for body in bodies]


_media_sender("sendPhoto", "photo")
_media_sender("sendDocument", "document")
_media_sender("sendSticker", "sticker")
_media_sender("sendVoice", "voice")
_media_sender("sendVideo", "video")
_media_sender("sendAudio", "audio")


@method("getFile")
def get_file(ctx: Context, p: Params) -> Any:
    file_id = p.get_str("file_id", missing="file_id is empty") or ""
    record = ctx.world.read(lambda world: world.files.get(file_id))
    if record is None:
        raise bad_request("invalid file_id")
    if record.file_size > MAX_DOWNLOAD:
        raise bad_request("file is too big")
    return record.file_json()


# --- copying and forwarding --------------------------------------------------------------------


def _source_message(ctx: Context, p: Params, missing_text: str) -> StoredMessage:
    from_chat = ctx.world.find_chat(p.chat_id("from_chat_id"))
    if from_chat is None:
        raise bad_request("chat not found")
    message_id = p.get_int("message_id", missing="message identifier is not specified")
    assert message_id is not None
    source = ctx.world.find_message(from_chat, message_id)
    if source is None:
        raise bad_request(missing_text)
    if not any(key in source.data for key in CONTENT_KEYS):
        raise bad_request("message can't be copied")
    return source


def _content(message: StoredMessage) -> dict[str, Any]:
    return {key: copy.deepcopy(message.data[key]) for key in CONTENT_KEYS if key in message.data}


@method("copyMessage")
def copy_message(ctx: Context, p: Params) -> Any:
    p.chat_id()
    source = _source_message(ctx, p, "message to copy not found")
    body = _content(source)
    if "caption" in p:  # a new caption replaces the old one, entities and all
        body.pop("caption_entities", None)
        body.update(_text_body(p, caption=True))
    markup = _markup(p)
    return {"message_id": _deliver(ctx, p, body, markup).message_id}


@method("forwardMessage")
def forward_message(ctx: Context, p: Params) -> Any:
    p.chat_id()
    source = _source_message(ctx, p, "message to forward not found")
    if source.data.get("has_protected_content"):
        raise bad_request("message has protected content and can't be forwarded")
    body = _content(source)
    body["forward_origin"] = {"type": "user", "sender_user": source.data["from"], "date": source.data["date"]}
    return copy.deepcopy(_deliver(ctx, p, body, None).data)


# --- editing and deleting ----------------------------------------------------------------------


def _target_message(ctx: Context, p: Params, missing_text: str) -> tuple[ChatRecord, StoredMessage]:
    if p.get_str("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")  # no inline mode here
    chat_id = p.chat_id()
    message_id = p.get_int("message_id", missing="message identifier is not specified")
    assert message_id is not None
    chat = ctx.world.require_chat(chat_id)
    message = ctx.world.find_message(chat, message_id)
    if message is None:
        raise bad_request(missing_text)
    return chat, message


def _apply_edit(ctx: Context, chat: ChatRecord, message: StoredMessage, changes: dict[str, Any]) -> Any:
    """Replace content fields (None = remove) and the inline keyboard; 400 if nothing changes."""
    data = message.data
    if all(data.get(key) == value for key, value in changes.items()):
        raise bad_request(NOT_MODIFIED)
    ctx.limiter.check(chat.id)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    message.reply_markup = data.get("reply_markup")
    data["edit_date"] = now()
    ctx.world.edits.append({"chat_id": chat.id, "message_id": message.message_id, **copy.deepcopy(changes)})
    return copy.deepcopy(data)


@method("editMessageText")
def edit_message_text(ctx: Context, p: Params) -> Any:
    body = _text_body(p)
    markup = _markup(p, inline_only=True)
    with ctx.world.mutate():
        chat, message = _target_message(ctx, p, "message to edit not found")
        if not message.outgoing:
            raise bad_request("message can't be edited")
        if "text" not in message.data:
            raise bad_request("there is no text in the message to edit")
        changes = {"text": body["text"], "entities": body.get("entities"), "reply_markup": markup}
        return _apply_edit(ctx, chat, message, changes)


@method("editMessageCaption")
def edit_message_caption(ctx: Context, p: Params) -> Any:
    body = _text_body(p, caption=True)
    markup = _markup(p, inline_only=True)
    with ctx.world.mutate():
        chat, message = _target_message(ctx, p, "message to edit not found")
        if not message.outgoing:
            raise bad_request("message can't be edited")
        if not any(k in message.data for k in ("photo", "document", "video", "voice", "audio", "animation")):
            raise bad_request("there is no caption in the message to edit")
        changes = {
            "caption": body.get("caption"),
            "caption_entities": body.get("caption_entities"),
            "reply_markup": markup,
        }
        return _apply_edit(ctx, chat, message, changes)


@method("editMessageReplyMarkup")
def edit_message_reply_markup(ctx: Context, p: Params) -> Any:
    markup = _markup(p, inline_only=True)
    with ctx.world.mutate():
        chat, message = _target_message(ctx, p, "message to edit not found")
        if not message.outgoing:
            raise bad_request("message can't be edited")
        return _apply_edit(ctx, chat, message, {"reply_markup": markup})


@method("deleteMessage")
def delete_message(ctx: Context, p: Params) -> Any:
    with ctx.world.mutate():
        _, message = _target_message(ctx, p, "message to delete not found")
        message.deleted = True
    return True


# --- callback queries and chats ----------------------------------------------------------------


@method("answerCallbackQuery")
def answer_callback_query(ctx: Context, p: Params) -> Any:
    invalid = "query is too old and response timeout expired or query ID is invalid"
    query_id = p.get_str("callback_query_id", missing=invalid)
    text = p.get_str("text") or ""
    if len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    with ctx.world.mutate() as world:
        record = world.callbacks.get(query_id or "")
        if record is None or record.answer is not None:
            raise bad_request(invalid)
        record.answer = {
            "callback_query_id": record.id,
            "user_id": record.user_id,
            "chat_id": record.chat_id,
            "message_id": record.message_id,
            "data": record.data,
            "text": text or None,
            "show_alert": p.get_bool("show_alert"),
            "url": p.get_str("url"),
            "cache_time": p.get_int("cache_time") or 0,
        }
    return True


@method("getChat")
def get_chat(ctx: Context, p: Params) -> Any:
    chat_id = p.chat_id()
    world = ctx.world
    chat = world.find_chat(chat_id)
    if chat is None:
        raise bad_request("chat not found")
    if chat.user_id is None:
        world.require_chat(chat_id)  # a bot removed from a group can no longer look at it
    return world.read(lambda w: w.chat_full_info_json(chat))


# --- forum topics ------------------------------------------------------------------------------
# Error texts follow Telegram's split of the work: TDLib inside the Bot API server refuses a chat
# that is not a forum, a topic name that is empty once trimmed, a non-positive thread id and a
# missing right; a topic that never existed or was deleted is refused by Telegram's own servers
# as TOPIC_ID_INVALID, and a change to what already is as TOPIC_NOT_MODIFIED.


def _forum(world: World, p: Params) -> ChatRecord:
    chat = world.require_chat(p.chat_id())
    if not chat.is_forum:
        raise bad_request("the chat is not a forum")
    return chat


def _forum_topic(world: World, p: Params) -> tuple[ChatRecord, TopicRecord]:
    chat = _forum(world, p)
    thread_id = p.get_int("message_thread_id") or 0
    if thread_id <= 0:
        raise bad_request("invalid message thread identifier specified")
    topic = world.find_topic(chat, thread_id)
    if topic is None:
        raise bad_request("TOPIC_ID_INVALID")
    return chat, topic


def _topic_name(p: Params) -> str | None:
    """``name`` trimmed and cut to 128 characters as TDLib does; None when not given."""
    raw = p.get_str("name")
    if raw is None:
        return None
    name = raw.strip()[:MAX_TOPIC_NAME]
    if not name:
        raise bad_request("title must be non-empty")
    return name


@method("getForumTopicIconStickers")
def get_forum_topic_icon_stickers(ctx: Context, p: Params) -> Any:
    return []


@method("createForumTopic")
def create_forum_topic(ctx: Context, p: Params) -> Any:
    with ctx.world.mutate() as world:
        chat = _forum(world, p)
        if not chat.bot_is_admin:
            raise bad_request("not enough rights to create a topic")
        name = _topic_name(p)
        if name is None:
            raise bad_request("title must be non-empty")
        icon_color = p.get_int("icon_color")
        if icon_color is not None and not 0 <= icon_color <= 0xFFFFFF:
            raise bad_request("invalid icon color specified")
        topic = world.add_topic(chat, name, icon_color, p.get_str("icon_custom_emoji_id"))
        return topic.forum_topic_json()


@method("editForumTopic")
def edit_forum_topic(ctx: Context, p: Params) -> Any:
    with ctx.world.mutate() as world:
        chat, topic = _forum_topic(world, p)
        changes: dict[str, Any] = {}
        name = _topic_name(p)
        if name is not None:
            changes["name"] = name
        if p.given("icon_custom_emoji_id"):  # an empty string removes the icon
            changes["icon_custom_emoji_id"] = p.get_str("icon_custom_emoji_id") or ""
        if not changes:
            return True  # nothing asked, nothing done
        if all((getattr(topic, key) or "") == value for key, value in changes.items()):
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.name = changes.get("name", topic.name)
        topic.icon_custom_emoji_id = changes.get("icon_custom_emoji_id", topic.icon_custom_emoji_id) or None
        world.add_message(chat, body={"forum_topic_edited": changes, **world.placement(chat, topic, None)})
    return True


def _set_topic_closed(ctx: Context, p: Params, closed: bool) -> Any:
    with ctx.world.mutate() as world:
        chat, topic = _forum_topic(world, p)
        if topic.closed == closed:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.closed = closed
        event = "forum_topic_closed" if closed else "forum_topic_reopened"
        world.add_message(chat, body={event: {}, **world.placement(chat, topic, None)})
    return True


@method("closeForumTopic")
def close_forum_topic(ctx: Context, p: Params) -> Any:
    return _set_topic_closed(ctx, p, True)


@method("reopenForumTopic")
def reopen_forum_topic(ctx: Context, p: Params) -> Any:
    return _set_topic_closed(ctx, p, False)


@method("deleteForumTopic")
def delete_forum_topic(ctx: Context, p: Params) -> Any:
    with ctx.world.mutate() as world:
        chat, topic = _forum_topic(world, p)
        world.delete_topic(chat, topic)
    return True

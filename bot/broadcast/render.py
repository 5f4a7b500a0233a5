"""An announcement as clients see it (and staff preview it): the text or photo with its formatting, its
buttons, and «خبر نفرست» under every one.

A button carries only "an:<broadcast id>:<button index>" (or ":u" for unsubscribing); what it means is
read from the broadcast, so forged data finds nothing. An alert's buttons carry "al:<broadcast id>:<index>".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity

from karyar.alerts.announce import is_alert
from karyar.broadcast.content import Content
from karyar.broadcast.report import UNSUBSCRIBE_BUTTON
from karyar.texts import _

_PRESS = re.compile(r"^an:(\d{1,18}):(\d|u)$")
PRESS_PATTERN = r"^an:"
_ALERT_PRESS = re.compile(r"^al:(\d{1,18}):(\d)$")
ALERT_PRESS_PATTERN = r"^al:"


@dataclass(frozen=True, slots=True)
class PressRef:
    broadcast_id: int
    button: int  # an index into Broadcast.buttons, or UNSUBSCRIBE_BUTTON


def press_data(broadcast_id: int, button: int) -> str:
    return f"an:{broadcast_id}:{'u' if button == UNSUBSCRIBE_BUTTON else button}"


def alert_press_data(broadcast_id: int, button: int) -> str:
    return f"al:{broadcast_id}:{button}"


def parse_alert_press(data: str | None) -> PressRef | None:
    match = _ALERT_PRESS.match(data or "")
    return PressRef(int(match[1]), int(match[2])) if match else None


def parse_press(data: str | None) -> PressRef | None:
    match = _PRESS.match(data or "")
    if match is None:
        return None
    return PressRef(int(match[1]), UNSUBSCRIBE_BUTTON if match[2] == "u" else int(match[2]))


def markup(broadcast_id: int, buttons: list[dict[str, Any]]) -> InlineKeyboardMarkup:
    if is_alert(buttons):
        # An alert's own buttons, «خبر نفرست» among them (it stops alerts, not the news).
        return InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(b["title"], callback_data=alert_press_data(broadcast_id, i))]
                for i, b in enumerate(buttons)
            ]
        )
    rows = []
    for index, button in enumerate(buttons):
        if button["kind"] == "link":
            rows.append([InlineKeyboardButton(button["title"], url=button["url"])])
        else:
            rows.append(
                [InlineKeyboardButton(button["title"], callback_data=press_data(broadcast_id, index))]
            )
    rows.append(
        [
            InlineKeyboardButton(
                _("Announcement: unsubscribe button"), callback_data=press_data(broadcast_id, -1)
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


async def send(
    bot: Bot, *, chat_id: int, broadcast_id: int, content: Content, buttons: list[dict[str, Any]]
) -> Message:
    """Send the announcement; Telegram's errors (blocked, flood wait, …) are the caller's to handle."""
    keyboard = markup(broadcast_id, buttons)
    entities = [MessageEntity.de_json(entity, bot) for entity in content.entities]
    if content.has_photo:
        # python-telegram-bot uploads a local path itself.
        photo: Any = content.photo or Path(str(content.photo_path))
        return await bot.send_photo(
            chat_id,
            photo,
            caption=content.text or None,
            caption_entities=entities or None,
            reply_markup=keyboard,
        )
    return await bot.send_message(chat_id, content.text, entities=entities or None, reply_markup=keyboard)


def uploaded_photo(message: Message) -> str | None:
    """The file_id of the largest size of a photo just sent, to send it again without uploading."""
    return message.photo[-1].file_id if message.photo else None

"""What kind of message a client or counsellor sent, named the way the message log stores it."""

from __future__ import annotations

from telegram import Message

# An animation also carries a document, so the more specific kinds are checked first.
_KINDS = ("sticker", "voice", "audio", "video_note", "photo", "video", "animation", "document")


def media_kind(message: Message) -> str:
    """The media a message carries, or "other" (a poll, a dice, …)."""
    return next((kind for kind in _KINDS if getattr(message, kind)), "other")

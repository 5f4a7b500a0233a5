"""How the bot names an update to the inbox (karyar/inbox.py): a key over the whole update.

Stored, replayed and marked updates all pass through python-telegram-bot's own form (`Update.to_dict`),
so the same update always gets the same key, whichever way it arrived.
"""

from __future__ import annotations

from telegram import Update

from karyar import inbox


def key_of(update: Update) -> str:
    return inbox.update_key(update.to_dict())

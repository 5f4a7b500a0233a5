"""A corpus of hostile or odd updates, sent through the Bot API stand-in as Telegram (or a forger) would.

Used by the end-to-end test (a few hundred) and by `bench/bad_input.py` (over a thousand). Every update
that is a message must be recorded and its sender answered; nothing may crash the bot.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from localapi.driver import UserDriver

_ODD_TEXTS = [
    "\u202e\u2066سلام\u2069 کار میخوام\u202c",  # bidi overrides and isolates
    "سلام\u0000\u0007\u001b[31m دوره\u0008",  # control characters and an ANSI escape
    "\u200c\u200f\u200e",  # only invisible marks
    "salam سلام Привет 你好 مرحبا 🤖",  # mixed scripts
    "🙂🙂🙂🙂🙂🙂🙂🙂",
    "'; DROP TABLE clients; --",
    "<b>سلام</b> <script>alert(1)</script>",
    "*_`[سلام](http://x)`_*",
    "٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹ 0123456789",
    "ك ي ة أ إ ؤ ـــــ سلااااااااام",
    "x" * 300,  # one very long word
    "/start@some_other_bot extra words",
    "/nosuchcommand \u202e",
    "\n\n\n   \t  سلام  \n\n",
    "۰۰۱۲۳۴۵۶۷۸ ۰۰۰۰۰۰۰۰۰۰ 99999999999999",
]


@dataclass
class Plan:
    """What was sent, and what the product must show for it."""

    messages: dict[int, int] = field(
        default_factory=dict
    )  # user → messages that must be recorded (at least: a forged press may be too)
    callbacks: list[str] = field(default_factory=list)  # forged presses that must be answered
    updates: int = 0

    def add(self, user_id: int, recorded: int = 1) -> None:
        self.messages[user_id] = self.messages.get(user_id, 0) + recorded
        self.updates += 1


def _mixed_long(rng: random.Random) -> str:
    pieces = ["سلام", "کار", "hello", "😀", "\u200c", "١٢٣", "\u202b", "دوره خیاطی", "Ω"]
    return " ".join(rng.choice(pieces) for _ in range(rng.randint(1200, 2600)))


def send_hostile_corpus(api: UserDriver, *, first_user: int, count: int, seed: int = 7) -> Plan:
    """Send at least `count` hostile updates from new users; returns what must be recorded and answered."""
    rng = random.Random(seed)
    plan = Plan()
    user = first_user
    senders: list[Callable[[int], None]] = []

    def text(user_id: int, value: str) -> dict[str, Any]:
        sent = api.send_text(user_id, value)
        plan.add(user_id)
        return sent

    def odd_text(user_id: int) -> None:
        text(user_id, rng.choice(_ODD_TEXTS))

    def oversized(user_id: int) -> None:
        text(user_id, _mixed_long(rng))

    def media(user_id: int) -> None:
        kind = rng.choice(["sticker", "photo", "voice", "video", "document", "location", "contact"])
        if kind == "sticker":
            api.send_sticker(user_id)
        elif kind == "photo":
            api.send_photo(user_id)
        elif kind == "voice":
            api.send_voice(user_id)
        elif kind == "video":
            api.send_video(user_id)
        elif kind == "document":
            api.send_document(user_id, file_name="\u202eexe.pdf")
        elif kind == "location":
            api.send_location(user_id, 91.0 * rng.choice([-1, 1]), 181.0)  # out of range on purpose
        else:
            api.send_contact(user_id, "+989121234567", own=False)  # someone else's number
        plan.add(user_id)

    def edit_old(user_id: int) -> None:
        sent = text(user_id, "سلام")
        api.edit_text(user_id, sent["message_id"], rng.choice(_ODD_TEXTS) or "ویرایش")
        plan.add(user_id)

    def forged_press(user_id: int) -> None:
        sent = text(user_id, "سلام")
        data = rng.choice(
            ["rb:1:999", "rb:-1:x", "ho:claim:1", "pv:erase:1", "hc:rate:1:9", "", "💣" * 10, "a" * 64]
        )
        plan.callbacks.append(api.forge_press(user_id, sent["message_id"], data))
        plan.updates += 1

    def unknown_kind(user_id: int) -> None:
        text(user_id, "سلام")
        with api.world.mutate() as world:
            world.queue_update(
                "future_update_kind", {"id": rng.randint(1, 10**9), "whatever": [1, {"x": None}]}
            )
            world.queue_update(
                "message_reaction", {"chat": {"id": user_id, "type": "private"}, "message_id": 1}
            )
        plan.updates += 2

    def flood(user_id: int) -> None:
        for n in range(25):
            text(user_id, f"پیام {n}")

    senders = [odd_text, oversized, media, edit_old, forged_press, unknown_kind, odd_text, media, flood]
    while plan.updates < count:
        senders[rng.randrange(len(senders))](user)
        user += 1
    return plan

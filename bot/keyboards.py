"""Keyboards and the callback data behind inline buttons.

Rasa's button payloads can exceed Telegram's 64-byte callback data, so an inline button carries only
"rb:<outbound message id>:<index>"; the payload itself stays in the case database, which also tells a
stale or forged press from a current one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from karyar.texts import _

CONSENT_ACCEPT = "consent:yes"
CONSENT_DECLINE = "consent:no"
NEWS_YES = "news:yes"
NEWS_NO = "news:no"
EMPLOYER_PAYLOAD = "/i_am_employer"
_RASA_BUTTON = re.compile(r"^rb:(\d{1,18}):(\d{1,2})$")


@dataclass(frozen=True, slots=True)
class RasaButtonRef:
    message_id: int
    index: int


def rasa_button_data(message_id: int, index: int) -> str:
    return f"rb:{message_id}:{index}"


def parse_rasa_button(data: str | None) -> RasaButtonRef | None:
    match = _RASA_BUTTON.match(data or "")
    return RasaButtonRef(int(match[1]), int(match[2])) if match else None


def rasa_buttons(message_id: int, titles: list[str]) -> InlineKeyboardMarkup:
    """One button per row: long Persian titles stay readable on a phone."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(title[:64], callback_data=rasa_button_data(message_id, i))]
            for i, title in enumerate(titles)
        ]
    )


def consent_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("Consent button: accept"), callback_data=CONSENT_ACCEPT),
                InlineKeyboardButton(_("Consent button: decline"), callback_data=CONSENT_DECLINE),
            ]
        ]
    )


def news_keyboard() -> InlineKeyboardMarkup:
    """Asked once, right after consent: news of new courses and job opportunities, yes or no."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("News button: yes"), callback_data=NEWS_YES),
                InlineKeyboardButton(_("News button: no"), callback_data=NEWS_NO),
            ]
        ]
    )


def menu_items() -> list[tuple[str, str]]:
    """(label, Rasa payload) of the main menu; a press sends the payload, so no guessing is involved."""
    return [
        (_("Menu: training"), "/ask_training"),
        (_("Menu: jobs"), "/ask_jobs"),
        (_("Menu: loans"), "/ask_loan"),
        (_("Menu: eligibility"), "/ask_eligibility"),
        (_("Menu: counsellor"), "/request_counsellor"),
        (_("Menu: help"), "/help"),
        (_("Menu: employer"), EMPLOYER_PAYLOAD),
    ]


def menu_payload(text: str) -> str | None:
    return dict(menu_items()).get(text.strip())


def main_menu() -> ReplyKeyboardMarkup:
    labels = [label for label, _payload in menu_items()]
    rows = [[KeyboardButton(label) for label in labels[i : i + 2]] for i in range(0, len(labels), 2)]
    return ReplyKeyboardMarkup(
        rows, resize_keyboard=True, input_field_placeholder=_("Menu input placeholder")
    )


def live_chat_keyboard() -> ReplyKeyboardMarkup:
    """While a counsellor talks with the client: in place of the menu, whose presses would reach the
    counsellor as text, one button that ends the conversation."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(_("Button: end live chat"))]],
        resize_keyboard=True,
        input_field_placeholder=_("Live chat input placeholder"),
    )


def ends_live_chat(text: str | None) -> bool:
    return (text or "").strip() == _("Button: end live chat")

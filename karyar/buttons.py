"""A client's press on a button of one of Rasa's answers: which button it was, and whether it still counts.

The buttons of the latest answer are current; a later answer with buttons makes them stale. Buttons about
one course or job («اطلاعات بیشتر», «علاقه‌مندم») name their item, so they stay usable on an older list, and
an answer to such a press does not make the list's other buttons stale («بعدی» still pages it). Asking for a
counsellor means the same whenever it is pressed, so that button never goes stale either.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from karyar import clients, messages
from karyar.catalogue.listing import ITEM_REF
from karyar.db.models import Message

_DURABLE_PAYLOAD = re.compile(
    rf'^/(?:(?:show_details|express_interest)\{{"item": ?"{ITEM_REF}"\}}|request_counsellor(?:\{{[^{{}}]*\}})?)$'
)


def is_durable_payload(payload: str) -> bool:
    """Whether a button's payload is about one item or asks for a counsellor, and so usable whenever pressed."""
    return _DURABLE_PAYLOAD.match(payload) is not None


@dataclass(frozen=True, slots=True)
class PressedButton:
    title: str
    payload: str  # what Rasa receives


class Unusable(enum.StrEnum):
    STALE = "stale"  # a later answer replaced it
    UNKNOWN = "unknown"  # forged, or on another client's message


def resolve(
    session: Session, *, telegram_user_id: int, message_id: int, index: int
) -> PressedButton | Unusable:
    """The button at `index` on the outbound message `message_id`, if it is the client's and current."""
    client = clients.find_client(session, telegram_user_id=telegram_user_id)
    shown = messages.find_outbound(session, message_id=message_id)
    if client is None or shown is None or shown.client_id != client.id:
        return Unusable.UNKNOWN
    buttons = (shown.extra or {}).get("buttons") or []
    if not 0 <= index < len(buttons):
        return Unusable.UNKNOWN
    payload = str(buttons[index]["payload"])
    if not is_durable_payload(payload) and not _is_current(session, client_id=client.id, shown=shown):
        return Unusable.STALE
    return PressedButton(str(buttons[index].get("title", "")), payload)


def _is_current(session: Session, *, client_id: int, shown: Message) -> bool:
    latest = messages.latest_with_buttons(session, client_id=client_id)
    if latest is None:
        return False
    if _same_answer(latest, shown):
        return True
    current: Message | None = latest
    while current is not None and _answers_an_item_press(session, current):
        current = messages.latest_with_buttons(session, client_id=client_id, before=current.id)
        if current is not None and _same_answer(current, shown):
            return True
    return False


def _same_answer(one: Message, other: Message) -> bool:
    """The same message, or two messages of one answer (several course cards, say)."""
    batch = (one.extra or {}).get("batch")
    return one.id == other.id or (batch is not None and (other.extra or {}).get("batch") == batch)


def _answers_an_item_press(session: Session, shown: Message) -> bool:
    """Whether this answer is Rasa's reply to a press on a button about one item."""
    batch = (shown.extra or {}).get("batch")
    pressed = session.get(Message, batch) if isinstance(batch, int) else None
    payload = (pressed.extra or {}).get("rasa_text") if pressed is not None else None
    return isinstance(payload, str) and is_durable_payload(payload)

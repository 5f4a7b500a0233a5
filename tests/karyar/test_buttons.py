"""A press on a button of Rasa's answers: the client's own, current ones only; buttons about one item stay
usable, and an answer about one item leaves the list it came from current."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from karyar import buttons, clients, messages
from karyar.buttons import PressedButton, Unusable
from karyar.clients import TelegramIdentity
from karyar.db.engine import Database

CLIENT = 7001
OTHER = 7002
NEXT = {"title": "next", "payload": "/next_page"}
DETAILS = {"title": "details", "payload": '/show_details{"item": "course:3"}'}


def _client(session: Session, user_id: int) -> int:
    return clients.ensure_client(session, identity=TelegramIdentity(user_id=user_id)).id


def _answer(session: Session, client_id: int, *options: dict[str, Any], answering: int | None = None) -> int:
    return messages.log_outbound(
        session,
        client_id=client_id,
        kind="buttons",
        text="?",
        extra={"buttons": list(options), "batch": answering},
    ).id


def _press(session: Session, client_id: int, payload: str) -> int:
    return messages.log_inbound(
        session, client_id=client_id, kind="button", text="x", extra={"rasa_text": payload}
    ).id


def _resolve(
    session: Session, message_id: int, index: int = 0, user_id: int = CLIENT
) -> PressedButton | Unusable:
    return buttons.resolve(session, telegram_user_id=user_id, message_id=message_id, index=index)


def test_only_the_clients_own_buttons_can_be_pressed(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _client(session, CLIENT)
        _client(session, OTHER)
        shown = _answer(session, client, NEXT)
        assert _resolve(session, shown) == PressedButton("next", "/next_page")
        assert _resolve(session, shown, user_id=OTHER) is Unusable.UNKNOWN
        assert _resolve(session, shown, index=1) is Unusable.UNKNOWN
        assert _resolve(session, shown + 100) is Unusable.UNKNOWN


def test_a_later_answer_makes_buttons_stale_except_those_about_one_item(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _client(session, CLIENT)
        listing = _answer(session, client, NEXT, DETAILS)
        _answer(session, client, NEXT)
        assert _resolve(session, listing) is Unusable.STALE
        assert _resolve(session, listing, index=1) == PressedButton("details", DETAILS["payload"])


def test_an_answer_about_one_item_leaves_its_list_current(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _client(session, CLIENT)
        listing = _answer(session, client, NEXT, DETAILS)
        pressed = _press(session, client, str(DETAILS["payload"]))
        _answer(session, client, {"title": "interest", "payload": "/interest"}, answering=pressed)
        assert _resolve(session, listing) == PressedButton("next", "/next_page")
        _answer(session, client, NEXT)  # the talk moves on
        assert _resolve(session, listing) is Unusable.STALE

"""A client's message as it arrives: stored before anything else happens, with where it goes.

During a handoff it is for the counsellor; after a counsellor asked for a comment on their help, the next
words are that comment; otherwise it waits for Rasa if it is for Rasa. National ids and phone numbers found
in it are stored encrypted in the same transaction, so they are never lost, nor stored without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from karyar import clients, messages
from karyar.clients import TelegramIdentity
from karyar.handoff import queue as handoff_queue
from karyar.identity import store as identifier_store
from karyar.identity.cipher import DataCipher
from karyar.identity.identifiers import Protected


@dataclass(frozen=True, slots=True)
class Inbound:
    identity: TelegramIdentity
    kind: str
    text: str | None
    rasa_text: str | None  # what Rasa should receive; None when the message is not for Rasa
    telegram_message_id: int | None = None
    telegram_update_id: int | None = None
    telegram_update_key: str | None = None  # how a replay of the update finds this message (karyar/inbox.py)
    extra: dict[str, Any] | None = None
    # National ids and phone numbers found in the text (which holds only their masks), to store encrypted.
    identifiers: tuple[Protected, ...] = ()


@dataclass(frozen=True, slots=True)
class Receipt:
    """A stored client message and where it went."""

    client_id: int
    message_id: int
    handoff_id: int | None = None  # written during a handoff: for the counsellor, not for Rasa
    comment: bool = False  # the client's comment on a counsellor's help
    identifiers_stored: bool = False  # the message's identifiers were stored (the client has consented)

    @property
    def taken(self) -> bool:
        """Somebody other than Rasa and the ordinary handlers deals with this message."""
        return self.handoff_id is not None or self.comment


def store(session: Session, *, inbound: Inbound, cipher: DataCipher, bot_id: int | None = None) -> Receipt:
    """Store a client's message to bot `bot_id`, which is then the one to answer it."""
    client = clients.ensure_client(session, identity=inbound.identity)
    active = handoff_queue.active_handoff(session, client_id=client.id)
    commenting = None if active else handoff_queue.awaiting_comment(session, client_id=client.id)
    if commenting is not None and (inbound.kind != "text" or not inbound.text):
        handoff_queue.drop_comment(session, handoff=commenting)  # moved on: the next words are not a comment
        commenting = None
    extra = dict(inbound.extra or {})
    if inbound.rasa_text is not None and inbound.rasa_text != inbound.text:
        extra["rasa_text"] = inbound.rasa_text
    stored = messages.log_inbound(
        session,
        client_id=client.id,
        kind=inbound.kind,
        text=inbound.text,
        telegram_message_id=inbound.telegram_message_id,
        telegram_update_id=inbound.telegram_update_id,
        telegram_update_key=inbound.telegram_update_key,
        bot_id=bot_id,
        for_rasa=inbound.rasa_text is not None and commenting is None,
        handoff_id=active.id if active else None,
        extra=extra or None,
    )
    if commenting is not None:
        handoff_queue.save_comment(session, handoff=commenting, text=inbound.text or "")
    identifiers_stored = bool(inbound.identifiers) and identifier_store.record_with_consent(
        session,
        cipher=cipher,
        client_id=client.id,
        values=list(inbound.identifiers),
        source="message",
        source_message_id=stored.id,
    )
    return Receipt(
        client.id,
        stored.id,
        handoff_id=active.id if active else None,
        comment=commenting is not None,
        identifiers_stored=identifiers_stored,
    )

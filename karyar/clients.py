"""Clients: the people who talk to the bot, keyed by their Telegram user id."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from karyar.cases import open_case
from karyar.clock import now
from karyar.db.models import Client

CONSENT_VERSION = "2026-12"


@dataclass(frozen=True, slots=True)
class TelegramIdentity:
    """What Telegram tells us about a user; names may change between messages."""

    user_id: int
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None


def find_client(session: Session, *, telegram_user_id: int) -> Client | None:
    return session.scalar(select(Client).where(Client.telegram_user_id == telegram_user_id))


def ensure_client(session: Session, *, identity: TelegramIdentity) -> Client:
    """The client for this Telegram user, created with an open case on first contact.

    The bot and the action server may both see a new user at the same moment; the unique Telegram
    id decides, and the loser reads the winner's row.
    """
    client = find_client(session, telegram_user_id=identity.user_id)
    if client is None:
        try:
            with session.begin_nested():
                client = Client(telegram_user_id=identity.user_id, first_seen_at=now(), last_seen_at=now())
                session.add(client)
                session.flush()
        except IntegrityError:
            client = find_client(session, telegram_user_id=identity.user_id)
            if client is None:
                raise
    _refresh_identity(client, identity)
    open_case(session, client_id=client.id)
    return client


def _refresh_identity(client: Client, identity: TelegramIdentity) -> None:
    client.last_seen_at = now()
    for field in ("first_name", "last_name", "username", "language_code"):
        value = getattr(identity, field)
        if value is not None:
            setattr(client, field, value.replace("\x00", "\ufffd")[:128])  # PostgreSQL refuses NUL
    # A message from the user means they have not blocked the bot (any more).
    client.blocked_bot = False
    client.chat_missing = False


def record_consent(session: Session, *, client_id: int, version: str = CONSENT_VERSION) -> bool:
    """Record consent; returns False if it was already given (the original time and version stay)."""
    client = session.get_one(Client, client_id)
    if client.consent_given_at is not None:
        return False
    client.consent_given_at = now()
    client.consent_version = version
    return True


def has_consent(session: Session, *, telegram_user_id: int) -> bool:
    client = find_client(session, telegram_user_id=telegram_user_id)
    return client is not None and client.consent_given_at is not None


def mark_blocked(session: Session, *, telegram_user_id: int) -> None:
    client = find_client(session, telegram_user_id=telegram_user_id)
    if client is not None:
        client.blocked_bot = True


def mark_chat_missing(session: Session, *, telegram_user_id: int) -> None:
    client = find_client(session, telegram_user_id=telegram_user_id)
    if client is not None:
        client.chat_missing = True

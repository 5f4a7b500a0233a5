"""The units of work behind a client's privacy screens that the export and erasure modules do not cover:
whose data a Telegram user's request is about, and a record of the data file sent to them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from karyar import clients, messages


def owner_of(session: Session, *, telegram_user_id: int) -> int | None:
    """The client id of this Telegram user now (a new one after an erasure), or None if they never wrote."""
    client = clients.find_client(session, telegram_user_id=telegram_user_id)
    return client.id if client is not None else None


def record_file_sent(session: Session, *, client_id: int, file_name: str, size: int) -> None:
    """The data file goes into the client's record like any message sent, by name and size only."""
    messages.log_outbound(
        session, client_id=client_id, kind="document", text=None, extra={"file": file_name, "bytes": size}
    )

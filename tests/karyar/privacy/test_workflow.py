"""Whose data a privacy request is about (a new client after an erasure, nobody before the first message),
and the record of a data file sent: its name and size, never its content."""

from __future__ import annotations

from sqlalchemy import select

from karyar.db.engine import Database
from karyar.db.models import Direction, Message
from karyar.privacy import erasure, workflow
from tests.karyar.handoff.conftest import add_client

USER = 7_500_000_001


def test_the_owner_is_the_client_of_now(db: Database) -> None:
    assert db.run(workflow.owner_of, telegram_user_id=USER) is None
    with db.unit_of_work() as session:
        first = add_client(session, USER).id
    assert db.run(workflow.owner_of, telegram_user_id=USER) == first
    db.run(erasure.erase_client, client_id=first)
    assert db.run(workflow.owner_of, telegram_user_id=USER) is None
    with db.unit_of_work() as session:
        again = add_client(session, USER).id
    assert again != first and db.run(workflow.owner_of, telegram_user_id=USER) == again


def test_a_data_file_sent_is_recorded_by_name_and_size(db: Database) -> None:
    with db.unit_of_work() as session:
        client_id = add_client(session, USER).id
    db.run(workflow.record_file_sent, client_id=client_id, file_name="karyar-my-data.txt", size=512)
    with db.unit_of_work() as session:
        sent = session.scalars(select(Message).where(Message.client_id == client_id)).one()
        assert (sent.direction, sent.kind, sent.text, sent.extra) == (
            Direction.OUTBOUND,
            "document",
            None,
            {"file": "karyar-my-data.txt", "bytes": 512},
        )

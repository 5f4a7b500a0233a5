"""Migration 0009 (update keys) on both backends: updates waiting to be processed keep their place under
their key, and the way back restores the old shape; the schema at head matches the models."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from karyar import inbox
from karyar.db.engine import make_engine
from karyar.db.models import Base
from ops.migrate import downgrade, upgrade
from tests.support.databases import BACKENDS, migrated_database_or_skip

WAITING = {"update_id": 41, "message": {"message_id": 7, "date": 1_790_000_000, "text": "وام میخوام"}}


@pytest.fixture(params=BACKENDS)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with migrated_database_or_skip(request.param, tmp_path) as url:
        yield url


def _run(url: str, statement: str, **values: object) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            result = connection.execute(text(statement), values)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def test_waiting_updates_survive_the_upgrade_under_their_key_and_the_way_back(fresh_url: str) -> None:
    downgrade(fresh_url, "0008_report_indexes")
    insert = (
        "INSERT INTO telegram_updates (bot_id, update_id, payload, received_at, processed_at) "
        "VALUES (:bot, :id, :payload, :at, :done)"
    )
    _run(
        fresh_url,
        insert,
        bot=1,
        id=41,
        payload=json.dumps(WAITING),
        at="2026-12-01 10:00:00+00:00",
        done=None,
    )
    done_at = "2026-12-01 10:00:05+00:00"
    _run(fresh_url, insert, bot=1, id=40, payload=None, at="2026-12-01 09:59:00+00:00", done=done_at)

    upgrade(fresh_url)
    rows = _run(fresh_url, "SELECT bot_id, key, update_id FROM telegram_updates")
    assert rows == [(1, inbox.update_key(WAITING), 41)]
    engine = make_engine(fresh_url)
    try:
        with engine.connect() as connection:
            assert list(compare_metadata(MigrationContext.configure(connection), Base.metadata)) == []
    finally:
        engine.dispose()

    downgrade(fresh_url, "0008_report_indexes")
    assert _run(fresh_url, "SELECT bot_id, update_id FROM telegram_updates") == [(1, 41)]
    upgrade(fresh_url)

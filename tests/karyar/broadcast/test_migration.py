"""Migration 0005 (broadcasts) on both backends: upgrade to head, downgrade to 0004 and upgrade again, with
existing clients and their cases kept. `tests/karyar/test_case_database.py` already checks that the
migrated schema at head matches the models; this checks the way back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from karyar.db.engine import make_engine
from karyar.db.models import Base
from ops.migrate import alembic_config, downgrade, upgrade
from tests.support.databases import BACKENDS, migrated_database_or_skip

HEAD = ScriptDirectory.from_config(alembic_config("")).get_current_head()

BROADCAST_TABLES = {"broadcasts", "broadcast_deliveries", "broadcast_presses"}
NEW_INDEX = "ix_profile_facts_current_name_value"


@pytest.fixture(params=BACKENDS)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own: going down and up again must not disturb the suite's shared one."""
    with migrated_database_or_skip(request.param, tmp_path) as url:
        yield url


def _schema(url: str) -> tuple[set[str], set[str], set[str], str | None]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            found = inspect(connection)
            tables = set(found.get_table_names())
            client_columns = {column["name"] for column in found.get_columns("clients")}
            fact_indexes = {index["name"] or "" for index in found.get_indexes("profile_facts")}
            revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        engine.dispose()
    return tables, client_columns, fact_indexes, revision


def _differences(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))
    finally:
        engine.dispose()


def _run(url: str, *statements: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            result: list[tuple[object, ...]] = []
            for statement in statements:
                rows = connection.execute(text(statement))
                if rows.returns_rows:
                    result = [tuple(row) for row in rows]
            return result
    finally:
        engine.dispose()


def test_broadcasts_migrate_down_to_0004_and_up_again(fresh_url: str) -> None:
    tables, columns, indexes, revision = _schema(fresh_url)
    assert revision == HEAD
    assert tables >= BROADCAST_TABLES and "chat_missing" in columns and NEW_INDEX in indexes

    downgrade(fresh_url, "0004_handoffs")
    tables, columns, indexes, revision = _schema(fresh_url)
    assert revision == "0004_handoffs"
    assert not tables & BROADCAST_TABLES
    assert "chat_missing" not in columns and "subscribed" in columns
    assert NEW_INDEX not in indexes

    upgrade(fresh_url)
    tables, columns, indexes, revision = _schema(fresh_url)
    assert revision == HEAD
    assert tables >= BROADCAST_TABLES and "chat_missing" in columns and NEW_INDEX in indexes
    assert _differences(fresh_url) == []


def test_existing_clients_survive_the_upgrade_and_are_not_marked_missing(fresh_url: str) -> None:
    downgrade(fresh_url, "0004_handoffs")
    _run(
        fresh_url,
        "INSERT INTO clients (telegram_user_id, subscribed, blocked_bot, first_seen_at, last_seen_at)"
        " VALUES (7800000001, true, false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    )
    upgrade(fresh_url)
    [(telegram_user_id, subscribed, chat_missing)] = _run(
        fresh_url, "SELECT telegram_user_id, subscribed, chat_missing FROM clients"
    )
    # SQLite hands booleans back as integers.
    assert (telegram_user_id, bool(subscribed), bool(chat_missing)) == (7_800_000_001, True, False)


def test_downgrading_keeps_clients_and_their_cases(fresh_url: str) -> None:
    """0005's downgrade drops `clients.chat_missing` in place: rebuilding the table would cascade-delete."""
    _run(
        fresh_url,
        "INSERT INTO clients (telegram_user_id, subscribed, blocked_bot, chat_missing, first_seen_at,"
        " last_seen_at) VALUES (7800000101, true, false, false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        "INSERT INTO cases (client_id, stage, opened_at) SELECT id, 'intake', CURRENT_TIMESTAMP FROM clients",
    )
    downgrade(fresh_url, "0004_handoffs")
    assert _run(fresh_url, "SELECT count(*) FROM clients") == [(1,)]
    assert _run(fresh_url, "SELECT count(*) FROM cases") == [(1,)]
    upgrade(fresh_url)
    assert _run(fresh_url, "SELECT count(*) FROM cases") == [(1,)]


def test_upgrading_a_database_in_use_keeps_every_row_and_link(fresh_url: str) -> None:
    """From 0003 to head with a client, their case, a message and an event citing it: on SQLite, 0004 and
    0005 rebuild tables, which must not cascade to the rows that point at them."""
    downgrade(fresh_url, "0003_catalogue")
    _run(
        fresh_url,
        "INSERT INTO clients (telegram_user_id, subscribed, blocked_bot, first_seen_at, last_seen_at)"
        " VALUES (7800000201, true, false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        "INSERT INTO cases (client_id, stage, opened_at) SELECT id, 'intake', CURRENT_TIMESTAMP FROM clients",
        "INSERT INTO messages (client_id, direction, kind, created_at) SELECT id, 'in', 'text', CURRENT_TIMESTAMP"
        " FROM clients",
        "INSERT INTO case_events (case_id, kind, actor, data, source_message_id, created_at)"
        " SELECT cases.id, 'note', 'test', '{}', messages.id, CURRENT_TIMESTAMP FROM cases, messages",
    )
    upgrade(fresh_url)
    assert _run(fresh_url, "SELECT count(*) FROM cases") == [(1,)]
    [(linked,)] = _run(fresh_url, "SELECT source_message_id FROM case_events")
    assert linked is not None

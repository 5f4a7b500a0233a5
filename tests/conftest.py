"""Fixtures shared by the whole suite.

Database tests run against both backends: a fresh SQLite file and a fresh PostgreSQL database,
each created once per run and migrated with Alembic, and emptied between tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from karyar.db.engine import Database
from tests.support.databases import BACKENDS, empty_all_tables, migrated_database_or_skip
from tests.support.stack import DATA_KEY

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
# In-process bots and CLI commands store identifiers encrypted with the suite's key.
os.environ.setdefault("DATA_ENCRYPTION_KEYS", DATA_KEY)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    backend: str = request.param
    with migrated_database_or_skip(backend, tmp_path_factory.mktemp(backend)) as url:
        yield url


@pytest.fixture(scope="session")
def _session_database(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def db(_session_database: Database) -> Iterator[Database]:
    yield _session_database
    empty_all_tables(_session_database)


@pytest.fixture
def project_root() -> Path:
    return Path(__file__).resolve().parent.parent

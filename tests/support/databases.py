"""Throw-away case databases on SQLite and PostgreSQL, migrated with Alembic like production."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import delete

from karyar.db.engine import Database
from karyar.db.models import Base
from ops.migrate import upgrade

POSTGRES_ADMIN_URL = os.environ.get(
    "KARYAR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ("sqlite", "postgresql")


class BackendUnavailableError(RuntimeError):
    pass


@contextmanager
def migrated_database(backend: str, workdir: Path) -> Iterator[str]:
    """Yield the URL of a new, migrated database of the given backend; drop it afterwards."""
    if backend == "sqlite":
        path = workdir / f"karyar-{uuid.uuid4().hex[:8]}.sqlite3"
        url = f"sqlite:///{path}"
        upgrade(url)
        yield url
        return
    name = f"karyar_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        raise BackendUnavailableError(
            f"PostgreSQL at {POSTGRES_ADMIN_URL} is not reachable: {error}"
        ) from error
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
        url = f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)
        try:
            upgrade(url)
            yield url
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def empty_all_tables(database: Database) -> None:
    with database.unit_of_work() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(delete(table))


@contextmanager
def migrated_database_or_skip(backend: str, workdir: Path) -> Iterator[str]:
    """Like migrated_database, but skips the test when the server is missing, except under CI."""
    import pytest

    try:
        with migrated_database(backend, workdir) as url:
            yield url
    except BackendUnavailableError as error:
        if os.environ.get("CI"):
            raise  # CI must test both backends; a missing server is a failure there.
        pytest.skip(str(error))

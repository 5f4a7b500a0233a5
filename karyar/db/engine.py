"""Engines and units of work. Nothing connects at import time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

P = ParamSpec("P")
T = TypeVar("T")


def make_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # The bot and the action server write the same file: WAL lets readers and one writer overlap,
    # and the busy timeout makes a writer wait instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Database:
    """An engine plus its session factory; one per process and database URL."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.engine = make_engine(database_url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session whose work is committed together at the end, or rolled back on error."""
        with self._sessions.begin() as session:
            yield session

    def run(self, work: Callable[Concatenate[Session, P], T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `work(session, ...)` in one unit of work; its arguments are checked against its signature."""
        with self.unit_of_work() as session:
            return work(session, *args, **kwargs)

    async def run_async(
        self, work: Callable[Concatenate[Session, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run a unit of work in a thread so the event loop keeps serving other clients."""
        return await asyncio.to_thread(partial(self.run, work, *args, **kwargs))

    def dispose(self) -> None:
        self.engine.dispose()


@lru_cache(maxsize=4)
def database_for(database_url: str) -> Database:
    return Database(database_url)

"""The shipped sample catalogue in a test or benchmark database, as staff would import it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from karyar.catalogue.importer import import_samples
from karyar.db.engine import Database
from tests.support.databases import migrated_database


def load_sample_catalogue(url: str) -> None:
    """The sample courses and jobs, with their dates moved into the coming weeks so the lists stay the same
    whatever day it runs."""
    database = Database(url)
    try:
        with database.unit_of_work() as session:
            import_samples(session, first_date=datetime.now(UTC).date() + timedelta(days=7))
    finally:
        database.dispose()


@contextmanager
def catalogued_database(backend: str, workdir: Path) -> Iterator[str]:
    """A new migrated database holding the sample catalogue, so a request for courses or jobs searches it."""
    with migrated_database(backend, workdir) as url:
        load_sample_catalogue(url)
        yield url

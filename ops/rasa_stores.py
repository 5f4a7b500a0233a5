"""Rasa's tracker store and lock store, written into its endpoints from our settings.

With PostgreSQL as the case database, Rasa keeps conversations in the same database, in a schema of its
own (`rasa`), so several Rasa servers share them and a restarted one carries on; each server keeps the
conversations it has just handled in memory (ops/rasa_tracker_store.py). Redis (REDIS_URL) is
the lock store that keeps two servers from handling one conversation at once. Passwords never go into
the generated file: Rasa reads them from the environment (`${…}` in endpoints.yml).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from sqlalchemy import create_engine, text

from karyar.rasa_conversations import SCHEMA
from karyar.settings import Settings

# Rasa's SQL store, keeping the conversations it handles in memory (ops/rasa_tracker_store.py); named, not
# imported: the class lives in Rasa's environment.
TRACKER_STORE_CLASS = "ops.rasa_tracker_store.KeepingSQLTrackerStore"
TRACKER_PASSWORD_VARIABLE = "KARYAR_RASA_TRACKER_PASSWORD"
LOCK_PASSWORD_VARIABLE = "KARYAR_RASA_LOCK_PASSWORD"


@dataclass
class StoreEndpoints:
    yaml: str  # to append to endpoints.yml
    environment: dict[str, str] = field(default_factory=dict)  # passwords and the schema, for Rasa's process


def store_endpoints(settings: Settings) -> StoreEndpoints:
    lines: list[str] = []
    environment: dict[str, str] = {}
    if settings.rasa_tracker_in_database:
        url = urlsplit(settings.DATABASE_URL)
        lines += [
            "tracker_store:",
            f"  type: {TRACKER_STORE_CLASS}",
            "  dialect: postgresql",
            f'  url: "{url.hostname or "127.0.0.1"}"',
            f"  port: {url.port or 5432}",
            f'  db: "{url.path.lstrip("/")}"',
        ]
        if url.username:
            lines.append(f'  username: "{unquote(url.username)}"')
        if url.password:
            lines.append(f"  password: ${{{TRACKER_PASSWORD_VARIABLE}}}")
            environment[TRACKER_PASSWORD_VARIABLE] = unquote(url.password)
        environment["POSTGRESQL_SCHEMA"] = SCHEMA
    if settings.REDIS_URL:
        url = urlsplit(settings.REDIS_URL)
        lines += [
            "lock_store:",
            "  type: redis",
            f'  url: "{url.hostname or "127.0.0.1"}"',
            f"  port: {url.port or 6379}",
            f"  db: {url.path.lstrip('/') or 0}",
            f"  use_ssl: {'true' if url.scheme == 'rediss' else 'false'}",
        ]
        if url.password:
            lines.append(f"  password: ${{{LOCK_PASSWORD_VARIABLE}}}")
            environment[LOCK_PASSWORD_VARIABLE] = unquote(url.password)
    return StoreEndpoints("\n".join(lines) + ("\n" if lines else ""), environment)


def ensure_tracker_schema(settings: Settings) -> None:
    """Rasa refuses to start when its schema is missing; create it (the case database's owner may)."""
    if not settings.rasa_tracker_in_database:
        return
    engine = create_engine(settings.DATABASE_URL)
    try:
        with engine.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}"))
    finally:
        engine.dispose()

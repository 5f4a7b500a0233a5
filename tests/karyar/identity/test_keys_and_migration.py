"""The encryption key as configuration, the CLI that rotates it, and phone numbers moved out of plain facts."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from karyar.db.engine import Database
from karyar.db.models import Employer
from karyar.employers import store as employers
from karyar.identity import store
from karyar.identity.cipher import DataCipher
from karyar.identity.identifiers import IdentifierKind, Protected
from karyar.settings import ConfigurationError, get_settings, load_settings
from ops import cli
from ops.migrate import upgrade


def test_a_missing_key_stops_the_bot_with_the_command_that_makes_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATA_ENCRYPTION_KEYS", raising=False)
    with pytest.raises(ConfigurationError, match=r"DATA_ENCRYPTION_KEYS is not set.*ops.cli keys new"):
        DataCipher.from_settings(load_settings(_env_file=None))


def test_a_malformed_key_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match=r"DATA_ENCRYPTION_KEYS: .*44 characters"):
        load_settings(_env_file=None, DATA_ENCRYPTION_KEYS="not-a-key")


def test_keys_new_prints_a_usable_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["keys", "new"]) == 0
    key = capsys.readouterr().out.strip()
    assert DataCipher([key]).decrypt(DataCipher([key]).encrypt("۰۹۱۲")) == "۰۹۱۲"


def test_keys_rotate_re_encrypts_and_says_what_it_could_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    upgrade(url)
    old, new = DataCipher.new_key(), DataCipher.new_key()
    database = Database(url)
    with database.unit_of_work() as session:
        session.execute(
            text(
                "INSERT INTO clients (id, telegram_user_id, subscribed, blocked_bot, chat_missing, "
                "first_seen_at, last_seen_at) VALUES (1, 42, false, false, false, '2026-12-01', '2026-12-01')"
            )
        )
        store.record(
            session,
            cipher=DataCipher([old]),
            client_id=1,
            protected=Protected(IdentifierKind.PHONE, "09121234567"),
            source="message",
        )
        employer = employers.register_employer(
            session,
            cipher=DataCipher([old]),
            business_name="کارگاه نمونه",
            province="تهران",
            contact="09121112233",
        )
        employer_id = employer.id
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DATA_ENCRYPTION_KEYS", f"{new},{old}")
    get_settings.cache_clear()
    try:
        assert cli.main(["keys", "rotate"]) == 0
        assert "re-encrypted 1 identifier(s) and 1 employer contact(s)" in capsys.readouterr().out
        with database.unit_of_work() as session:
            assert store.reveal(session, cipher=DataCipher([new]), client_id=1) == {
                IdentifierKind.PHONE: "09121234567"
            }
            rotated = session.get(Employer, employer_id)
            assert (
                rotated is not None
                and employers.decrypted_contact(rotated, DataCipher([new])) == "09121112233"
            )
        monkeypatch.setenv("DATA_ENCRYPTION_KEYS", DataCipher.new_key())
        get_settings.cache_clear()
        assert cli.main(["keys", "rotate"]) == 1
        told = capsys.readouterr().out
        assert (
            "1 identifier(s) are readable by none" in told
            and "1 employer contact(s) are readable by none" in told
        )
    finally:
        get_settings.cache_clear()
        database.dispose()


def test_migration_encrypts_phone_numbers_that_were_plain_facts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0005_broadcasts")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO clients (id, telegram_user_id, subscribed, blocked_bot, chat_missing, "
                "first_seen_at, last_seen_at) VALUES (1, 42, 0, 0, 0, '2026-12-01', '2026-12-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO profile_facts (client_id, name, value, source, recorded_at) VALUES "
                "(1, 'phone', '+989121234567', 'telegram', '2026-12-01 10:00:00'), "
                "(1, 'age', '30', 'chat', '2026-12-01 10:00:00')"
            )
        )
    key = DataCipher.new_key()
    monkeypatch.delenv("DATA_ENCRYPTION_KEYS", raising=False)
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigurationError, match="DATA_ENCRYPTION_KEYS"):
            upgrade(url)
        monkeypatch.setenv("DATA_ENCRYPTION_KEYS", key)
        get_settings.cache_clear()
        upgrade(url)
    finally:
        get_settings.cache_clear()
    with engine.begin() as connection:
        facts = connection.execute(text("SELECT name FROM profile_facts")).scalars().all()
        [(ciphertext, masked)] = connection.execute(
            text("SELECT ciphertext, masked FROM client_identifiers")
        ).all()
    engine.dispose()
    assert facts == ["age"]
    assert masked == "۰۹۱۲•••۴۵۶۷" and DataCipher([key]).decrypt(ciphertext) == "09121234567"

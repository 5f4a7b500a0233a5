"""`karyar keys …` and `karyar privacy …`: the operator's commands for encryption keys and retention."""

from __future__ import annotations

import argparse

from karyar.db.engine import database_for
from karyar.employers import store as employer_store
from karyar.identity import store
from karyar.identity.cipher import DataCipher
from karyar.privacy import retention
from karyar.settings import get_settings


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = commands.add_parser("keys", help="encryption keys of national ids and phone numbers")
    key_actions = keys.add_subparsers(dest="keys_command", required=True)
    key_actions.add_parser("new", help="print a new key to put first in DATA_ENCRYPTION_KEYS").set_defaults(
        handler=cmd_new_key
    )
    key_actions.add_parser(
        "rotate",
        help="re-encrypt every stored identifier and employer contact with the first key of DATA_ENCRYPTION_KEYS",
        description="Put the new key first in DATA_ENCRYPTION_KEYS and keep the old ones after it, restart "
        "the bot, run this, then remove the old keys.",
    ).set_defaults(handler=cmd_rotate)
    privacy = commands.add_parser("privacy", help="retention of message texts")
    privacy_actions = privacy.add_subparsers(dest="privacy_command", required=True)
    privacy_actions.add_parser(
        "retention",
        help="anonymise message texts older than MESSAGE_RETENTION_DAYS now (the bot does it daily)",
    ).set_defaults(handler=cmd_retention)


def cmd_new_key(_: argparse.Namespace) -> None:
    print(DataCipher.new_key())


def cmd_rotate(_: argparse.Namespace) -> int:
    settings = get_settings()
    cipher = DataCipher.from_settings(settings)
    database = database_for(settings.DATABASE_URL)
    try:
        with database.unit_of_work() as session:
            report = store.rotate_all(session, cipher=cipher)
            contacts = employer_store.rotate_contacts(session, cipher=cipher)
    finally:
        database.dispose()
    print(
        f"re-encrypted {report.rotated} identifier(s) and {contacts.rotated} employer contact(s) with the first key"
    )
    unreadable = [
        ("identifier(s)", "client_identifiers", report),
        ("employer contact(s)", "employers", contacts),
    ]
    failed = False
    for what, table, found in unreadable:
        if found.unreadable:
            shown = ", ".join(str(row_id) for row_id in found.unreadable[:20])
            print(
                f"error: {len(found.unreadable)} {what} are readable by none of the keys "
                f"({table} ids {shown}); put back the key they were written with and run this again"
            )
            failed = True
    return 1 if failed else 0


def cmd_retention(_: argparse.Namespace) -> None:
    settings = get_settings()
    database = database_for(settings.DATABASE_URL)
    older_than = retention.cutoff(retention_days=settings.MESSAGE_RETENTION_DAYS)
    total = 0
    try:
        while True:
            with database.unit_of_work() as session:
                done = retention.anonymise_batch(session, older_than=older_than)
            if not done:
                break
            total += done
    finally:
        database.dispose()
    print(f"anonymised the texts of {total} message(s) older than {settings.MESSAGE_RETENTION_DAYS} days")

"""A developer's first `make run` with a Telegram token: the two secrets it needs, made once in `.env`.

DATA_ENCRYPTION_KEYS (a new Fernet key) and RASA_AUTH_TOKEN are written to `.env` (mode 0600) when neither
the environment nor `.env` has them. A value already there is never replaced. In production
(KARYAR_ENV=production) nothing is made: a missing key there is an operator's mistake that must stop the
start, since what is encrypted under a key nobody kept is lost.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path

from dotenv import dotenv_values

from karyar.identity.cipher import DataCipher
from karyar.settings import Settings

PRIVATE_MODE = 0o600


def missing_secrets(settings: Settings, env_file: Path) -> dict[str, str]:
    """New values for the secrets these settings lack and `env_file` does not set to something."""
    in_file = dotenv_values(env_file) if env_file.exists() else {}
    made: dict[str, str] = {}
    if not settings.data_encryption_keys:
        made["DATA_ENCRYPTION_KEYS"] = DataCipher.new_key()
    if not settings.RASA_AUTH_TOKEN:
        made["RASA_AUTH_TOKEN"] = secrets.token_hex(32)
    # A value in the file hidden by an empty variable in the environment stays as it is.
    return {name: value for name, value in made.items() if not (in_file.get(name) or "").strip()}


def write_env_values(env_file: Path, values: Mapping[str, str]) -> None:
    """Set `values` in `env_file`: on their empty `NAME=` line if there is one, at the end otherwise.

    The file is replaced in one step (a half-written `.env` would lose the rest of the configuration) and
    is readable by its owner only, since it now holds a key."""
    target = env_file.resolve()
    text = target.read_text(encoding="utf-8") if target.exists() else ""
    for name, value in values.items():
        empty_line = re.compile(rf"^[ \t]*(?:export[ \t]+)?{name}[ \t]*=[ \t]*(?:''|\"\")?[ \t]*$", re.M)
        text, filled = empty_line.subn(f"{name}={value}", text, count=1)
        if not filled:
            text += ("" if not text or text.endswith("\n") else "\n") + f"{name}={value}\n"
    draft = target.with_name(f".{target.name}.new")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        os.fchmod(file.fileno(), PRIVATE_MODE)  # also when the draft was left over from an earlier try
        file.write(text)
    draft.replace(target)


def create_missing_secrets(settings: Settings, env_file: Path) -> list[str]:
    """Make and write the missing secrets (not in production); the names made, also set in os.environ so
    this process and the services it starts use them."""
    if settings.production:
        return []
    made = missing_secrets(settings, env_file)
    if made:
        write_env_values(env_file, made)
        os.environ.update(made)
    return list(made)


def creation_notice(names: list[str], env_file: Path) -> str:
    lines = [f"Made {' and '.join(names)} in {env_file} (readable only by you) for this machine."]
    if "DATA_ENCRYPTION_KEYS" in names:
        lines.append(
            "Back up DATA_ENCRYPTION_KEYS: without it the national ids and phone numbers stored so far "
            "cannot be read again."
        )
    return "\n".join(lines)

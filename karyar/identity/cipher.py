"""Encryption of identifiers at rest, with keys from the environment and rotation without downtime.

`DATA_ENCRYPTION_KEYS` holds Fernet keys separated by commas, the newest first. New values are encrypted
with the newest; every listed key can decrypt. To rotate: put a new key in front, restart, run
`python -m ops.cli keys rotate` (re-encrypts every stored value with it), then drop the old key.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from karyar.settings import ConfigurationError, Settings


class UnreadableValueError(Exception):
    """A stored value none of the configured keys can decrypt (a key was removed before rotating)."""


class DataCipher:
    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("at least one key is needed")
        self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])

    @classmethod
    def from_settings(cls, settings: Settings) -> DataCipher:
        keys = settings.data_encryption_keys
        if not keys:
            raise ConfigurationError(
                "Configuration error: DATA_ENCRYPTION_KEYS is not set; national ids and phone numbers are "
                "stored encrypted. Create a key with `.venv/bin/python -m ops.cli keys new` and put it in "
                "the environment or in .env"
            )
        return cls(keys)

    @staticmethod
    def new_key() -> str:
        return Fernet.generate_key().decode()

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise UnreadableValueError("no configured key decrypts this value") from None

    def rotate(self, token: str) -> str:
        """The same value encrypted with the newest key."""
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken:
            raise UnreadableValueError("no configured key decrypts this value") from None

"""Settings, read only from the environment (or a `.env` file beside the project).

A missing or malformed value stops start-up with one line that names the variable, so an operator
never has to read a traceback to find a typo in the configuration.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_FILE = PROJECT_ROOT / ".env"
DEFAULT_SQLITE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'karyar.sqlite3'}"

# Telegram tokens look like 123456789:AA…; Bale and other Bot-API-compatible servers use the same shape.
_TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
_WEBHOOK_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_FERNET_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}=$")


class ConfigurationError(SystemExit):
    """Raised for a bad setting; its message is the one line the operator sees."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=ENV_FILE,
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=True,
    )

    # production: nothing is made up for a missing secret (`make run` makes them in .env on a developer's
    # machine); the systemd units set it.
    KARYAR_ENV: Literal["development", "production"] = "development"

    TELEGRAM_BOT_TOKEN: str | None = None
    TELEGRAM_API_BASE_URL: AnyHttpUrl = AnyHttpUrl("https://api.telegram.org")
    TELEGRAM_PROXY_URL: str | None = None
    TELEGRAM_WEBHOOK_URL: AnyHttpUrl | None = None
    TELEGRAM_WEBHOOK_SECRET: str | None = None
    TELEGRAM_WEBHOOK_LISTEN: str = "127.0.0.1"
    TELEGRAM_WEBHOOK_PORT: Annotated[int, Field(ge=1, le=65535)] = 8443

    DATABASE_URL: str = DEFAULT_SQLITE_URL

    # One Rasa server, or several sharing the tracker and lock stores, separated by commas.
    RASA_URL: str = "http://127.0.0.1:5005"
    RASA_AUTH_TOKEN: str | None = None
    # Where Rasa keeps conversations: "auto" puts them in the case database when it is PostgreSQL (so several
    # Rasa servers share them and a restart keeps them), in Rasa's memory otherwise.
    RASA_TRACKER_STORE: Literal["auto", "memory", "database"] = "auto"
    # Rasa's lock store, needed when several Rasa servers or workers share conversations.
    REDIS_URL: str | None = None
    RASA_TIMEOUT_SECONDS: Annotated[float, Field(gt=0, le=300)] = 30.0
    RASA_PATIENCE_SECONDS: Annotated[float, Field(gt=0, le=60)] = 4.0
    ACTION_SERVER_URL: AnyHttpUrl = AnyHttpUrl("http://127.0.0.1:5055")

    PENDING_RETRY_SECONDS: Annotated[float, Field(gt=0, le=3600)] = 10.0

    # Handoffs to counsellors. With a forum supergroup each case gets a topic there; without one, cards and
    # conversations go to the counsellors' private chats with the bot.
    COUNSELLOR_GROUP_ID: int | None = None
    HANDOFF_REMIND_MINUTES: Annotated[float, Field(gt=0, le=1440)] = 5.0
    HANDOFF_ESCALATE_MINUTES: Annotated[float, Field(gt=0, le=1440)] = 15.0
    # The wait a client is told while too few recent claims exist to estimate it.
    HANDOFF_DEFAULT_WAIT_MINUTES: Annotated[float, Field(gt=0, le=1440)] = 10.0
    # The office calendar (hours, holidays) staff keep outside the checkout; the shipped one by default.
    OFFICE_CALENDAR_FILE: Path | None = None
    # How often the bot looks for handoffs to announce, remind or escalate and for follow-ups that are due.
    HANDOFF_CHECK_SECONDS: Annotated[float, Field(gt=0, le=3600)] = 15.0
    # Announcements. Telegram allows about 30 messages a second in bulk; the rest is left to conversations.
    BROADCAST_RATE_PER_SECOND: Annotated[float, Field(gt=0, le=30)] = 25.0
    # Requests to Telegram in flight at once; also the most messages a crash can cause to be sent twice.
    BROADCAST_CONCURRENCY: Annotated[int, Field(ge=1, le=64)] = 8
    # Attempts (network errors, server errors) before a delivery is given up with its reason.
    BROADCAST_MAX_ATTEMPTS: Annotated[int, Field(ge=1, le=50)] = 5
    # How long a claimed delivery stays with its sender; a stopped sender's rows are taken up after this.
    BROADCAST_LEASE_SECONDS: Annotated[float, Field(ge=5, le=3600)] = 30.0
    # A supervisor (not the author) must approve an announcement before it goes out.
    BROADCAST_APPROVAL_REQUIRED: bool = False
    # Run the sender inside the bot (it then yields to conversations); off when senders run on their own
    # (`python -m bot.broadcast`).
    BROADCAST_SENDER_IN_BOT: bool = True
    BROADCAST_PROGRESS_SECONDS: Annotated[float, Field(ge=1, le=600)] = 3.0
    # Job and course alerts (karyar.alerts): the most a client receives in seven days.
    ALERTS_PER_WEEK: Annotated[int, Field(ge=0, le=50)] = 3
    # Where staff keep the policy files (emdad.yml, behzisti.yml, general.yml); the shipped ones by default.
    POLICIES_DIR: Path | None = None
    LOG_LEVEL: str = "INFO"
    # The bot's /health and /metrics (Prometheus); localhost unless the scraper runs elsewhere.
    BOT_HEALTH_LISTEN: str = "127.0.0.1"
    BOT_HEALTH_PORT: Annotated[int, Field(ge=1, le=65535)] = 8090
    # Fernet keys for national ids and phone numbers, newest first, separated by commas (karyar/privacy).
    DATA_ENCRYPTION_KEYS: str | None = None
    # Message texts older than this are anonymised; the messages' kind and time stay for the counts.
    # 18 months: the last follow-up check-in comes 12 months after a placement.
    MESSAGE_RETENTION_DAYS: Annotated[int, Field(ge=30, le=3650)] = 540

    @model_validator(mode="before")
    @classmethod
    def _blank_is_unset(cls, values: object) -> object:
        # `NAME=` in .env means "not set": the default applies, as if the line were absent.
        if isinstance(values, dict):
            return {k: v for k, v in values.items() if not (isinstance(v, str) and not v.strip())}
        return values

    @field_validator("TELEGRAM_BOT_TOKEN")
    @classmethod
    def _token_shape(cls, value: str | None) -> str | None:
        if value is not None and not _TOKEN_PATTERN.match(value):
            raise ValueError(
                "does not look like a bot token (expected digits, a colon, then the secret part)"
            )
        return value

    @field_validator("TELEGRAM_WEBHOOK_SECRET")
    @classmethod
    def _secret_shape(cls, value: str | None) -> str | None:
        if value is not None and not _WEBHOOK_SECRET_PATTERN.match(value):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    @field_validator("COUNSELLOR_GROUP_ID")
    @classmethod
    def _group_shape(cls, value: int | None) -> int | None:
        if value is not None and value >= 0:
            raise ValueError("must be a group chat id, which is negative (supergroups look like -100…)")
        return value

    @field_validator("TELEGRAM_PROXY_URL")
    @classmethod
    def _proxy_shape(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^(https?|socks5h?)://[^\s/]+", value):
            raise ValueError("must be an http://, https:// or socks5:// URL")
        return value

    @field_validator("RASA_URL")
    @classmethod
    def _rasa_urls(cls, value: str) -> str:
        urls = [url.strip() for url in value.split(",") if url.strip()]
        if not urls or not all(re.match(r"^https?://[^\s/:]+(:\d+)?/?$", url) for url in urls):
            raise ValueError(
                "must be an http:// URL (or several, separated by commas) like http://127.0.0.1:5005"
            )
        return ",".join(url.rstrip("/") for url in urls)

    @field_validator("REDIS_URL")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^rediss?://[^\s/]+(/\d+)?$", value):
            raise ValueError("must look like redis://[:password@]host:6379/0")
        return value

    @field_validator("DATABASE_URL")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return normalise_database_url(value)

    @field_validator("DATA_ENCRYPTION_KEYS")
    @classmethod
    def _keys_shape(cls, value: str | None) -> str | None:
        if value is None:
            return None
        for key in value.split(","):
            if not _FERNET_KEY_PATTERN.match(key.strip()):
                raise ValueError(
                    "each key must be 44 characters of URL-safe base64 ending in '='; "
                    "create one with `python -m ops.cli keys new`"
                )
        return value

    @field_validator("LOG_LEVEL")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @property
    def production(self) -> bool:
        return self.KARYAR_ENV == "production"

    @property
    def webhook_mode(self) -> bool:
        return self.TELEGRAM_WEBHOOK_URL is not None

    @property
    def telegram_base_url(self) -> str:
        return f"{str(self.TELEGRAM_API_BASE_URL).rstrip('/')}/bot"

    @property
    def telegram_base_file_url(self) -> str:
        return f"{str(self.TELEGRAM_API_BASE_URL).rstrip('/')}/file/bot"

    @property
    def data_encryption_keys(self) -> list[str]:
        return [key.strip() for key in (self.DATA_ENCRYPTION_KEYS or "").split(",") if key.strip()]

    @property
    def rasa_urls(self) -> list[str]:
        return self.RASA_URL.split(",")

    @property
    def rasa_url(self) -> str:
        """The first Rasa server: the one `ops.cli serve-rasa` starts unless told another."""
        return self.rasa_urls[0]

    @property
    def rasa_tracker_in_database(self) -> bool:
        """Rasa keeps conversations in the case database (schema `rasa`) when that is PostgreSQL."""
        if self.RASA_TRACKER_STORE == "auto":
            return self.DATABASE_URL.startswith("postgresql")
        return self.RASA_TRACKER_STORE == "database"

    @property
    def action_server_url(self) -> str:
        return str(self.ACTION_SERVER_URL).rstrip("/")

    def require_rasa_token(self) -> str:
        if not self.RASA_AUTH_TOKEN:
            raise ConfigurationError(
                "Configuration error: RASA_AUTH_TOKEN is not set; without it Rasa's HTTP API (conversations, "
                "tracker events) is open to anyone who reaches its port. Set a long random value "
                "(e.g. `openssl rand -hex 32`) for Rasa and the bot"
            )
        return self.RASA_AUTH_TOKEN

    def require_bot_token(self) -> str:
        if self.TELEGRAM_BOT_TOKEN is None:
            raise ConfigurationError(
                "Configuration error: TELEGRAM_BOT_TOKEN is not set; get a token from @BotFather "
                "and put it in the environment or in .env"
            )
        if self.webhook_mode and self.TELEGRAM_WEBHOOK_SECRET is None:
            raise ConfigurationError(
                "Configuration error: TELEGRAM_WEBHOOK_SECRET must be set when TELEGRAM_WEBHOOK_URL is set"
            )
        return self.TELEGRAM_BOT_TOKEN


def normalise_database_url(value: str) -> str:
    """Accept the usual `postgresql://` form and pick the installed driver (psycopg 3)."""
    value = value.strip()
    if value.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    if value.startswith(("postgresql+psycopg://", "sqlite://")):
        return value
    raise ValueError("must start with sqlite:/// or postgresql://")


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning validation errors into one clear line per bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = []
        for item in error.errors():
            name = ".".join(str(part) for part in item["loc"]) or "settings"
            problems.append(f"{name}: {item['msg']}")
        raise ConfigurationError("Configuration error: " + "; ".join(problems)) from None


def env_file_path() -> Path | None:
    """The `.env` file the settings read, if any."""
    configured = Settings.model_config.get("env_file")
    return Path(configured) if isinstance(configured, str | Path) else None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()

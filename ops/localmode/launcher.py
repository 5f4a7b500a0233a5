"""Start local mode: the local Bot API server with the chat page, sample data, then the three services."""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from bot.readiness import READY_PREFIX
from karyar.identity.cipher import DataCipher
from localapi.ratelimit import RateLimit
from localapi.server import DEFAULT_TOKEN, ThreadedLocalBotApi
from ops import rasa_model
from ops.localmode import ALWAYS_OPEN_CALENDAR
from ops.localmode.personas import COUNSELLOR, COUNSELLOR_GROUP_ID, COUNSELLOR_GROUP_TITLE, PERSONAS
from ops.localmode.sample_data import prepare
from ops.logfiles import LOG_DIR, shown_path
from ops.services import run_services

DEFAULT_PORT = 8081
# Telegram's own limit for a bot's messages, so the demo behaves as production will.
TELEGRAM_GLOBAL_RATE = RateLimit(30, 1.0)


class LocalModeError(Exception):
    """Local mode cannot start; the message says what to do."""


@dataclass(frozen=True, slots=True)
class LocalOptions:
    state_dir: Path
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    handoffs: str = "group"  # group: a forum group with a topic per case; private: counsellors' chats
    fresh: bool = False  # start from an empty local database
    log_dir: Path = LOG_DIR  # each service's output
    log_level: str = "INFO"  # DEBUG: every line of every service on the terminal too


def chat_page_state_dir(state_dir: Path) -> Path:
    """Where the local Bot API server keeps the chats of the page across restarts."""
    return state_dir / "bot-api"


def start_api(options: LocalOptions) -> ThreadedLocalBotApi:
    api = ThreadedLocalBotApi(
        DEFAULT_TOKEN,
        personas=PERSONAS,
        global_rate=TELEGRAM_GLOBAL_RATE,
        state_dir=chat_page_state_dir(options.state_dir),
    )
    try:
        api.start(options.host, options.port)
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise LocalModeError(
            f"the chat page cannot listen on {options.host}:{options.port} ({reason}); "
            "another program may be using the port: choose another with --port"
        ) from error
    for persona in PERSONAS:
        api.add_user(persona.user_id, persona.name)
    if options.handoffs == "group" and api.world.find_chat(COUNSELLOR_GROUP_ID) is None:
        api.create_group(
            COUNSELLOR_GROUP_ID,
            COUNSELLOR_GROUP_TITLE,
            members=[COUNSELLOR.persona.user_id],
            bot_is_admin=True,
        )
    return api


def service_environment(options: LocalOptions, api_url: str, database_url: str) -> dict[str, str]:
    """The environment the three services run with: this machine's, pointed at the local server.

    Every Telegram setting is set explicitly (blank means unset), so a `.env` written for production
    cannot send local mode to the real Telegram or a webhook."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TELEGRAM_")}
    env.update(
        TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN,
        TELEGRAM_API_BASE_URL=api_url,
        TELEGRAM_PROXY_URL="",
        TELEGRAM_WEBHOOK_URL="",
        TELEGRAM_WEBHOOK_SECRET="",
        DATABASE_URL=database_url,
        OFFICE_CALENDAR_FILE=str(ALWAYS_OPEN_CALENDAR),
        COUNSELLOR_GROUP_ID=str(COUNSELLOR_GROUP_ID) if options.handoffs == "group" else "",
        DATA_ENCRYPTION_KEYS=local_data_key(options.state_dir),
        # Rasa always requires its token; local mode makes one for each run unless one is configured.
        RASA_AUTH_TOKEN=os.environ.get("RASA_AUTH_TOKEN") or secrets.token_hex(16),
        RASA_TELEMETRY_ENABLED="false",
        PYTHONUNBUFFERED="1",
    )
    return env


def local_data_key(state_dir: Path) -> str:
    """Local mode's own encryption key, made on first start and kept beside its database."""
    path = state_dir / "data-key"
    if not path.exists():
        state_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(DataCipher.new_key() + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


def run_local(options: LocalOptions) -> int:
    if options.fresh and options.state_dir.exists():
        shutil.rmtree(options.state_dir)
    api = start_api(options)  # first: a port in use is said at once, not after training
    try:
        print(
            "Karyar local mode: no Telegram needed; the chat page's address follows once the bot answers.",
            flush=True,
        )
        summary = prepare(options.state_dir)
        model = rasa_model.ensure_trained(quiet=options.log_level != "DEBUG")
        print(
            f"Data: {shown_path(options.state_dir)} ({summary.courses_and_jobs} sample courses and jobs); "
            f"model {model.name}.",
            flush=True,
        )
        chat_page = f"{READY_PREFIX}chat page at {api.url}/chat/"
        return run_services(
            service_environment(options, api.url, summary.database_url),
            log_dir=options.log_dir,
            log_level=options.log_level,
            ready_line=lambda _bot_line: chat_page,
        )
    finally:
        api.stop()

"""The whole product, for real: Rasa with the trained model, the action server, the bot, the stand-in.

Started once per test run (Rasa takes the better part of a minute to load) and shared by the
end-to-end tests. The bot reaches Rasa through a gate the tests can close or slow down.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from localapi.server import ThreadedLocalBotApi
from ops import rasa_model
from ops.localmode import ALWAYS_OPEN_CALENDAR
from tests.support import turns
from tests.support.processes import APP_PYTHON, ManagedProcess, free_port
from tests.support.rasa_gate import RasaGate

BOT_TOKEN = "7000000001:AAlocal-test-token-for-karyar-e2e"
RASA_TOKEN = "e2e-rasa-secret"
# A fixed key, so the tests can decrypt what the bot stored.
DATA_KEY = "Vd8wqVHk0NmEy3ZcUeUj3PZ9nVnBKxu3jHx2Mk0wq5Y="
RASA_LOAD_SECONDS = 240.0
REDIS_URL = os.environ.get("KARYAR_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass
class Stack:
    api: ThreadedLocalBotApi
    gate: RasaGate
    database_url: str
    rasa_url: str
    action_server_url: str
    processes: dict[str, ManagedProcess]
    log_dir: Path
    bot_env: dict[str, str]

    @property
    def bot_health_url(self) -> str:
        return f"http://127.0.0.1:{self.bot_env['BOT_HEALTH_PORT']}"

    def logs(self) -> str:
        return "\n".join(f"--- {name} ---\n{p.tail()}" for name, p in self.processes.items())

    def stop_processes(self) -> None:
        """The bot first, so it does not answer into a stopped Rasa."""
        for name in sorted(self.processes, key=lambda name: name != "bot"):
            self.processes[name].stop()

    def restart_api(self) -> None:
        """A new Bot API stand-in on the same address, numbering updates and messages from 1 again."""
        port = int(self.api.url.rsplit(":", 1)[1])
        self.api.stop()
        self.api = ThreadedLocalBotApi(BOT_TOKEN)
        self.api.start("127.0.0.1", port)

    def restart_everything(self) -> None:
        """Stop the bot, the Bot API stand-in, Rasa and the action server, and start them again on the same
        addresses and database. The new stand-in numbers its updates and messages from 1 again, as a
        restarted Bot API server may; Rasa keeps conversations only where its tracker store is the database."""
        self.stop_processes()
        self.restart_api()
        for name, process in list(self.processes.items()):
            if name != "bot":
                self.processes[name] = process.started_again()
        self.processes["actions"].wait_http(f"{self.action_server_url}/health", timeout=60)
        for name, process in self.processes.items():
            if name.startswith("rasa"):
                command = process.command
                url = command[command.index("--url") + 1] if "--url" in command else self.rasa_url
                process.wait_http(f"{url}/status?token={RASA_TOKEN}", timeout=RASA_LOAD_SECONDS)
        self.processes["bot"] = self.processes["bot"].started_again()
        if not self.api.wait_until(lambda: bool(self.api.api_calls("getUpdates")), timeout=60):
            raise RuntimeError(f"the restarted bot never polled:\n{self.processes['bot'].tail()}")

    def restart_bot(self, *, kill: bool = False) -> None:
        """Stop the bot (SIGKILL if `kill`, else a clean SIGTERM) and start it again on the same settings."""
        old = self.processes["bot"]
        if kill:
            old.kill()
        else:
            old.stop()
        calls_before = len(self.api.api_calls("getUpdates"))
        self.processes["bot"] = old.started_again()
        if not self.api.wait_until(lambda: len(self.api.api_calls("getUpdates")) > calls_before, timeout=60):
            raise RuntimeError(f"the restarted bot never polled:\n{self.processes['bot'].tail()}")


def base_environment(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "RASA_", "ACTION_SERVER"))}
    env.update(
        RASA_TELEMETRY_ENABLED="false", PYTHONUNBUFFERED="1", LOG_LEVEL="INFO", DATA_ENCRYPTION_KEYS=DATA_KEY
    )
    env.update(overrides)
    return env


@contextmanager
def running_stack(
    *,
    database_url: str,
    log_dir: Path,
    rasa_servers: int = 1,
    through_gate: bool = True,
    production_timings: bool = False,
) -> Iterator[Stack]:
    """The product: an action server, `rasa_servers` Rasa servers (the first behind the gate; more than one
    needs PostgreSQL, whose tracker store and Redis lock store they share), the stand-in and the bot.

    `through_gate=False` lets the bot call the first Rasa server directly (the gate, a proxy in this process
    for outage tests, would add its own time and CPU to a benchmark's). `production_timings` keeps the bot's
    own defaults for its patience with Rasa and its periodic checks, which tests shorten to a second."""
    model = rasa_model.ensure_trained()
    rasa_port, actions_port = free_port(), free_port()
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    action_server_url = f"http://127.0.0.1:{actions_port}"
    env = base_environment(
        DATABASE_URL=database_url,
        RASA_URL=rasa_url,
        RASA_AUTH_TOKEN=RASA_TOKEN,
        ACTION_SERVER_URL=action_server_url,
        OFFICE_CALENDAR_FILE=str(ALWAYS_OPEN_CALENDAR),
    )
    if database_url.startswith("postgresql"):
        # Production's shape: Rasa's conversations in the case database, its locks in Redis.
        env["REDIS_URL"] = REDIS_URL
    with ExitStack() as cleanup:
        processes: dict[str, ManagedProcess] = {}

        def start(name: str, command: list[str], process_env: dict[str, str]) -> ManagedProcess:
            process = ManagedProcess(name, command, env=process_env, log_dir=log_dir)
            cleanup.callback(process.stop)
            processes[name] = process
            return process

        actions = start("actions", [APP_PYTHON, "-m", "ops.cli", "serve-actions"], env)
        rasa = start("rasa", [APP_PYTHON, "-m", "ops.cli", "serve-rasa"], env)
        api = ThreadedLocalBotApi(BOT_TOKEN)
        api.start()
        cleanup.callback(api.stop)
        cleanup.enter_context(turns.read_from_inbox(api, database_url))
        gate = RasaGate(rasa_url)
        gate.start()
        cleanup.callback(gate.stop)

        more_rasa = {f"rasa{n}": f"http://127.0.0.1:{free_port()}" for n in range(2, rasa_servers + 1)}
        for name, url in more_rasa.items():
            start(name, [APP_PYTHON, "-m", "ops.cli", "serve-rasa", "--url", url], env)

        actions.wait_http(f"{action_server_url}/health", timeout=60)
        rasa.wait_http(f"{rasa_url}/status?token={RASA_TOKEN}", timeout=RASA_LOAD_SECONDS)
        for name, url in more_rasa.items():
            processes[name].wait_http(f"{url}/status?token={RASA_TOKEN}", timeout=RASA_LOAD_SECONDS)
        bot_env = {
            **env,
            "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
            "TELEGRAM_API_BASE_URL": api.url,
            "RASA_URL": ",".join([gate.url if through_gate else rasa_url, *more_rasa.values()]),
            "RASA_TIMEOUT_SECONDS": "30",
            "BOT_HEALTH_PORT": str(free_port()),
        }
        if not production_timings:
            bot_env |= {
                "RASA_PATIENCE_SECONDS": "2",
                "PENDING_RETRY_SECONDS": "1",
                "HANDOFF_CHECK_SECONDS": "1",
            }
        bot = start("bot", [APP_PYTHON, "-m", "bot"], bot_env)
        # What runs at the end, after restarts (callbacks run last first): the bot, the others, the stand-in.
        cleanup.callback(lambda: stack.api.stop())
        cleanup.callback(lambda: stack.stop_processes())
        stack = Stack(api, gate, database_url, rasa_url, action_server_url, processes, log_dir, bot_env)
        # The bot is up once it has registered its commands and is polling.
        if not api.wait_until(lambda: bool(api.api_calls("getUpdates")), timeout=60):
            raise RuntimeError(f"the bot never polled for updates:\n{bot.tail()}")
        assert model.exists()
        yield stack


@contextmanager
def extra_bot(stack: Stack, api: ThreadedLocalBotApi, name: str, **env: str) -> Iterator[ManagedProcess]:
    """Another bot process on the same Rasa, action server and database, talking to its own stand-in."""
    process = ManagedProcess(
        name,
        [APP_PYTHON, "-m", "bot"],
        env=base_environment(
            **{
                "DATABASE_URL": stack.database_url,
                "TELEGRAM_BOT_TOKEN": api.token,
                "TELEGRAM_API_BASE_URL": api.url,
                "RASA_URL": stack.gate.url,
                "RASA_AUTH_TOKEN": RASA_TOKEN,
                "ACTION_SERVER_URL": stack.action_server_url,
                "OFFICE_CALENDAR_FILE": str(ALWAYS_OPEN_CALENDAR),
                "HANDOFF_CHECK_SECONDS": "1",
                "BOT_HEALTH_PORT": str(free_port()),
            }
            | env
        ),
        log_dir=stack.log_dir,
    )
    try:
        with turns.read_from_inbox(api, stack.database_url):
            yield process
    finally:
        process.stop()

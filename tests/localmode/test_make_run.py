"""`make run` in a terminal as a person starts it: a short start that ends with one ready line once the bot
answers (the chat page's address in local mode, the bot's @name with a token), Rasa's warnings in its log
file only, and Ctrl-C ending make with status 0.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from karyar.settings import PROJECT_ROOT
from localapi.server import ThreadedLocalBotApi
from ops import rasa_model
from tests.support.chat import Chat
from tests.support.processes import free_port
from tests.support.stack import BOT_TOKEN, RASA_LOAD_SECONDS, RASA_TOKEN, base_environment
from tests.support.terminal import CTRL_C, Terminal

pytestmark = pytest.mark.e2e
READY = re.compile(r"^ready: chat page at (http://127\.0\.0\.1:\d+/chat/)$", re.M)


def test_make_run_ends_its_start_with_the_chat_page_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    rasa_model.ensure_trained()  # a first training is not what this test times
    port, logs = free_port(), tmp_path / "log"
    env = base_environment(
        RASA_URL=f"http://127.0.0.1:{free_port()}",
        ACTION_SERVER_URL=f"http://127.0.0.1:{free_port()}",
        RASA_AUTH_TOKEN=RASA_TOKEN,
        BOT_HEALTH_PORT=str(free_port()),
    )
    args = f"ARGS=--local --port {port} --state-dir {tmp_path / 'state'} --log-dir {logs}"
    terminal = Terminal(["make", "--no-print-directory", "run", args], cwd=PROJECT_ROOT, env=env)
    try:
        terminal.wait_for("ready: chat page at", timeout=RASA_LOAD_SECONDS)
        start = terminal.text()
        ready = READY.search(start)
        assert ready is not None and ready.group(1) == f"http://127.0.0.1:{port}/chat/", start
        assert httpx.get(ready.group(1)).status_code == 200
        terminal.type(CTRL_C)
        assert terminal.process.wait(60) == 0
    finally:
        terminal.close()

    # The start is a few lines, and the address is the last of them.
    lines = [line for line in start.splitlines() if line.strip()]
    assert lines[-1] == ready.group(0) and len(lines) <= 8, start
    assert any(f"Logs: {logs}/ (rasa.log, actions.log, bot.log, launcher.log)" in line for line in lines)
    # Rasa's and rasa-sdk's warnings are in their logs, not on the terminal.
    rasa_log = (logs / "rasa.log").read_text()
    assert "Warning" in rasa_log and "Starting Rasa server" in rasa_log
    assert "Warning" not in terminal.text() and "INFO" not in terminal.text()
    # The bot said it was ready, and only after Rasa had loaded.
    bot_log = (logs / "bot.log").read_text()
    assert f"ready: polling the Bot API at http://127.0.0.1:{port} as @" in bot_log
    # Ctrl-C: everything stopped, and make had nothing to complain about.
    after = terminal.text()[len(start) :]
    assert "stopped." in after and "make: ***" not in after and "Traceback" not in after, after


def test_make_run_with_a_token_says_it_is_polling_as_the_bot_once_a_message_would_be_answered(
    tmp_path: Path,
) -> None:
    rasa_model.ensure_trained()
    api = ThreadedLocalBotApi(BOT_TOKEN)
    api.start()
    url, logs = api.url, tmp_path / "log"
    env = base_environment(
        TELEGRAM_BOT_TOKEN=BOT_TOKEN,
        TELEGRAM_API_BASE_URL=url,
        TELEGRAM_WEBHOOK_URL="",
        TELEGRAM_PROXY_URL="",
        DATABASE_URL=f"sqlite:///{tmp_path / 'karyar.sqlite3'}",
        RASA_URL=f"http://127.0.0.1:{free_port()}",
        ACTION_SERVER_URL=f"http://127.0.0.1:{free_port()}",
        RASA_AUTH_TOKEN=RASA_TOKEN,
        BOT_HEALTH_PORT=str(free_port()),
    )
    terminal = Terminal(
        ["make", "--no-print-directory", "run", f"ARGS=--log-dir {logs}"], cwd=PROJECT_ROOT, env=env
    )
    try:
        terminal.wait_for("ready: polling", timeout=RASA_LOAD_SECONDS)
        start = terminal.text()
        # Ready means a message sent now is answered.
        client = Chat(api, 5_100_000_001)
        assert client.say("سلام"), "no answer after the ready line"
        terminal.type(CTRL_C)
        assert terminal.process.wait(60) == 0
    finally:
        terminal.close()
        api.stop()
    lines = [line for line in start.splitlines() if line.strip()]
    assert re.fullmatch(rf"ready: polling the Bot API at {re.escape(url)} as @\w+", lines[-1]), start
    assert lines[0].startswith("configuration ok:") and len(lines) <= 6, start
    assert "Warning" not in terminal.text() and "make: ***" not in terminal.text()

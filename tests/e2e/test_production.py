"""Production's shape on this machine: Rasa's conversations in PostgreSQL, its locks in Redis, and the bot
talking to two Rasa servers, one of which fails."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from localapi.server import ThreadedLocalBotApi
from tests.support.processes import APP_PYTHON, ManagedProcess, free_port
from tests.support.stack import RASA_LOAD_SECONDS, RASA_TOKEN, Stack, extra_bot

pytestmark = pytest.mark.e2e

SECOND_BOT_TOKEN = "7000000006:AAsecond-bot-token-for-karyar-e2e"


def _user_turns(rasa_url: str, user_id: int) -> list[str]:
    tracker = httpx.get(
        f"{rasa_url}/conversations/{user_id}/tracker", params={"token": RASA_TOKEN}, timeout=10
    ).json()
    return _user_texts(tracker)


def _user_texts(tracker: dict[str, Any]) -> list[str]:
    return [str(event.get("text")) for event in tracker["events"] if event["event"] == "user"]


def _say(rasa_url: str, sender: str, text: str) -> None:
    httpx.post(
        f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=30
    ).raise_for_status()


def _turns_as_handled(rasa_url: str, sender: str) -> list[str]:
    """The user turns in the tracker a server would handle the next message with (appending an event reads
    it as a message does; reading the tracker alone would read the whole history from the database)."""
    tracker = httpx.post(
        f"{rasa_url}/conversations/{sender}/tracker/events",
        params={"token": RASA_TOKEN},
        json=[{"event": "action", "name": "action_listen"}],
        timeout=30,
    ).json()
    return _user_texts(tracker)


def test_two_rasa_servers_share_conversations_and_one_takes_over_when_the_other_stops(
    stack: Stack, user_id: int
) -> None:
    if not stack.database_url.startswith("postgresql"):
        pytest.skip("Rasa shares conversations through the PostgreSQL tracker store")
    second_url = f"http://127.0.0.1:{free_port()}"
    env = {k: v for k, v in stack.processes["rasa"].env.items()}
    second = ManagedProcess(
        "rasa-second",
        [APP_PYTHON, "-m", "ops.cli", "serve-rasa", "--url", second_url],
        env=env,
        log_dir=stack.log_dir,
    )
    api = ThreadedLocalBotApi(SECOND_BOT_TOKEN)
    api.start()
    try:
        second.wait_http(f"{second_url}/status?token={RASA_TOKEN}", timeout=RASA_LOAD_SECONDS)
        client = (
            2 * user_id + 1
        )  # odd: its conversation belongs to the second server (and no other test uses it)
        with extra_bot(stack, api, "bot-two-rasa", RASA_URL=f"{stack.rasa_url},{second_url}") as bot:
            assert api.wait_until(lambda: bool(api.api_calls("getUpdates")), timeout=60), bot.tail()
            sent = api.send_text(client, "سلام")
            api.wait_for_bot_messages(client, 1, since=sent, timeout=30)
            assert _user_turns(second_url, client) == ["سلام"]
            # Each server keeps the conversations it handled in memory, yet reads what the other one added.
            shared = str(2 * user_id + 3)
            for url, text in [
                (stack.rasa_url, "سلام"),
                (second_url, "از مشهد هستم"),
                (stack.rasa_url, "ممنون"),
            ]:
                _say(url, shared, text)
            everything = ["سلام", "از مشهد هستم", "ممنون"]
            assert _turns_as_handled(stack.rasa_url, shared) == everything
            assert _turns_as_handled(second_url, shared) == everything
            second.stop()
            sent = api.send_text(client, "درباره وام بگو")
            [answer, *_] = api.wait_for_bot_messages(client, 1, since=sent, timeout=30)
            assert "وام" in answer["text"]
            # The first server carried on the same conversation, read from the shared tracker store.
            assert _user_turns(stack.rasa_url, client) == ["سلام", "درباره وام بگو"]  # each turn once
    finally:
        second.stop()
        api.stop()

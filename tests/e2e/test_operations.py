"""What an operator watches: health endpoints of the three services and the bot's Prometheus metrics."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.support.chat import Chat
from tests.support.stack import Stack

pytestmark = pytest.mark.e2e


def _metric(text: str, name: str, labels: str = "") -> float:
    match = re.search(rf"^{re.escape(name)}{re.escape(labels)} (\S+)$", text, re.MULTILINE)
    assert match is not None, f"{name}{labels} not in the metrics"
    return float(match.group(1))


def test_every_service_answers_its_health_check(stack: Stack) -> None:
    health = httpx.get(f"{stack.bot_health_url}/health", timeout=10)
    assert health.status_code == 200
    assert health.json() | {"uptime_seconds": 0} == {
        "status": "ok",
        "database": True,
        "rasa": True,
        "uptime_seconds": 0,
    }
    assert httpx.get(f"{stack.rasa_url}/", timeout=10).status_code == 200
    assert httpx.get(f"{stack.action_server_url}/health", timeout=10).json() == {"status": "ok"}


def test_metrics_count_messages_replies_and_queues(stack: Stack, user_id: int) -> None:
    before = httpx.get(f"{stack.bot_health_url}/metrics", timeout=10).text
    Chat(stack.api, user_id).say("سلام")
    after = httpx.get(f"{stack.bot_health_url}/metrics", timeout=10).text
    assert _metric(after, "karyar_messages_total", '{direction="in"}') > _metric(
        before, "karyar_messages_total", '{direction="in"}'
    )
    assert _metric(after, "karyar_messages_total", '{direction="out"}') >= 1
    assert _metric(after, "karyar_reply_seconds_count") >= 1
    for gauge in ("karyar_handoffs_waiting", "karyar_handoff_oldest_wait_seconds"):
        assert _metric(after, gauge) >= 0
    assert _metric(after, "karyar_queue_messages", '{for="counsellor"}') >= 0


def test_with_rasa_down_health_says_degraded_and_the_queue_grows(gate: Stack, user_id: int) -> None:
    gate.gate.mode = "closed"
    sent = gate.api.send_text(user_id, "سلام")
    gate.api.wait_for_bot_messages(user_id, 1, since=sent, timeout=15)
    health = httpx.get(f"{gate.bot_health_url}/health", timeout=10)
    assert (health.status_code, health.json()["status"], health.json()["rasa"]) == (200, "degraded", False)
    metrics = httpx.get(f"{gate.bot_health_url}/metrics", timeout=10).text
    assert _metric(metrics, "karyar_queue_messages", '{for="rasa"}') >= 1
    assert _metric(metrics, "karyar_errors_total", '{kind="rasa_unavailable"}') >= 1

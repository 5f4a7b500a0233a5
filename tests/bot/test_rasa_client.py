"""The Rasa client's contract, against canned Rasa HTTP answers (the real server is in tests/e2e)."""

from __future__ import annotations

import json

import httpx
import pytest

from bot.rasa_client import RasaClient, RasaUnavailableError


def _client(handler) -> RasaClient:  # type: ignore[no-untyped-def]
    return RasaClient(
        ["http://rasa.test"], auth_token="tok", timeout=5, action_server_url="http://actions.test",
        transport=httpx.MockTransport(handler),
    )  # fmt: skip


async def test_send_posts_to_the_rest_channel_with_metadata() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[{"recipient_id": "7", "text": "سلام"}])

    replies = await _client(handler).send(sender_id="7", text="سلام", metadata={"karyar_message_id": 3})
    assert replies == [{"recipient_id": "7", "text": "سلام"}]
    assert seen[0].url.path == "/webhooks/rest/webhook"
    assert json.loads(seen[0].content) == {
        "sender": "7",
        "message": "سلام",
        "metadata": {"karyar_message_id": 3},
    }


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(500, text="boom"),
        httpx.Response(200, json={"not": "a list"}),
        httpx.ConnectError("refused"),
    ],
    ids=["server-error", "bad-shape", "unreachable"],
)
async def test_failures_become_rasa_unavailable(response: httpx.Response | Exception) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(response, Exception):
            raise response
        return response

    with pytest.raises(RasaUnavailableError):
        await _client(handler).send(sender_id="7", text="x", metadata={})


async def test_understanding_is_rasas_reading_of_that_very_message() -> None:
    # While a form runs, Rasa's stored tracker replays without the form's answers, so its latest_message
    # names the message that opened the form; the events keep every message's own parse.
    events = [
        {"event": "user", "text": "شرایطم رو بگو", "metadata": {"karyar_message_id": 20},
         "parse_data": {"intent": {"name": "ask_eligibility", "confidence": 0.94}}},
        {"event": "active_loop", "name": "intake_form"},
        {"event": "user", "text": "۲۳", "metadata": {"karyar_message_id": 21},
         "parse_data": {"intent": {"name": "inform", "confidence": 0.85}}},
    ]  # fmt: skip

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.params["token"] == "tok"
        latest = {"intent": {"name": "ask_eligibility", "confidence": 0.94}}
        return httpx.Response(200, json={"latest_message": latest, "events": events})

    understood = await _client(handler).understanding(sender_id="7", message_id=21)
    assert (understood.intent, understood.confidence) == ("inform", 0.85)
    missing = await _client(handler).understanding(sender_id="7", message_id=99)
    assert (missing.intent, missing.confidence) == (None, None)


async def test_understanding_failure_is_not_fatal() -> None:
    understood = await _client(lambda request: httpx.Response(401)).understanding(sender_id="7", message_id=1)
    assert (understood.intent, understood.confidence) == (None, None)


TRACKER_EVENTS = [
    {"event": "user", "text": "سلام", "metadata": {"karyar_message_id": 10}},
    {"event": "bot", "text": "درود", "data": {"buttons": [{"title": "آموزش", "payload": "/ask_training"}]}},
    {"event": "user", "text": "وام", "metadata": {"karyar_message_id": 11}},
    {"event": "action", "name": "utter_ask_loan"},
    {"event": "bot", "text": "درباره وام…", "data": {}},
    {"event": "bot", "text": "چیز دیگری؟", "data": {}},
    {"event": "user", "text": "ممنون", "metadata": {"karyar_message_id": 12}},
]


@pytest.mark.parametrize(
    ("message_id", "expected"),
    [
        (
            10,
            [
                {
                    "recipient_id": "7",
                    "text": "درود",
                    "buttons": [{"title": "آموزش", "payload": "/ask_training"}],
                }
            ],
        ),
        (11, [{"recipient_id": "7", "text": "درباره وام…"}, {"recipient_id": "7", "text": "چیز دیگری؟"}]),
        (12, []),
        (13, None),
    ],
    ids=["answered-with-buttons", "answered-twice", "seen-not-yet-answered", "never-seen"],
)
async def test_replies_already_given_tell_whether_rasa_saw_a_message(
    message_id: int, expected: list[dict[str, object]] | None
) -> None:
    client = _client(lambda request: httpx.Response(200, json={"events": TRACKER_EVENTS}))
    assert await client.replies_already_given(sender_id="7", message_id=message_id) == expected


async def test_healthy_needs_both_rasa_and_the_action_server() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200 if request.url.host == "rasa.test" else 503)

    assert not await _client(handler).healthy()
    assert await _client(lambda request: httpx.Response(200)).healthy()


async def test_a_conversation_stays_on_its_instance_and_moves_when_that_one_is_down() -> None:
    down = {"rasa-b.test"}
    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host in down:
            raise httpx.ConnectError("refused", request=request)
        hosts.append(request.url.host)
        return httpx.Response(200, json=[{"recipient_id": "1", "text": "سلام"}])

    rasa = RasaClient(
        ["http://rasa-a.test", "http://rasa-b.test"], auth_token=None, timeout=5,
        transport=httpx.MockTransport(handler),
    )  # fmt: skip
    await rasa.send(sender_id="10", text="سلام", metadata={})  # 10 % 2 == 0: instance a
    await rasa.send(sender_id="11", text="سلام", metadata={})  # instance b is down: a takes it
    down.add("rasa-a.test")
    with pytest.raises(RasaUnavailableError, match="no Rasa instance answers"):
        await rasa.send(sender_id="10", text="سلام", metadata={})
    await rasa.close()
    assert hosts == ["rasa-a.test", "rasa-a.test"]


async def test_what_rasa_understood_comes_with_its_replies_without_reading_the_tracker() -> None:
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        if request.url.path.endswith("/tracker"):
            return httpx.Response(200, json={"events": []})
        understood = {"intent": "ask_loan", "confidence": 0.91}
        return httpx.Response(
            200, json={"replies": [{"recipient_id": "7", "text": "وام"}], "understood": understood}
        )

    client = _client(handler)
    replies = await client.send(sender_id="7", text="وام میخوام", metadata={"karyar_message_id": 5})
    assert replies == [{"recipient_id": "7", "text": "وام"}]
    understood = await client.understanding(sender_id="7", message_id=5)
    assert (understood.intent, understood.confidence) == ("ask_loan", 0.91)
    assert paths == ["/webhooks/rest/webhook"]
    # Asked again (it was used), or for another message, it is read from the tracker as before.
    await client.understanding(sender_id="7", message_id=5)
    assert paths[-1] == "/conversations/7/tracker"

"""Talking to Rasa: the REST channel for messages, the HTTP API for what Rasa understood."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx

from karyar.messages import RASA_MESSAGE_ID_KEY

logger = logging.getLogger(__name__)

# Rasa's REST reply: a list of {"recipient_id", "text"?, "buttons"?, "image"?, "custom"?}.
RasaReply = dict[str, Any]
# Understandings kept between `send` and `understanding`; more would only pile up if the caller never asks.
_UNDERSTOOD_KEPT = 1000


class RasaUnavailableError(RuntimeError):
    """Rasa did not answer: down, unreachable, too slow or failing. The message stays pending."""


@dataclass(frozen=True, slots=True)
class Understanding:
    intent: str | None
    confidence: float | None


class RasaClient:
    """One or several Rasa instances sharing a tracker store and a lock store. A conversation always goes
    to the same instance while it is up (its tracker stays warm there) and to the next one when it is not."""

    def __init__(
        self,
        base_urls: list[str],
        *,
        auth_token: str | None,
        timeout: float,
        action_server_url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not base_urls:
            raise ValueError("at least one Rasa URL is needed")
        self._base_urls = [url.rstrip("/") for url in base_urls]
        self._action_server_url = action_server_url.rstrip("/") if action_server_url else None
        self._params = {"token": auth_token} if auth_token else {}
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=3.0), transport=transport)
        self._understood: dict[tuple[str, int], Understanding] = {}  # (sender, message id), oldest first

    async def close(self) -> None:
        await self._http.aclose()

    def _instances(self, sender_id: str) -> list[str]:
        """The conversation's own instance first, then the others in turn."""
        first = (int(sender_id) if sender_id.lstrip("-").isdigit() else sum(sender_id.encode())) % len(
            self._base_urls
        )
        return self._base_urls[first:] + self._base_urls[:first]

    async def _request(self, method: str, sender_id: str, path: str, **kwargs: Any) -> httpx.Response:
        """One call to the conversation's instance; an instance that refuses the connection is skipped."""
        error: httpx.HTTPError | None = None
        for base_url in self._instances(sender_id):
            try:
                return await self._http.request(method, f"{base_url}{path}", **kwargs)
            except httpx.ConnectError as refused:
                error = refused
                continue
            except httpx.TimeoutException as slow:
                raise RasaUnavailableError(f"Rasa at {base_url} did not answer in time") from slow
            except httpx.HTTPError as failed:
                raise RasaUnavailableError(
                    f"Rasa at {base_url} is unreachable: {type(failed).__name__}"
                ) from failed
        where = ", ".join(self._base_urls)
        raise RasaUnavailableError(f"no Rasa instance answers ({where}): {type(error).__name__}") from error

    async def send(self, *, sender_id: str, text: str, metadata: dict[str, Any]) -> list[RasaReply]:
        """Send one user message through the REST channel and return the bot's replies.

        Our Rasa answers {"replies", "understood"} (ops/rasa_rest_channel.py); what it understood is kept for
        `understanding`, which then needs no second request. Rasa's own REST channel answers the list."""
        response = await self._request(
            "POST",
            sender_id,
            "/webhooks/rest/webhook",
            json={"sender": sender_id, "message": text, "metadata": metadata},
        )
        if response.status_code != 200:
            raise RasaUnavailableError(f"Rasa answered HTTP {response.status_code} to a message")
        try:
            body = response.json()
        except ValueError as error:
            raise RasaUnavailableError("Rasa's REST channel answered something other than JSON") from error
        replies = body.get("replies") if isinstance(body, dict) else body
        if not isinstance(replies, list):
            raise RasaUnavailableError("Rasa's REST channel answered something other than a list")
        if isinstance(body, dict) and isinstance(body.get("understood"), dict):
            self._remember(sender_id, metadata.get(RASA_MESSAGE_ID_KEY), body["understood"])
        return replies

    def _remember(self, sender_id: str, message_id: object, understood: dict[str, Any]) -> None:
        if not isinstance(message_id, int):
            return
        confidence = understood.get("confidence")
        self._understood[(sender_id, message_id)] = Understanding(
            understood.get("intent"), float(confidence) if confidence is not None else None
        )
        while len(self._understood) > _UNDERSTOOD_KEPT:  # asked for right after sending: only a few wait
            del self._understood[next(iter(self._understood))]

    async def understanding(self, *, sender_id: str, message_id: int) -> Understanding:
        """The intent and confidence Rasa gave this message (found by its case-database id).

        Kept from the answer to `send` when Rasa gave it there; otherwise read from the tracker's events.
        Not the tracker's `latest_message`: while a form runs, Rasa rebuilds a stored tracker without the
        form's answers, so that would name the message that opened the form."""
        kept = self._understood.pop((sender_id, message_id), None)
        if kept is not None:
            return kept
        try:
            events = await self._events(sender_id)
        except RasaUnavailableError as error:
            logger.warning(
                "could not read what Rasa understood (%s); the message is logged without intent", error
            )
            return Understanding(None, None)
        for event in reversed(events):
            if (
                event.get("event") == "user"
                and (event.get("metadata") or {}).get(RASA_MESSAGE_ID_KEY) == message_id
            ):
                intent = (event.get("parse_data") or {}).get("intent") or {}
                confidence = intent.get("confidence")
                return Understanding(
                    intent.get("name"), float(confidence) if confidence is not None else None
                )
        logger.warning("Rasa's tracker has no message %s; it is logged without intent", message_id)
        return Understanding(None, None)

    async def _events(self, sender_id: str) -> list[dict[str, Any]]:
        try:
            response = await self._request(
                "GET",
                sender_id,
                f"/conversations/{sender_id}/tracker",
                params={**self._params, "include_events": "AFTER_RESTART"},
            )
            response.raise_for_status()
            events = response.json().get("events") or []
        except (httpx.HTTPError, ValueError) as error:
            raise RasaUnavailableError(f"Rasa's tracker could not be read: {error}") from error
        return list(events)

    async def replies_already_given(self, *, sender_id: str, message_id: int) -> list[RasaReply] | None:
        """If Rasa already handled this message (a timed-out call that went through), its replies; else None.

        Messages carry their case-database id as metadata, so a retry never makes Rasa see a message twice.
        """
        events = await self._events(sender_id)
        replies: list[RasaReply] | None = None
        for event in events:
            if event.get("event") == "user":
                seen = (event.get("metadata") or {}).get(RASA_MESSAGE_ID_KEY) == message_id
                if replies is not None and not seen:
                    break  # the next user message begins; what came before was our answer
                if seen:
                    replies = []
            elif event.get("event") == "bot" and replies is not None:
                replies.append(_bot_event_as_reply(event, sender_id))
        return replies

    async def pause(self, *, sender_id: str) -> None:
        """Stop Rasa from answering the conversation while a person has it."""
        await self._append_events(sender_id, [{"event": "pause"}])

    async def resume(self, *, sender_id: str) -> None:
        """Give the conversation back to Rasa, ready to listen, so the next message is understood afresh."""
        await self._append_events(
            sender_id, [{"event": "resume"}, {"event": "action", "name": "action_listen"}]
        )

    async def forget(self, *, sender_id: str) -> None:
        """Empty the conversation's tracker (the client had their data erased): what they said goes too."""
        response = await self._request(
            "PUT",
            sender_id,
            f"/conversations/{sender_id}/tracker/events",
            params={**self._params, "include_events": "NONE"},
            json=[],
        )
        if response.status_code != 200:
            raise RasaUnavailableError(
                f"Rasa answered HTTP {response.status_code} to replacing tracker events"
            )

    async def _append_events(self, sender_id: str, events: list[dict[str, Any]]) -> None:
        response = await self._request(
            "POST",
            sender_id,
            f"/conversations/{sender_id}/tracker/events",
            params={**self._params, "include_events": "NONE"},
            json=events,
        )
        if response.status_code != 200:
            raise RasaUnavailableError(
                f"Rasa answered HTTP {response.status_code} to appending tracker events"
            )

    async def healthy(self) -> bool:
        """Some Rasa instance and, when known, the action server answer their health checks."""
        rasa_up = False
        for base_url in self._base_urls:
            if await self._answers(f"{base_url}/"):
                rasa_up = True
                break
        if not rasa_up:
            return False
        return self._action_server_url is None or await self._answers(f"{self._action_server_url}/health")

    async def _answers(self, url: str) -> bool:
        try:
            (await self._http.get(url, timeout=3.0)).raise_for_status()
        except httpx.HTTPError:
            return False
        return True


def _bot_event_as_reply(event: dict[str, Any], sender_id: str) -> RasaReply:
    data = event.get("data") or {}
    reply: RasaReply = {"recipient_id": sender_id}
    if event.get("text"):
        reply["text"] = event["text"]
    for key in ("buttons", "image", "custom", "attachment"):
        if data.get(key):
            reply[key] = data[key]
    return reply

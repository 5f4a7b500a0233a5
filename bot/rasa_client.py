"""Talking to Rasa: the REST channel for messages, the HTTP API for what Rasa understood."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx

logger = logging.getLogger(__name__)

# Rasa's REST reply: a list of {"recipient_id", "text"?, "buttons"?, "image"?, "custom"?}.
RasaReply = dict[str, Any]


class RasaUnavailableError(RuntimeError):
    """Rasa did not answer: down, unreachable, too slow or failing. The message stays pending."""


@dataclass(frozen=True, slots=True)
class Understanding:
    intent: str | None
    confidence: float | None


class RasaClient:
    def __init__(
        self,
        base_url: str,
        *,
        auth_token: str | None,
        timeout: float,
        action_server_url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._action_server_url = action_server_url.rstrip("/") if action_server_url else None
        self._params = {"token": auth_token} if auth_token else {}
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=3.0), transport=transport)

    async def close(self) -> None:
        await self._http.aclose()

    async def send(self, *, sender_id: str, text: str, metadata: dict[str, Any]) -> list[RasaReply]:
        """Send one user message through the REST channel and return the bot's replies."""
        try:
            response = await self._http.post(
                f"{self._base_url}/webhooks/rest/webhook",
                json={"sender": sender_id, "message": text, "metadata": metadata},
            )
        except httpx.TimeoutException as error:
            raise RasaUnavailableError(f"Rasa at {self._base_url} did not answer in time") from error
        except httpx.HTTPError as error:
            raise RasaUnavailableError(
                f"Rasa at {self._base_url} is unreachable: {type(error).__name__}"
            ) from error
        if response.status_code != 200:
            raise RasaUnavailableError(f"Rasa answered HTTP {response.status_code} to a message")
        replies = response.json()
        if not isinstance(replies, list):
            raise RasaUnavailableError("Rasa's REST channel answered something other than a list")
        return replies

    async def understanding(self, *, sender_id: str) -> Understanding:
        """The intent and confidence Rasa gave the conversation's latest user message."""
        try:
            response = await self._http.get(
                f"{self._base_url}/conversations/{sender_id}/tracker",
                params={**self._params, "include_events": "NONE"},
            )
            response.raise_for_status()
            intent = (response.json().get("latest_message") or {}).get("intent") or {}
        except (httpx.HTTPError, ValueError) as error:
            logger.warning(
                "could not read what Rasa understood (%s); the message is logged without intent", error
            )
            return Understanding(None, None)
        confidence = intent.get("confidence")
        return Understanding(intent.get("name"), float(confidence) if confidence is not None else None)

    async def replies_already_given(self, *, sender_id: str, message_id: int) -> list[RasaReply] | None:
        """If Rasa already handled this message (a timed-out call that went through), its replies; else None.

        Messages carry their case-database id as metadata, so a retry never makes Rasa see a message twice.
        """
        try:
            response = await self._http.get(
                f"{self._base_url}/conversations/{sender_id}/tracker",
                params={**self._params, "include_events": "AFTER_RESTART"},
            )
            response.raise_for_status()
            events = response.json().get("events") or []
        except (httpx.HTTPError, ValueError) as error:
            raise RasaUnavailableError(f"Rasa's tracker could not be read: {error}") from error
        replies: list[RasaReply] | None = None
        for event in events:
            if event.get("event") == "user":
                seen = (event.get("metadata") or {}).get("karyar_message_id") == message_id
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
        try:
            response = await self._http.put(
                f"{self._base_url}/conversations/{sender_id}/tracker/events",
                params={**self._params, "include_events": "NONE"},
                json=[],
            )
        except httpx.HTTPError as error:
            raise RasaUnavailableError(
                f"Rasa at {self._base_url} is unreachable: {type(error).__name__}"
            ) from error
        if response.status_code != 200:
            raise RasaUnavailableError(
                f"Rasa answered HTTP {response.status_code} to replacing tracker events"
            )

    async def _append_events(self, sender_id: str, events: list[dict[str, Any]]) -> None:
        try:
            response = await self._http.post(
                f"{self._base_url}/conversations/{sender_id}/tracker/events",
                params={**self._params, "include_events": "NONE"},
                json=events,
            )
        except httpx.HTTPError as error:
            raise RasaUnavailableError(
                f"Rasa at {self._base_url} is unreachable: {type(error).__name__}"
            ) from error
        if response.status_code != 200:
            raise RasaUnavailableError(
                f"Rasa answered HTTP {response.status_code} to appending tracker events"
            )

    async def healthy(self) -> bool:
        """Both Rasa and, when known, the action server answer their health checks."""
        targets = [f"{self._base_url}/"]
        if self._action_server_url:
            targets.append(f"{self._action_server_url}/health")
        try:
            for url in targets:
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

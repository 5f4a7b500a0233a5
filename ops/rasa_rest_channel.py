"""Rasa's REST input, answering with what Rasa understood alongside its replies.

The bot logs each message's intent. Reading it back from the tracker afterwards costs a second request
that loads and serialises the whole conversation, growing with its length; here the message is parsed
first and the same parse is handed to Rasa (a `UserMessage` with `parse_data` is not parsed again), so
the intent logged in the tracker and the one returned are the same. Registered under the name `rest`: the
URL (`/webhooks/rest/webhook`) and the request stay those of Rasa's own REST channel.

Answer: {"replies": [...as Rasa's REST channel...], "understood": {"intent": str|None, "confidence": float|None}}
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from ops import rasa_action_results, rasa_form_mappings, rasa_kept_connections, rasa_memory

logger = logging.getLogger(__name__)
# This module is the project's code Rasa loads at start.
rasa_action_results.install()
rasa_kept_connections.install()
rasa_form_mappings.install()


class UnderstandingRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.listener("after_server_start")  # after Rasa's start-up has loaded the model
        async def release_memory(*_: Any) -> None:
            rasa_memory.release_freed_memory()

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            sender_id = await self._extract_sender(request)
            text = self._extract_message(request)
            input_channel = self._extract_input_channel(request)
            metadata = self.get_metadata(request)
            collector = CollectingOutputChannel()
            parse_data: dict[str, Any] | None = None
            try:  # as Rasa's REST channel: a failure is logged and the replies so far are returned
                processor = request.app.ctx.agent.processor
                if processor is not None:
                    parse_data = await processor.parse_message(
                        UserMessage(
                            text, collector, sender_id, input_channel=input_channel, metadata=metadata
                        )
                    )
                await on_new_message(
                    UserMessage(
                        text,
                        collector,
                        sender_id,
                        parse_data=parse_data,
                        input_channel=input_channel,
                        metadata=metadata,
                    )
                )
            except Exception:
                logger.exception("a REST message could not be handled")
            return response.json({"replies": collector.messages, "understood": _understood(parse_data)})

        return webhook


def _understood(parse_data: dict[str, Any] | None) -> dict[str, Any]:
    intent = (parse_data or {}).get("intent") or {}
    return {"intent": intent.get("name"), "confidence": intent.get("confidence")}

"""Webhook delivery: while a webhook is set, POST pending updates to it one by one, in order,
with the secret token header, retrying failures and recording the last error like Telegram."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from localapi.state import World, now

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def deliver_webhooks(
    world: World,
    wait_for_change: Callable[[float], Awaitable[None]],
    stopping: Callable[[], bool],
    retry_delay: float,
) -> None:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        while not stopping():
            url, secret, updates = world.read(_next_delivery)
            if not url or not updates:
                await wait_for_change(60.0)  # checked above without awaiting: no change is missed
                continue
            update = updates[0]
            error = await _post(session, url, secret, update)
            with world.mutate():
                if error is None:
                    world.updates = [u for u in world.updates if u["update_id"] != update["update_id"]]
                else:
                    world.webhook.last_error_date = now()
                    world.webhook.last_error_message = error
            if error is not None:
                await asyncio.sleep(retry_delay)


def _next_delivery(world: World) -> tuple[str, str | None, list[dict[str, Any]]]:
    url = world.webhook.url
    return url, world.webhook.secret_token, world.deliverable_updates(1) if url else []


async def _post(
    session: aiohttp.ClientSession, url: str, secret: str | None, update: dict[str, Any]
) -> str | None:
    headers = {SECRET_HEADER: secret} if secret else {}
    try:
        async with session.post(url, json=update, headers=headers) as response:
            if 200 <= response.status < 300:
                return None
            return f"Wrong response from the webhook: {response.status} {response.reason}"
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        return f"Connection failed: {exc}"

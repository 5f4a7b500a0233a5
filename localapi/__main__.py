"""Run the local Bot API server: ``python -m localapi --port 8081 --token 123:ABC``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from pathlib import Path

from localapi.ratelimit import RateLimit
from localapi.server import DEFAULT_TOKEN, LocalBotApi


def _rate(text: str | None) -> RateLimit | None:
    if not text:
        return None
    calls, _, period = text.partition("/")
    return RateLimit(int(calls), float(period or 1))


async def _serve(args: argparse.Namespace) -> None:
    api = LocalBotApi(
        args.token or [DEFAULT_TOKEN],
        bot_username=args.bot_username,
        disabled_methods=args.disable,
        per_chat_rate=_rate(args.per_chat_rate),
        global_rate=_rate(args.global_rate),
        state_dir=args.state_dir,
    )
    url = await api.start(args.host, args.port)
    print(f"local Bot API on {url} (base_url {api.bot_url}, bot @{api.world.bot.username})", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await api.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m localapi", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", action="append", help="accepted bot token (repeatable)")
    parser.add_argument("--bot-username", default="karyar_local_bot")
    parser.add_argument("--disable", action="append", default=[], help="method answering 404 (repeatable)")
    parser.add_argument("--per-chat-rate", help="flood limit per chat, e.g. 1/1 (calls/seconds)")
    parser.add_argument("--global-rate", help="flood limit for the bot, e.g. 30/1")
    parser.add_argument("--state-dir", type=Path, help="keep chats and counters here across restarts")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()

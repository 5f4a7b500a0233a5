"""Headless Chromium for the local mode page: Debian's chromium, driven by Playwright."""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# This machine's network is closed: without these Chromium keeps trying to reach Google's services.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update"]  # fmt: skip
BOT_MESSAGE = '.msg[data-from-bot="true"]'  # a bubble the bot sent, on the page

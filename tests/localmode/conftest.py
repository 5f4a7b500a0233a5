"""Headless Chromium with one page, for the tests of the chat page."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.support.browser import CHROMIUM, CHROMIUM_FLAGS


@pytest.fixture(scope="session")
def chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing; scripts/setup_browser.sh installs it (make setup runs it)")
        pytest.skip("chromium is not installed (scripts/setup_browser.sh installs it)")
    return CHROMIUM


@pytest.fixture
def page(chromium: str) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 820}, locale="fa-IR")
            yield context.new_page()
        finally:
            browser.close()

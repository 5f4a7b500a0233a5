"""`karyar run` without a bot token, used the way a person uses it: in headless Chromium, through the page.

One local mode (local Bot API server, Rasa with the trained model, the action server, the bot) is started as
`make run` starts it, then a client says «سلام», agrees with an inline button, asks for a counsellor, and
the counsellor (switched to on the same page) claims the case in the counsellors' forum and answers.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from bot.texts import _
from karyar.localmode.personas import CLIENTS, COUNSELLOR, STAFF
from tests.support.browser import BOT_MESSAGE, CHROMIUM, CHROMIUM_FLAGS
from tests.support.processes import APP_PYTHON, ManagedProcess, free_port
from tests.support.stack import RASA_LOAD_SECONDS, RASA_TOKEN, base_environment

pytestmark = pytest.mark.e2e
# `KARYAR_SCREENSHOT_DIR=docs` refreshes the README's picture of the page.
SCREENSHOT_DIR = os.environ.get("KARYAR_SCREENSHOT_DIR")
REPLY_MS = 45_000  # a reply goes through Rasa; generous for a loaded CI machine
CLIENT = CLIENTS[0]
PERSIAN = re.compile(r"[\u0600-\u06FF]{3,}")


def bot_messages(page: Page) -> int:
    return page.locator(BOT_MESSAGE).count()


def first_line(message_id: str) -> str:
    return _(message_id).split("\n")[0].strip()


@pytest.fixture(scope="module")
def local_mode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing; scripts/setup_browser.sh installs it (make setup runs it)")
        pytest.skip("chromium is not installed (scripts/setup_browser.sh installs it)")
    workdir = tmp_path_factory.mktemp("local-mode")
    port = free_port()
    env = base_environment(
        RASA_URL=f"http://127.0.0.1:{free_port()}",
        ACTION_SERVER_URL=f"http://127.0.0.1:{free_port()}",
        RASA_AUTH_TOKEN=RASA_TOKEN,  # local mode uses a configured token instead of making one
    )
    command = [APP_PYTHON, "-m", "karyar.cli", "run", "--local", "--fresh", "--port", str(port),
               "--state-dir", str(workdir / "state")]  # fmt: skip
    process = ManagedProcess("local-mode", command, env=env, log_dir=workdir)
    try:
        url = f"http://127.0.0.1:{port}"
        process.wait_http(f"{url}/chat/", timeout=300)  # the model is trained first if it is not yet
        process.wait_http(f"{env['RASA_URL']}/status?token={RASA_TOKEN}", timeout=RASA_LOAD_SECONDS)
        wait_for_bot(process, url)
        yield url
    finally:
        process.stop(timeout=30)
        print(process.tail(80))


def wait_for_bot(process: ManagedProcess, url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if httpx.get(f"{url}/_local/web/overview").json()["bot_online"]:
            return
        if not process.alive():
            break
        time.sleep(0.5)
    raise RuntimeError(f"the bot never talked to the local server:\n{process.tail()}")


@pytest.fixture
def page(local_mode: str) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 820}, locale="fa-IR")
            yield context.new_page()
        finally:
            browser.close()


def test_a_client_and_a_counsellor_use_the_page(local_mode: str, page: Page, tmp_path: Path) -> None:
    page.goto(f"{local_mode}/chat/#persona={CLIENT.user_id}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#bot-status")).to_have_attribute("data-online", "true")
    expect(page.locator(f'[data-persona="{CLIENT.user_id}"]')).to_have_attribute("aria-selected", "true")

    def bot_said(text: str) -> None:
        expect(page.locator(BOT_MESSAGE, has_text=text).last).to_be_visible(timeout=REPLY_MS)

    # «سلام»: the bot greets with a choice of topics as inline buttons; pressing one marks the choice and
    # brings the bot's Persian answer.
    page.fill("#composer-input", "سلام")
    page.press("#composer-input", "Enter")
    expect(page.locator(".msg.out", has_text="سلام")).to_be_visible()
    training = page.locator(".inline-btn", has_text="آموزش و دوره‌ها").last
    expect(training).to_be_visible(timeout=REPLY_MS)
    replies = bot_messages(page)
    training.click()
    expect(page.locator(".msg", has_text=_("Your choice").format(title="آموزش و دوره‌ها"))).to_be_visible(
        timeout=REPLY_MS
    )
    page.wait_for_function(f"document.querySelectorAll('{BOT_MESSAGE}').length > {replies}", timeout=REPLY_MS)
    answer = page.locator(BOT_MESSAGE).last.inner_text()
    assert PERSIAN.search(answer), answer

    # /start with its button: the client agrees to the notice and gets the menu keyboard.
    page.fill("#composer-input", "/start")
    page.press("#composer-input", "Enter")
    page.locator(".inline-btn", has_text=_("Consent button: accept")).last.click(timeout=REPLY_MS)
    bot_said(first_line("Consent accepted").split("🌷")[0].strip())

    # The reply keyboard's counsellor button puts the client in the queue.
    page.locator(".reply-btn", has_text=_("Menu: counsellor")).click()
    bot_said(first_line("Handoff: first in line"))
    page.screenshot(path=str(tmp_path / "client.png"))

    # As the counsellor: the case has its own topic in the forum, marked unread; claim it and answer.
    page.click(f'[data-persona="{COUNSELLOR.persona.user_id}"]')
    topic = page.locator('.thread-item:not([data-thread="0"])', has_text=CLIENT.name)
    expect(topic).to_be_visible(timeout=REPLY_MS)
    expect(topic.locator(".unread")).to_be_visible()
    topic.click()
    page.locator(".inline-btn", has_text=_("Button: claim")).last.click()
    expect(page.locator("#toast")).to_have_text(_("Claim: yours"), timeout=REPLY_MS)
    bot_said(_("Notice: claimed by").format(name=COUNSELLOR.persona.name).split(".")[0])
    page.fill("#composer-input", "سلام، من مشاور شما هستم. چه کاری بلدید؟")
    page.press("#composer-input", "Enter")

    # Back as the client: the counsellor has joined and their words arrived.
    page.click(f'[data-persona="{CLIENT.user_id}"]')
    bot_said(first_line("Handoff: counsellor joined").format(name=COUNSELLOR.persona.name))
    bot_said("چه کاری بلدید؟")
    if SCREENSHOT_DIR:
        page.screenshot(path=str(Path(SCREENSHOT_DIR) / "local-mode.png"))

    # As staff: the bot's command menu is there, and /broadcast opens the first step of an announcement.
    page.click(f'[data-persona="{STAFF.persona.user_id}"]')
    page.click("#commands-btn")
    expect(page.locator('#commands-menu [data-command="start"]')).to_be_visible()
    page.click("#commands-btn")
    page.fill("#composer-input", "/broadcast")
    page.press("#composer-input", "Enter")
    bot_said(first_line("Broadcast compose: ask message"))

"""`karyar run` without a bot token, used the way a person uses it: in headless Chromium, through the page.

One local mode (local Bot API server, Rasa with the trained model, the action server, the bot) is started as
`make run` starts it, then a client says «سلام», agrees with an inline button, asks for a counsellor, and
the counsellor (switched to on the same page, which opens on the waiting case) claims it in the counsellors'
forum and answers. Then local mode is stopped and started again on the same data, and the page still shows
the earlier chat.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from karyar.texts import _
from ops.localmode.personas import CLIENTS, COUNSELLOR, COUNSELLOR_GROUP_ID, STAFF
from tests.localapi.test_bot_methods import tiny_png
from tests.support.browser import BOT_MESSAGE
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


class LocalMode:
    """`karyar run --local` in a process of its own, as `make run` starts it."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = base_environment(
            RASA_URL=f"http://127.0.0.1:{free_port()}",
            ACTION_SERVER_URL=f"http://127.0.0.1:{free_port()}",
            RASA_AUTH_TOKEN=RASA_TOKEN,  # local mode uses a configured token instead of making one
        )
        self.starts = 0
        self.process = self._start("--fresh")

    def _start(self, *flags: str) -> ManagedProcess:
        self.starts += 1
        command = [APP_PYTHON, "-m", "ops.cli", "run", "--local", *flags, "--port", str(self.port),
                   "--state-dir", str(self.workdir / "state"), "--log-dir", str(self.workdir / "logs")]  # fmt: skip
        process = ManagedProcess(f"local-mode-{self.starts}", command, env=self.env, log_dir=self.workdir)
        process.wait_http(f"{self.url}/chat/", timeout=300)  # the model is trained first if it is not yet
        return process

    def wait_until_ready(self) -> None:
        self.process.wait_http(f"{self.env['RASA_URL']}/status?token={RASA_TOKEN}", timeout=RASA_LOAD_SECONDS)
        wait_for_bot(self.process, self.url)

    def restart(self) -> None:
        """Stop everything as Ctrl-C does and start again on the same data; the chat page is back at once,
        the bot once Rasa has loaded."""
        self.process.stop(timeout=30)
        self.process = self._start()

    def stop(self) -> None:
        self.process.stop(timeout=30)
        print(self.process.tail(80))


@pytest.fixture(scope="module")
def local_mode(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Iterator[LocalMode]:
    local = LocalMode(tmp_path_factory.mktemp("local-mode"))
    try:
        local.wait_until_ready()
        yield local
    finally:
        local.stop()


def wait_for_bot(process: ManagedProcess, url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if httpx.get(f"{url}/_local/web/overview").json()["bot_online"]:
            return
        if not process.alive():
            break
        time.sleep(0.5)
    raise RuntimeError(f"the bot never talked to the local server:\n{process.tail()}")


def case_card_posted(url: str) -> None:
    """Wait until the bot has posted the card of the case in its topic of the counsellors' forum."""
    seconds = REPLY_MS / 1000
    params = {"count": 1, "timeout": seconds}
    waited = httpx.get(f"{url}/_local/chats/{COUNSELLOR_GROUP_ID}/wait", params=params, timeout=seconds + 5)
    assert waited.status_code == 200, waited.text


def test_a_client_and_a_counsellor_use_the_page(local_mode: LocalMode, page: Page, tmp_path: Path) -> None:
    page.goto(f"{local_mode.url}/chat/#persona={CLIENT.user_id}")
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

    # As the counsellor: the case has its own topic in the forum, and the page opens on it; claim it and answer.
    case_card_posted(local_mode.url)
    expect(page.locator(f'[data-persona="{COUNSELLOR.persona.user_id}"] .unread')).to_be_visible()
    page.click(f'[data-persona="{COUNSELLOR.persona.user_id}"]')
    topic = page.locator('.thread-item:not([data-thread="0"])', has_text=CLIENT.name)
    expect(topic).to_have_attribute("aria-selected", "true")
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


def test_the_page_keeps_its_chats_across_a_restart_of_local_mode(local_mode: LocalMode, page: Page) -> None:
    client = CLIENTS[1]  # one who is not talking to a counsellor, so the bot itself answers
    page.goto(f"{local_mode.url}/chat/#persona={client.user_id}")
    expect(page.locator("#bot-status")).to_have_attribute("data-online", "true")

    # A tall photo: the bot's answer under it stays in view once the photo has loaded.
    answers = bot_messages(page)
    page.set_input_files("#photo-input", files=[{"name": "کارت.png", "mimeType": "image/png",
                                                 "buffer": tiny_png(300, 600)}])  # fmt: skip
    expect(page.locator(".msg.out img.photo").last).to_be_visible()
    page.wait_for_function(f"document.querySelectorAll('{BOT_MESSAGE}').length > {answers}", timeout=REPLY_MS)
    answer = page.locator(BOT_MESSAGE).last
    expect(answer).to_be_in_viewport()
    answer_id = int(answer.get_attribute("data-message-id") or 0)

    local_mode.restart()
    page.goto(f"{local_mode.url}/chat/#persona={client.user_id}")
    expect(page.locator(f'.msg[data-message-id="{answer_id}"]')).to_be_in_viewport()
    expect(page.locator(".msg.out img.photo").last).to_be_visible()
    # The chat goes on where it was: a new message is numbered after the earlier ones.
    page.fill("#composer-input", "سلام دوباره")
    page.press("#composer-input", "Enter")
    sent = page.locator(".msg.out", has_text="سلام دوباره")
    expect(sent).to_be_visible()
    assert int(sent.get_attribute("data-message-id") or 0) > answer_id

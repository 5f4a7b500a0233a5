"""Local mode as someone starting it sees it: how long until the page and the bot are ready, what it
costs in memory, and how quickly the page shows what happens.

Starts `karyar run --local --fresh` (trained model assumed, as on any start after the first), then in
headless Chromium: the page's own messages appearing (a message typed into the page, shown back through
the server-sent events) and the bot's replies to «سلام» typed into the page.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

from bench.results_file import write_results
from bench.stack_baseline import resident_mib
from bench.stats import latency_summary
from localapi.webchat import WEB_DIR
from ops import rasa_model
from ops.localmode.personas import CLIENTS
from tests.support.browser import BOT_MESSAGE, CHROMIUM, CHROMIUM_FLAGS
from tests.support.processes import APP_PYTHON, ManagedProcess, free_port
from tests.support.stack import RASA_TOKEN, base_environment

RESULTS = Path(__file__).resolve().parent / "results" / "local_mode.json"
ROUNDS = 20


def _until(check: Callable[[], bool], timeout: float, process: ManagedProcess) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if not process.alive():
            raise RuntimeError(f"local mode stopped:\n{process.tail()}")
        try:
            if check():
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"not ready within {timeout}s:\n{process.tail()}")


def _send_and_time(page: Page, text: str, selector: str) -> float:
    before = page.locator(selector).count()
    started = time.perf_counter()
    page.fill("#composer-input", text)
    page.press("#composer-input", "Enter")
    page.wait_for_function(f"document.querySelectorAll('{selector}').length > {before}", timeout=60_000)
    return (time.perf_counter() - started) * 1000


def _summary(values: list[float]) -> dict[str, float]:
    return {"rounds": len(values), **latency_summary(values)}


def main() -> None:
    if CHROMIUM is None:
        raise SystemExit("chromium is missing; run scripts/setup_browser.sh")
    rasa_model.ensure_trained()
    with tempfile.TemporaryDirectory() as workdir:
        work = Path(workdir)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = base_environment(
            RASA_URL=f"http://127.0.0.1:{free_port()}",
            ACTION_SERVER_URL=f"http://127.0.0.1:{free_port()}",
            RASA_AUTH_TOKEN=RASA_TOKEN,
        )
        command = [APP_PYTHON, "-m", "ops.cli", "run", "--local", "--fresh", "--port", str(port),
                   "--state-dir", str(work / "state"), "--log-dir", str(work / "logs")]  # fmt: skip
        started = time.perf_counter()
        process = ManagedProcess("local-mode", command, env=env, log_dir=work)
        try:
            page_up = _until(lambda: httpx.get(f"{url}/chat/").status_code == 200, 300, process)
            bot_up = _until(
                lambda: httpx.get(f"{url}/_local/web/overview").json()["bot_online"], 120, process
            )
            _until(
                lambda: (
                    httpx.get(f"{env['RASA_URL']}/status", params={"token": RASA_TOKEN}).status_code == 200
                ),
                300,
                process,
            )
            ready = time.perf_counter() - started
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
                page = browser.new_page(viewport={"width": 1200, "height": 820})
                loading = time.perf_counter()
                page.goto(f"{url}/chat/#persona={CLIENTS[0].user_id}")
                page.locator('#bot-status[data-online="true"]').wait_for()
                page_load_ms = (time.perf_counter() - loading) * 1000
                _send_and_time(page, "سلام", BOT_MESSAGE)  # warm-up: Rasa's first parse loads lazily
                echo = [_send_and_time(page, f"پیام شماره {n}", ".msg.out") for n in range(ROUNDS)]
                replies = [_send_and_time(page, "سلام", BOT_MESSAGE) for _ in range(ROUNDS)]
                browser.close()
            time.sleep(1)
            memory = resident_mib(process.process.pid)
        finally:
            process.stop(timeout=30)
    page_bytes = sum(path.stat().st_size for path in WEB_DIR.iterdir())
    results = {
        "start_seconds": {
            "page_answers": round(page_up, 1),
            "bot_polling": round(page_up + bot_up, 1),
            "everything_ready_incl_rasa_model_loaded": round(ready, 1),
        },
        "resident_memory_mib_all_processes": memory,
        "page": {"bytes_uncompressed": page_bytes, "load_to_bot_status_ms": round(page_load_ms, 1)},
        "own_message_shown_ms": _summary(echo),
        "bot_reply_shown_ms": _summary(replies),
    }
    write_results(RESULTS, results)


if __name__ == "__main__":
    main()

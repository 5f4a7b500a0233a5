"""`make run`'s launcher: one ready line, Rasa's noise in its log file, errors on the terminal, Ctrl-C → 0.

The launcher runs for real, in its own process, over small stand-in services that print what Rasa and the
bot print; a terminal (a pseudo-terminal) is used where make and Ctrl-C are concerned.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from karyar.settings import PROJECT_ROOT
from ops import rasa_model
from ops.services import SERVICES, LineLevels, terminal_threshold
from tests.support.terminal import CTRL_C, Terminal

UNUSED_UTTERANCE = (
    "\x1b[93m/x/rasa/shared/utils/io.py:100: UserWarning: The utterance 'utter_restart' is not used in any "
    "story or rule.\x1b[0m"
)
FAKE_RASA = f"""
    import os, sys, time
    print({UNUSED_UTTERANCE!r})
    print("2026-12-04 20:39:18 WARNING  rasa.core.agent  - endpoints.yml has no model server")
    print("2026-12-04 20:39:18 ERROR    rasa.core.processor  - The tracker store is unreachable")
    print("Traceback (most recent call last):")
    print('  File "x.py", line 1, in <module>')
    print("ConnectionError: refused")
    print("2026-12-04 20:39:19 INFO     root  - Rasa server is up and running.")
    sys.stdout.flush()
    open(sys.argv[1], "w").write(str(os.getpid()))
    if sys.argv[2] == "exit":  # once the bot runs, so that it has to be stopped
        while not os.path.exists(sys.argv[1].replace("rasa.pid", "bot.pid")):
            time.sleep(0.05)
        sys.exit(3)
    if sys.argv[2] == "stubborn":
        import signal
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    time.sleep(600)
"""
FAKE_BOT = """
    import os, sys, time
    open(sys.argv[1], "w").write(str(os.getpid()))
    print("2026-12-04 20:40:00,001 INFO bot.observability.server: health and metrics on http://127.0.0.1:8090")
    print("2026-12-04 20:40:00,002 WARNING bot.app: setMyCommands is not available on this Bot API server")
    time.sleep(float(sys.argv[2]))
    print("ready: polling Telegram as @karyar_bot", flush=True)
    time.sleep(600)
"""
LAUNCHER = """
    import logging, sys
    from pathlib import Path
    from ops.services import Service, Supervisor, interrupts_for_this_process_only

    work, rasa_mode, bot_delay = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    services = (
        Service("rasa", (sys.executable, str(work / "fake_rasa.py"), str(work / "rasa.pid"), rasa_mode), logging.ERROR),
        Service("bot", (sys.executable, str(work / "fake_bot.py"), str(work / "bot.pid"), bot_delay), logging.WARNING,
                announces_ready=True),
    )
    with interrupts_for_this_process_only():
        sys.exit(Supervisor({}, services=services, log_dir=work / "log").run())
"""


@pytest.fixture
def work(tmp_path: Path) -> Path:
    for name, source in (("fake_rasa.py", FAKE_RASA), ("fake_bot.py", FAKE_BOT), ("launcher.py", LAUNCHER)):
        (tmp_path / name).write_text(textwrap.dedent(source))
    return tmp_path


class Launcher:
    """The launcher in its own process, its output read as it comes."""

    def __init__(self, work: Path, *, rasa: str = "run", bot_delay: float = 0.5) -> None:
        self.work = work
        self.output = ""
        self.process = subprocess.Popen(
            [sys.executable, str(work / "launcher.py"), str(work), rasa, str(bot_delay)],
            cwd=PROJECT_ROOT,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output += line

    def wait_until(self, check: Callable[[], bool], timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            assert time.monotonic() < deadline, f"gave up waiting; the launcher said:\n{self.output}"
            time.sleep(0.05)

    def finish(self, timeout: float = 30.0) -> int:
        code = self.process.wait(timeout)
        self._reader.join(5.0)
        return code

    def pid(self, service: str) -> int:
        return int((self.work / f"{service}.pid").read_text())

    def log(self, service: str) -> str:
        return (self.work / "log" / f"{service}.log").read_text()


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def launchers() -> Iterator[list[Launcher]]:
    started: list[Launcher] = []
    yield started
    for launcher in started:
        if launcher.process.poll() is None:
            launcher.process.kill()
            launcher.finish()


def test_the_ready_line_comes_last_and_ctrl_c_stops_everything_with_status_0(
    work: Path, launchers: list[Launcher]
) -> None:
    launcher = Launcher(work)
    launchers.append(launcher)
    launcher.wait_until(lambda: "ready:" in launcher.output and (work / "bot.pid").exists())
    launcher.process.send_signal(signal.SIGINT)
    assert launcher.finish() == 0
    lines = launcher.output.splitlines()
    ready = lines.index("ready: polling Telegram as @karyar_bot")
    assert lines[ready + 1 :] == ["stopping… (Ctrl-C again to stop at once)", "stopped."]
    assert lines[0].startswith("Starting Rasa") and f"{work / 'log'}/ (rasa.log, bot.log" in lines[0]

    # Rasa's errors reach the terminal with their traceback; its warnings and notices stay in its log.
    assert (
        "rasa   | 2026-12-04 20:39:18 ERROR    rasa.core.processor  - The tracker store is unreachable"
        in lines
    )
    assert "rasa   | ConnectionError: refused" in lines
    for quiet in ("is not used in any story", "no model server", "up and running", "health and metrics"):
        assert quiet not in launcher.output
    assert "is not used in any story" in launcher.log("rasa") and "\x1b[" not in launcher.log("rasa")
    assert "no model server" in launcher.log("rasa") and "up and running" in launcher.log("rasa")
    # The bot's warnings are for the person starting it.
    assert any(line.startswith("bot    |") and "setMyCommands" in line for line in lines)
    assert _gone(launcher.pid("rasa")) and _gone(launcher.pid("bot"))


def test_a_service_that_stops_by_itself_stops_the_rest_and_shows_its_last_lines(
    work: Path, launchers: list[Launcher]
) -> None:
    launcher = Launcher(work, rasa="exit", bot_delay=0)
    launchers.append(launcher)
    assert launcher.finish() == 3
    assert f"error: rasa stopped by itself (exit code 3), so everything stops; the last lines of {work}" in (
        launcher.output
    )
    assert "  2026-12-04 20:39:19 INFO     root  - Rasa server is up and running." in launcher.output
    assert _gone(launcher.pid("bot"))


def test_a_second_ctrl_c_does_not_wait_for_a_service_that_ignores_the_first(
    work: Path, launchers: list[Launcher]
) -> None:
    launcher = Launcher(work, rasa="stubborn")
    launchers.append(launcher)
    launcher.wait_until(lambda: "ready:" in launcher.output and (work / "rasa.pid").exists())
    launcher.process.send_signal(signal.SIGINT)
    launcher.wait_until(lambda: "stopping…" in launcher.output)
    started = time.monotonic()
    launcher.process.send_signal(signal.SIGINT)
    assert launcher.finish() == 0
    assert time.monotonic() - started < 5  # not the 15 s a stop may otherwise take
    assert _gone(launcher.pid("rasa"))


def test_ctrl_c_in_a_terminal_ends_make_with_status_0_and_no_error(work: Path) -> None:
    (work / "Makefile").write_text(f"run:\n\t@{sys.executable} launcher.py {work} run 0.5\n")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    terminal = Terminal(["make", "--no-print-directory", "run"], cwd=work, env=env)
    try:
        terminal.wait_for("ready:", timeout=30)
        terminal.type(CTRL_C)
        assert terminal.process.wait(30) == 0
    finally:
        terminal.close()
    said = terminal.text()
    assert "stopped." in said and "make: ***" not in said and "Interrupt" not in said, said
    assert _gone(int((work / "rasa.pid").read_text()))


@pytest.mark.parametrize(
    ("line", "level"),
    [
        (UNUSED_UTTERANCE.removeprefix("\x1b[93m").removesuffix("\x1b[0m"), logging.WARNING),
        ("2026-12-04 20:39:18 INFO     rasa.core.processor  - Loading model", logging.INFO),
        ("2026-12-04 20:43:07,407 ERROR bot.relay: Rasa did not answer", logging.ERROR),
        ("INFO ops.migrate: upgraded", logging.INFO),
        ("[2026-12-04 20:39:18 +0000] [123] [WARNING] Sanic is slow", logging.WARNING),
        ("Configuration error: RASA_AUTH_TOKEN is not set", logging.ERROR),
        ("Traceback (most recent call last):", logging.ERROR),
    ],
)
def test_each_line_gets_the_level_of_its_record(line: str, level: int) -> None:
    assert LineLevels().level(line) == level


def test_a_record_s_continuation_lines_go_with_it_and_debug_shows_everything() -> None:
    levels = LineLevels()
    assert levels.level("2026-12-04 20:39:18 ERROR    rasa.core  - failed") == logging.ERROR
    assert levels.level("  File 'x.py', line 3") == logging.ERROR
    assert levels.level("2026-12-04 20:39:19 INFO     rasa.core  - fine") == logging.INFO
    assert (
        levels.level("Failed to read endpoint configuration from endpoints.yml. No such file.")
        == logging.INFO
    )
    rasa, actions, bot = SERVICES
    assert terminal_threshold(rasa, "INFO") == terminal_threshold(actions, "INFO") == logging.ERROR
    assert (
        terminal_threshold(bot, "INFO") == logging.WARNING
        and terminal_threshold(bot, "ERROR") == logging.ERROR
    )
    assert terminal_threshold(rasa, "DEBUG") == 0


FAKE_RASA_TRAIN = f"""#!{sys.executable}
import sys
import time
from pathlib import Path
args = sys.argv[1:]
print({UNUSED_UTTERANCE!r}, flush=True)
if "--fail" in Path(__file__).name:
    print("rasa.shared.exceptions.YamlSyntaxException: domain/x.yml line 3", flush=True)
    sys.exit(1)
with Path(__file__).with_suffix(".runs").open("a") as runs:
    runs.write("run\\n")
out, name = args[args.index("--out") + 1], args[args.index("--fixed-model-name") + 1]
with Path(out, name + ".tar.gz").open("wb") as model:
    model.write(b"mo")
    if "--slow" in Path(__file__).name:
        time.sleep(0.5)  # a training that takes a while: others asking for the model meanwhile must wait
    model.write(b"del")
"""


@pytest.fixture
def fake_training(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    def install(name: str) -> Path:
        rasa = tmp_path / name
        rasa.write_text(FAKE_RASA_TRAIN)
        rasa.chmod(0o755)
        monkeypatch.setattr(rasa_model, "RASA_BIN", rasa)
        monkeypatch.setattr(rasa_model, "MODELS_DIR", tmp_path / "models")
        monkeypatch.setattr(rasa_model, "TRAIN_LOG", tmp_path / "log" / "train.log")
        return tmp_path / "log" / "train.log"

    return install


def test_training_says_one_line_and_keeps_its_warnings_in_its_log(
    fake_training: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    log = fake_training("rasa")
    model = rasa_model.ensure_trained()
    assert model.read_bytes() == b"model"
    said = capsys.readouterr()
    assert (
        said.out == f"Training the Rasa model (about a minute; its output goes to {log})…\n" and not said.err
    )
    assert "is not used in any story" in log.read_text()


def test_processes_that_need_the_model_at_once_train_it_once_and_never_read_half_of_it(
    fake_training: Callable[[str], Path], tmp_path: Path
) -> None:
    fake_training("rasa--slow")
    with ThreadPoolExecutor(max_workers=3) as pool:
        models = list(pool.map(lambda _: rasa_model.ensure_trained(), range(3)))
    assert {model.read_bytes() for model in models} == {b"model"}
    assert (tmp_path / "rasa--slow.runs").read_text().splitlines() == ["run"]
    assert [p.name for p in (tmp_path / "models").iterdir() if p.name.startswith(".training-")] == []


def test_a_failed_training_shows_the_end_of_its_log(fake_training: Callable[[str], Path]) -> None:
    fake_training("rasa--fail")
    with pytest.raises(
        rasa_model.TrainingError, match=r"exit code 1; the last lines of .*train\.log"
    ) as failed:
        rasa_model.ensure_trained()
    assert "YamlSyntaxException: domain/x.yml line 3" in str(failed.value)

"""Run the product's three processes together (Rasa, the action server, the bot) and stop them together.

Each process's whole output goes to its log file (`var/log/<name>.log`; the previous run's is kept as
`<name>.log.1`). The terminal gets what a person needs: errors (and the bot's warnings), one line when
the product is ready, and the last lines of a process that stopped by itself. Rasa's warnings (unused
utterances, endpoints, versions) stay in its log unless LOG_LEVEL is DEBUG, which shows everything.

When one process ends, the others are stopped too, so a half-running product never looks like a working
one. Ctrl-C or SIGTERM stops all three and ends with status 0; a second Ctrl-C kills them at once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from bot.readiness import READY_PREFIX
from karyar.settings import PROJECT_ROOT
from ops.logfiles import LAUNCHER_LOG, LOG_DIR, rotate, shown_path, tail

# The bot prints one line starting with this once it can answer messages (bot/readiness.py).
STOP_SECONDS = 15.0


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    command: tuple[str, ...]
    # The least severe of its lines that reach the terminal at the default log level.
    terminal_level: int
    announces_ready: bool = False


SERVICES: tuple[Service, ...] = (
    Service("rasa", (sys.executable, "-m", "ops.cli", "serve-rasa"), logging.ERROR),
    Service("actions", (sys.executable, "-m", "ops.cli", "serve-actions"), logging.ERROR),
    Service("bot", (sys.executable, "-m", "bot"), logging.WARNING, announces_ready=True),
)

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_LEVELS = {"DEBUG": 10, "INFO": 20, "WARN": 30, "WARNING": 30, "ERROR": 40, "CRITICAL": 50, "FATAL": 50}
# A log record's first line: an optional timestamp (Rasa's, the bot's, Sanic's), then the level.
_RECORD = re.compile(
    r"^(?:\[?\d{4}-\d\d-\d\d[ T][\d:,.]+(?: ?[+-]\d{4})?\]?\s+)?(?:\[\d+\]\s+)?"
    r"\[?(?P<level>DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)\]?(?=[\s:])"
)
_ERROR_START = re.compile(r"^(?:Traceback \(most recent call last\):|(?:Configuration )?error:)", re.I)
_PYTHON_WARNING = re.compile(r"^\S.*:\d+: \w*Warning: ")


class LineLevels:
    """The level of each line of a process's output: that of the log record it belongs to, so the lines
    of a traceback or of a long message go wherever their first line goes."""

    def __init__(self) -> None:
        self._current = logging.INFO

    def level(self, line: str) -> int:
        if record := _RECORD.match(line):
            self._current = _LEVELS[record["level"]]
        elif _ERROR_START.match(line):
            self._current = logging.ERROR
        elif _PYTHON_WARNING.match(line):
            self._current = logging.WARNING
        return self._current


def terminal_threshold(service: Service, log_level: str) -> int:
    """DEBUG shows every line of every process; otherwise the stricter of the service's floor and LOG_LEVEL."""
    if log_level == "DEBUG":
        return 0
    return max(service.terminal_level, _LEVELS.get(log_level, logging.INFO))


@dataclass
class _Running:
    service: Service
    process: subprocess.Popen[bytes]
    log_path: Path
    reader: threading.Thread = field(init=False)


class Supervisor:
    """Starts the services, relays their output, and stops them all when one ends or a stop is asked."""

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        services: tuple[Service, ...] = SERVICES,
        log_dir: Path = LOG_DIR,
        log_level: str = "INFO",
        ready_line: Callable[[str], str] = lambda line: line,
    ) -> None:
        self._env = {**env, "PYTHONUNBUFFERED": "1"}  # lines reach the log as they are written
        self._services = services
        self._log_dir = log_dir
        self._log_level = log_level
        self._ready_line = ready_line
        self._say_lock = threading.Lock()
        self._changed = threading.Event()
        self._running: list[_Running] = []
        self._stop_asked = False

    def run(self) -> int:
        """Block until a stop is asked (0) or a service ends by itself (its exit code, at least 1)."""
        self._log_dir.mkdir(parents=True, exist_ok=True)
        names = ", ".join([*(f"{service.name}.log" for service in self._services), LAUNCHER_LOG])
        self.say(
            "Starting Rasa (it takes about a minute to load), the action server and the bot. "
            f"Logs: {shown_path(self._log_dir)}/ ({names}). Ctrl-C stops everything."
        )
        previous = {
            signum: signal.signal(signum, self._on_signal) for signum in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            for service in self._services:
                self._start(service)
            ended = self._wait_for_stop_or_end()
            if ended is None:
                self.say("stopping… (Ctrl-C again to stop at once)")
            else:
                self._report_unexpected_end(ended)
            self._stop_all()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if ended is None:
            self.say("stopped.")
            return 0
        code = ended.process.returncode
        return code if code > 0 else 1

    def say(self, line: str) -> None:
        with self._say_lock:
            print(line, flush=True)

    def _start(self, service: Service) -> None:
        log_path = self._log_dir / f"{service.name}.log"
        rotate(log_path)
        process = subprocess.Popen(
            service.command,
            cwd=PROJECT_ROOT,
            env=self._env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # stopped by us, in order, not by the terminal's Ctrl-C
        )
        running = _Running(service, process, log_path)
        running.reader = threading.Thread(target=self._relay, args=(running,), name=service.name, daemon=True)
        running.reader.start()
        self._running.append(running)

    def _relay(self, running: _Running) -> None:
        """Every line to the log file; the ones a person needs to the terminal."""
        levels = LineLevels()
        threshold = terminal_threshold(running.service, self._log_level)
        stream = running.process.stdout
        assert stream is not None
        with running.log_path.open("w", encoding="utf-8") as log:
            for raw in iter(stream.readline, b""):
                line = _ANSI.sub("", raw.decode("utf-8", "replace")).rstrip("\r\n")
                log.write(line + "\n")
                log.flush()
                if running.service.announces_ready and line.startswith(READY_PREFIX):
                    self.say(self._ready_line(line))
                elif levels.level(line) >= threshold and not self._stop_asked:  # stopping: logs only
                    self.say(f"{running.service.name:<7}| {line}")
        running.process.wait()
        self._changed.set()

    def _wait_for_stop_or_end(self) -> _Running | None:
        while True:
            self._changed.clear()
            if self._stop_asked:
                return None
            for running in self._running:
                if running.process.poll() is not None:
                    return running
            self._changed.wait(1.0)

    def _on_signal(self, _signum: int, _frame: FrameType | None) -> None:
        # Runs between two statements of the main thread, which may be printing: nothing printed here.
        if self._stop_asked:  # the second Ctrl-C: no more waiting
            self._signal_all(signal.SIGKILL)
            return
        self._stop_asked = True
        self._changed.set()

    def _report_unexpected_end(self, ended: _Running) -> None:
        ended.reader.join(5.0)  # its last lines are in the log
        self.say(
            f"error: {ended.service.name} stopped by itself (exit code {ended.process.returncode}), so "
            f"everything stops; the last lines of {shown_path(ended.log_path)}:"
        )
        for line in tail(ended.log_path):
            self.say(f"  {line}")

    def _signal_all(self, signum: int) -> None:
        for running in self._running:
            if running.process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(running.process.pid, signum)

    def _stop_all(self) -> None:
        self._signal_all(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for running in self._running:
            try:
                running.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._signal_all(signal.SIGKILL)
                running.process.wait()
        for running in self._running:
            running.reader.join(5.0)


def run_services(
    env: Mapping[str, str],
    *,
    log_dir: Path = LOG_DIR,
    log_level: str = "INFO",
    ready_line: Callable[[str], str] = lambda line: line,
) -> int:
    """Start the services with `env` and block until they stop; see Supervisor.run for the exit code."""
    return Supervisor(env, log_dir=log_dir, log_level=log_level, ready_line=ready_line).run()


@contextlib.contextmanager
def interrupts_for_this_process_only() -> Iterator[None]:
    """Ctrl-C reaches this process (and what it runs in its group) but not the `make` that started it.

    The terminal sends SIGINT to its whole foreground process group, and make, whatever its recipe does
    with the signal, then dies of it and reports an error. In a process group of its own that has the
    terminal's foreground, this process alone hears Ctrl-C and `make run` ends with its exit status. On
    the way out the process goes back to its group and the terminal to that group."""
    try:
        terminal = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:  # no terminal (a service manager, a test): nothing to do
        yield
        return
    group = os.getpgrp()
    # Not when in the background, nor when a shell already gave this process a group of its own.
    if os.tcgetpgrp(terminal) != group or group == os.getpid():
        os.close(terminal)
        yield
        return
    # Changing the terminal's foreground from outside it stops the process unless SIGTTOU is ignored; and
    # Ctrl-Z would stop this group with make waiting for it, a terminal nobody could use.
    ignored = {signum: signal.signal(signum, signal.SIG_IGN) for signum in (signal.SIGTTOU, signal.SIGTSTP)}
    try:
        _lead_the_terminal(terminal, os.getpid(), fallback=group)
        yield
    finally:
        _lead_the_terminal(terminal, group, fallback=group)
        for signum, handler in ignored.items():
            signal.signal(signum, handler)
        os.close(terminal)


def _lead_the_terminal(terminal: int, group: int, *, fallback: int) -> None:
    """Put this process in `group` (its own when it is its pid) and give that group the terminal; where the
    system refuses, stay in or go back to `fallback`, as started."""
    try:
        os.setpgid(0, group)
        os.tcsetpgrp(terminal, group)
    except OSError:
        with contextlib.suppress(OSError):
            os.setpgid(0, fallback)

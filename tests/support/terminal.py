"""A command in a pseudo-terminal of its own, as in a person's shell: Ctrl-C is typed, not sent as a signal."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import termios
import threading
import time
from collections.abc import Mapping
from pathlib import Path

CTRL_C = b"\x03"


class Terminal:
    def __init__(self, command: list[str], *, cwd: Path, env: Mapping[str, str]) -> None:
        self._master, slave = os.openpty()
        self._output = b""
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=dict(env),
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),  # the terminal becomes its own
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self._master, 4096)
            except OSError:  # the command and all it started have closed the terminal
                return
            if not chunk:
                return
            self._output += chunk

    def text(self) -> str:
        """What the terminal shows so far."""
        return self._output.decode("utf-8", "replace").replace("\r\n", "\n")

    def wait_for(self, fragment: str, *, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while fragment not in self.text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{fragment!r} never shown; the terminal shows:\n{self.text()}")
            time.sleep(0.1)

    def type(self, keys: bytes) -> None:
        os.write(self._master, keys)

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self._reader.join(5.0)
        os.close(self._master)

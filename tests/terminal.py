"""The real ``lobby-tui`` in a pseudo-terminal, for tests that need a real process (kill -9)."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


class Terminal:
    """``lobby-tui`` running on a 120×40 pseudo-terminal, typed into like a person would."""

    def __init__(self, *args: str, home: Path) -> None:
        self._master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_STATE_HOME": str(home / "state"),
        }
        for name in (
            "COLUMNS",
            "LINES",
            "NO_COLOR",
            "LOBBY_TUI_DB",
            "LOBBY_TUI_CONFIG",
            "LOBBY_TUI_STATE",
        ):
            env.pop(name, None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lobby_tui", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.screen = b""

    def wait_for(self, text: str, timeout: float = 20) -> None:
        """Read the terminal until ``text`` has been drawn (escape sequences removed)."""
        wanted = text.encode()
        deadline = time.monotonic() + timeout
        while wanted not in _ESCAPES.sub(b"", self.screen):
            left = deadline - time.monotonic()
            if left <= 0:
                shown = _ESCAPES.sub(b"", self.screen)[-800:]
                raise AssertionError(f"{text!r} never appeared; last output: {shown!r}")
            ready, _, _ = select.select([self._master], [], [], min(left, 0.2))
            if ready:
                try:
                    self.screen += os.read(self._master, 65536)
                except OSError:
                    break

    def type(self, keys: str) -> None:
        os.write(self._master, keys.encode())

    def kill(self) -> None:
        """kill -9: no clean-up of any kind runs in the app."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        os.close(self._master)

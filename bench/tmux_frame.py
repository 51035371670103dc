"""Section tmux_frame: the first frame in a real terminal emulator (tmux), against bare Textual.

Budget: lobby-tui's first frame within 1.3 × that of the bare header-footer app
(bare_app.py). first_frame reads the pty's bytes, which shows the first frame as soon as it is
written; here a terminal emulator has to take the bytes in and draw them, as a user sees them.

A private tmux server (its own socket, no user configuration) is started once and kept alive by a
holding session. For each run a new 120x40 session starts the app; the clock runs from just
before that `tmux new-session` to the first look at the pane (`tmux capture-pane`, every 5 ms)
that shows the app's marker text: "Staff" for the sign-in screen, "BARE_READY" for the bare app.
The two apps alternate, A B A B …, 9 runs each by default. Without tmux the section says so and
measures nothing; that is not a failure.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from bare_app import MARKER as BARE_MARKER
from first_frame import (
    BARE_APP,
    COLUMNS,
    ROWS,
    Contender,
    _ours,
    _terminal_env,
    race_rows,
)
from results import BenchError, Row, SectionResult

POLL = 0.005
RUNS = 9
MARKER_TIMEOUT = 15.0
QUIT_GRACE = 2.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("tmux_frame")
    group.add_argument(
        "--tmux-runs", type=int, default=RUNS, help=f"measured runs per app (default: {RUNS})"
    )


def run(args: argparse.Namespace) -> SectionResult:
    tmux = shutil.which("tmux")
    if tmux is None:
        return SectionResult(
            [Row("first frame in tmux", "not measured: tmux missing")],
            {"status": "not measured: tmux missing"},
        )
    runs = max(2, args.tmux_runs)
    with tempfile.TemporaryDirectory(prefix="lobby-bench-tmux-") as workdir:
        bare = Contender("bare", [sys.executable, str(BARE_APP)], BARE_MARKER)
        ours = _ours(args, Path(workdir))
        with _Server(tmux, Path(workdir) / "socket") as server:
            timings: dict[str, list[float]] = {bare.label: [], ours.label: []}
            warmup = min(args.warmup, 1)
            for round_no in range(warmup + runs):
                for contender in (bare, ours):
                    seconds = server.first_frame(contender, f"r{round_no}{contender.label}")
                    if round_no >= warmup:
                        timings[contender.label].append(seconds)

    bare_s, ours_s = timings[bare.label], timings[ours.label]
    ratio, within, rows = race_rows(bare_s, ours_s, "ours / bare in tmux (medians)")
    notes = [
        f"{runs} runs each after {warmup} warm-up round, alternating; the pane read every"
        f" {POLL * 1000:.0f} ms with tmux capture-pane"
    ]
    data = {
        "runs": runs,
        "poll_ms": POLL * 1000,
        "ratio_of_medians": ratio,
        "within_budget": within,
        "samples_ms": {"bare": [t * 1000 for t in bare_s], "ours": [t * 1000 for t in ours_s]},
    }
    return SectionResult(rows, data, notes)


class _Server:
    """A tmux server of our own, kept up by a holding session while the runs start and end."""

    def __init__(self, tmux: str, socket: Path) -> None:
        self._base = [tmux, "-S", str(socket), "-f", os.devnull]
        self._env = _terminal_env()

    def __enter__(self) -> _Server:
        # The server's environment is what every session's app inherits.
        self._tmux("new-session", "-d", "-s", "hold", "-x", str(COLUMNS), "-y", str(ROWS))
        return self

    def __exit__(self, *_exc: object) -> None:
        with contextlib.suppress(BenchError):
            self._tmux("kill-server")

    def first_frame(self, contender: Contender, name: str) -> float:
        """Seconds from starting `contender` in a new session to its marker on the pane."""
        started = time.perf_counter()
        self.start(name, contender.argv)
        try:
            shown, _ = self.until(name, contender.marker)
            return shown - started
        finally:
            self._end(name)

    def start(self, name: str, argv: list[str]) -> None:
        size = ("-x", str(COLUMNS), "-y", str(ROWS))
        self._tmux("new-session", "-d", "-s", name, *size, "--", *argv)

    def keys(self, name: str, *keys: str) -> None:
        self._tmux("send-keys", "-t", name, *keys)

    def until(self, name: str, *markers: str) -> tuple[float, str]:
        """When the first of ``markers`` was on the pane (looked at every 5 ms), and which."""
        started = time.perf_counter()
        while True:
            text = self._tmux("capture-pane", "-p", "-t", name, check=False)
            for marker in markers:
                if marker in text:
                    return time.perf_counter(), marker
            if time.perf_counter() - started > MARKER_TIMEOUT:
                raise BenchError(
                    f"tmux: none of {markers!r} on the pane within {MARKER_TIMEOUT:.0f} s;"
                    " the pane shows:",
                    text.strip()[-500:],
                )
            time.sleep(POLL)

    def end(self, name: str) -> None:
        self._end(name)

    def _end(self, name: str) -> None:
        """Close the session and wait for its app to be gone, so runs never overlap."""
        pid_text = self._tmux("display-message", "-p", "-t", name, "#{pane_pid}", check=False)
        self._tmux("kill-session", "-t", name, check=False)
        if not pid_text.strip().isdigit():
            return
        pid = int(pid_text)
        deadline = time.perf_counter() + QUIT_GRACE
        while _alive(pid):
            if time.perf_counter() > deadline:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                break
            time.sleep(0.01)

    def _tmux(self, *command: str, check: bool = True) -> str:
        try:
            done = subprocess.run(
                [*self._base, *command],
                capture_output=True,
                encoding="utf-8",
                errors="replace",
                env=self._env,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise BenchError(f"tmux {command[0]} failed: {error}") from error
        if check and done.returncode != 0:
            raise BenchError(f"tmux {command[0]} failed: {done.stderr.strip() or 'no message'}")
        return done.stdout


def f7_in_tmux(db: Path, staff_no: str, pin: str, runs: int) -> dict[str, list[float]] | None:
    """Seconds from F7 sent to tmux until the first page, then the filter row, are on the pane:
    lobby-tui on ``db`` in English, signed in as ``staff_no``; None without tmux.

    The page is on the pane when its status line is ("entries in view"), the filter row when
    its first Select is ("Any kind"). Esc back to the desk between runs.
    """
    tmux = shutil.which("tmux")
    if tmux is None:
        return None
    exe = Path(sysconfig.get_path("scripts")) / "lobby-tui"
    found: dict[str, list[float]] = {"page": [], "filter_row": []}
    with tempfile.TemporaryDirectory(prefix="lobby-bench-f7-") as workdir:
        state = Path(workdir) / "state"
        argv = ["env", f"LOBBY_TUI_STATE={state}", str(exe), "--db", str(db), "--lang", "en"]
        with _Server(tmux, Path(workdir) / "socket") as server:
            server.start("f7", argv)
            try:
                server.until("f7", "Staff number")
                for key in (staff_no, "Enter", pin, "Enter"):
                    server.keys("f7", key)
                    time.sleep(0.2)
                _, shown = server.until("f7", "Handover from the last shift", "Today's duty log")
                if shown.startswith("Handover"):
                    server.keys("f7", "Enter")  # read, then acknowledged
                    server.until("f7", "Today's duty log")
                for _ in range(runs):
                    time.sleep(0.3)
                    started = time.perf_counter()
                    server.keys("f7", "F7")
                    page, _ = server.until("f7", "entries in view")
                    row, _ = server.until("f7", "Any kind")
                    found["page"].append(page - started)
                    found["filter_row"].append(row - started)
                    time.sleep(0.3)
                    server.keys("f7", "Escape")
                    server.until("f7", "Today's duty log")
            finally:
                server.end("f7")
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A child of the tmux server, not ours: once it has exited it is gone, not a zombie of ours.
    return True

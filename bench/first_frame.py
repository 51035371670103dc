"""Section first_frame: process start to the sign-in screen, against a bare Textual app.

Budget: lobby-tui's first frame within 1.3 × that of a bare Textual app with header
and footer, same machine, same run. Both apps run in a real pseudo-terminal, so the time includes
interpreter start-up, imports, compose and the first write to the terminal — what a user waits for.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import fcntl
import os
import re
import select
import shlex
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import sysconfig
import tempfile
import termios
import time
from dataclasses import dataclass
from pathlib import Path

from bare_app import MARKER as BARE_MARKER
from results import BenchError, Row, SectionResult, ms, percentile, verdict

BUDGET_RATIO = 1.3
COLUMNS, ROWS = 120, 40
TERM = "xterm-256color"
MARKER_TIMEOUT = 10.0
QUIT_GRACE = 2.0
CTRL_Q = b"\x11"
TAIL_BYTES = 500
# The sign-in screen's first field is labelled "Staff number"; one word, so no space to split it.
SIGNIN_MARKER = "Staff"
BENCH_PIN = "999999"

BARE_APP = Path(__file__).with_name("bare_app.py")
# Where the apps' bytecode is cached between runs: under bench/out, so that the bench writes no
# __pycache__ into the source tree, and shared by both apps so neither is favoured.
PYCACHE = Path(__file__).with_name("out") / "pycache"

# Variables that would make the app believe something other than what the pty says (size, colour)
# or run differently from a user's session (TEXTUAL_DEBUG, TEXTUAL_FPS, …).
_ENV_OVERRIDES = frozenset({"COLUMNS", "LINES", "NO_COLOR"})

_ESCAPE = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: cursor moves, colours, modes
    rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: window title, hyperlinks
    rb"|\x1b[PX^_].*?\x1b\\"  # DCS, SOS, PM, APC strings
    # Two- or three-byte escapes (ESC 7, ESC =, ESC ( B); the introducers above are left out so
    # that a CSI or OSC cut off at the end of a read is not mistaken for a finished escape.
    rb"|\x1b[ -/]*[0-OQ-WYZ\\`-~]",
    re.DOTALL,
)


@dataclass(frozen=True)
class Contender:
    """One app in the race: how to start it, and the text whose appearance means it has drawn."""

    label: str
    argv: list[str]
    marker: str


@dataclass(frozen=True)
class Timing:
    """One run: seconds from just before spawning to the marker on the terminal."""

    seconds: float
    # False when the app ignored ctrl+q and had to be killed; the timing itself is still valid.
    quit_cleanly: bool


class MarkerScanner:
    """Finds a marker in a terminal byte stream fed chunk by chunk, ignoring escape sequences.

    Searching the text with the escapes removed finds the marker even when the renderer splits it
    with a style change, and does not find it inside an escape that never reaches the screen (a
    window title, say).
    """

    # An unfinished escape is held back until its end arrives; this much and it was never one.
    _MAX_PENDING = 4096

    def __init__(self, marker: str) -> None:
        self._marker = marker.encode()
        self._pending = b""
        # The last text bytes, for a marker split across two reads.
        self._carry = b""

    def feed(self, chunk: bytes) -> bool:
        """Take the next bytes of output; True once the marker has been seen."""
        data = self._pending + chunk
        finished = 0
        for match in _ESCAPE.finditer(data):
            finished = match.end()
        cut = data.find(b"\x1b", finished)
        if cut == -1 or len(data) - cut > self._MAX_PENDING:
            cut = len(data)
        self._pending = data[cut:]
        text = self._carry + _ESCAPE.sub(b"", data[:cut])
        keep = len(self._marker) - 1
        self._carry = text[max(0, len(text) - keep) :] if keep else b""
        return self._marker in text


def race_rows(bare_s: list[float], ours_s: list[float], name: str) -> tuple[float, bool, list[Row]]:
    """The ratio of the medians, whether it is within the budget, and the rows that say so:
    each contender's median and p90, then the ratio with its verdict."""
    ratio = statistics.median(ours_s) / statistics.median(bare_s)
    within = ratio <= BUDGET_RATIO
    rows = [
        Row(f"{label}: median / p90", f"{ms(statistics.median(s))} / {ms(percentile(s, 90))}")
        for label, s in (("bare", bare_s), ("ours", ours_s))
    ]
    rows.append(Row(name, f"{ratio:.2f}×", f"≤ {BUDGET_RATIO}×", verdict(within)))
    return ratio, within, rows


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options only this section reads."""
    group = parser.add_argument_group("first_frame")
    group.add_argument(
        "--ours-cmd",
        metavar="CMD",
        help="time this command instead of lobby-tui (shell-style quoting; no database is set up),"
        " e.g. to check the harness with the bare app against itself",
    )
    group.add_argument(
        "--ours-marker",
        metavar="TEXT",
        default=SIGNIN_MARKER,
        help=f"text on screen that marks our first frame (default: {SIGNIN_MARKER!r})",
    )


def run(args: argparse.Namespace) -> SectionResult:
    """Race the bare app against ours, ABAB…, and compare the medians with the budget."""
    with tempfile.TemporaryDirectory(prefix="lobby-bench-") as workdir:
        bare = Contender("bare", [sys.executable, str(BARE_APP)], BARE_MARKER)
        ours = _ours(args, Path(workdir))
        timings = _race((bare, ours), args.warmup, args.runs)

    bare_s = [t.seconds for t in timings[bare.label]]
    ours_s = [t.seconds for t in timings[ours.label]]
    ratio, within, rows = race_rows(bare_s, ours_s, "ours / bare (medians)")

    notes = []
    if args.ours_cmd:
        notes.append(f"'ours' is the --ours-cmd override: {args.ours_cmd}")
    for contender in (bare, ours):
        killed = sum(not t.quit_cleanly for t in timings[contender.label])
        if killed:
            notes.append(
                f"{contender.label}: {killed} of {args.runs} runs ignored ctrl+q and were killed"
                f" after {QUIT_GRACE:.0f} s (their timings stand)"
            )

    data = {
        "terminal": f"{COLUMNS}x{ROWS} {TERM}",
        "runs": args.runs,
        "warmup": args.warmup,
        "budget_ratio": BUDGET_RATIO,
        "ratio_of_medians": ratio,
        "within_budget": within,
        "contenders": {
            c.label: {
                "argv": c.argv,
                "marker": c.marker,
                "median_ms": statistics.median(s) * 1000,
                "p90_ms": percentile(s, 90) * 1000,
                "samples_ms": [t * 1000 for t in s],
            }
            for c, s in ((bare, bare_s), (ours, ours_s))
        },
    }
    return SectionResult(rows, data, notes)


def _ours(args: argparse.Namespace, workdir: Path) -> Contender:
    """lobby-tui on a freshly set-up database (so it opens on sign-in), or the override command."""
    if args.ours_cmd:
        argv = shlex.split(args.ours_cmd)
        if not argv or shutil.which(argv[0]) is None:
            raise BenchError(f"--ours-cmd: {args.ours_cmd!r} is not a command that can be run")
        return Contender("ours", argv, args.ours_marker)

    # The console script next to the interpreter running the bench, i.e. .venv/bin/lobby-tui.
    exe = Path(sysconfig.get_path("scripts")) / "lobby-tui"
    if not exe.exists():
        raise BenchError(
            f"{exe} does not exist yet; install the package (make bench does) or pass --ours-cmd"
        )
    database = workdir / "bench.sqlite"
    _init_database(exe, database)
    return Contender("ours", [str(exe), "--db", str(database), "--lang", "en"], args.ours_marker)


def _init_database(exe: Path, database: Path) -> None:
    """Run `lobby-tui init` so that the app starts on sign-in rather than first-run setup."""
    argv = [
        str(exe), "--db", str(database), "init",
        "--branch-code", "B001", "--branch-name", "Bench",
        "--admin", "9001", "--admin-name", "Bench", "--pin-stdin",
    ]  # fmt: skip
    try:
        done = subprocess.run(
            argv,
            input=f"{BENCH_PIN}\n",
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            timeout=60,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"`{exe.name} init` did not finish within 60 s") from error
    if done.returncode != 0:
        output = (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()
        raise BenchError(f"`{exe.name} init` failed (exit {done.returncode}): {output[-1]}")


def _race(contenders: tuple[Contender, ...], warmup: int, runs: int) -> dict[str, list[Timing]]:
    """Run the contenders in turn, A B A B …, and keep the timings after the warm-up rounds.

    Alternating spreads a burst of machine noise over both apps instead of over all runs of one;
    the warm-up rounds fill the page cache and write the .pyc files that every later run reuses.
    """
    timings: dict[str, list[Timing]] = {c.label: [] for c in contenders}
    rounds = warmup + runs
    for round_no in range(rounds):
        _progress(f"first_frame: round {round_no + 1}/{rounds} ({warmup} warm-up)")
        for contender in contenders:
            timing = time_first_frame(contender)
            if round_no >= warmup:
                timings[contender.label].append(timing)
    _progress("")
    return timings


def time_first_frame(contender: Contender) -> Timing:
    """Start the app in a fresh 120x40 pty, time it to its marker, then make it quit."""
    master, slave = os.openpty()
    try:
        # Sized before the child starts: Textual reads the size once at start-up, and a later
        # change would cost a resize and a second frame.
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        started = time.perf_counter()
        process = subprocess.Popen(
            contender.argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=_terminal_env(),
            start_new_session=True,
            preexec_fn=_adopt_terminal,
        )
    except OSError as error:
        os.close(master)
        raise BenchError(f"{contender.label}: cannot start {contender.argv[0]}: {error}") from error
    finally:
        # The child has its own copy; ours would keep the slave open and hide the child's exit.
        os.close(slave)

    try:
        seconds = _wait_for_marker(process, master, contender, started)
        quit_cleanly = _quit(process, master)
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        os.close(master)
    return Timing(seconds, quit_cleanly)


def _wait_for_marker(
    process: subprocess.Popen[bytes], master: int, contender: Contender, started: float
) -> float:
    """Read the terminal until the marker shows; seconds since `started`."""
    scanner = MarkerScanner(contender.marker)
    tail = b""
    deadline = started + MARKER_TIMEOUT
    while (remaining := deadline - time.perf_counter()) > 0:
        chunk = _read(master, remaining)
        # Taken before scanning, so that the harness's own work is not charged to the app.
        arrived = time.perf_counter()
        if chunk is None:
            raise BenchError(
                f"{contender.label}: exited with code {process.wait()} before showing"
                f" {contender.marker!r}; last {TAIL_BYTES} bytes of output:",
                _printable(tail),
            )
        if scanner.feed(chunk):
            return arrived - started
        tail = (tail + chunk)[-TAIL_BYTES:]
    raise BenchError(
        f"{contender.label}: {contender.marker!r} not on screen within {MARKER_TIMEOUT:.0f} s;"
        f" last {TAIL_BYTES} bytes of output:",
        _printable(tail),
    )


def _quit(process: subprocess.Popen[bytes], master: int) -> bool:
    """Press ctrl+q; kill the app if it is still there after QUIT_GRACE. True if it left itself."""
    # The app may already be gone (a write to a pty with no slave fails); the wait below says so.
    with contextlib.suppress(OSError):
        os.write(master, CTRL_Q)
    deadline = time.perf_counter() + QUIT_GRACE
    while process.poll() is None:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return False
        # Keep draining: an app blocked writing its goodbye to a full pty would never exit.
        if _read(master, min(remaining, 0.05)) is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=remaining)
    return True


def _read(fd: int, timeout: float) -> bytes | None:
    """What the child has written: b"" if nothing within `timeout`, None once it closed the pty."""
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return b""
    try:
        data = os.read(fd, 65536)
    except OSError as error:
        # Linux reports a pty whose slave side has closed with EIO rather than an empty read.
        if error.errno == errno.EIO:
            return None
        raise
    return data or None


def _terminal_env() -> dict[str, str]:
    """Our environment as a user's terminal session would have it: the pty speaks for itself."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in _ENV_OVERRIDES and not name.startswith("TEXTUAL_")
    }
    env["TERM"] = TERM
    # A user starts an installed app whose bytecode is cached; without this, a development shell's
    # PYTHONDONTWRITEBYTECODE would charge every run with compiling lobby_tui (not site-packages,
    # compiled at install) and tilt the ratio against us.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def _adopt_terminal() -> None:
    """In the child, after setsid: take the pty as controlling terminal, as in a real session."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _printable(output: bytes) -> str:
    """Raw terminal output made safe to print: escapes shown, not obeyed."""
    return repr(output.decode("utf-8", errors="replace"))


def _progress(message: str) -> None:
    """A one-line status on an interactive stderr, overwritten in place; silent in CI logs."""
    if sys.stderr.isatty():
        sys.stderr.write(f"\r\x1b[2K{message}")
        sys.stderr.flush()

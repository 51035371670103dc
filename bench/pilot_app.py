"""Driving the real app headless with Textual's Pilot, for the sections that type into it.

The app runs as a user's session would: `LobbyApp` on a real SQLite file, signed in through the
sign-in screen, with its write queue and workers. Anything the app raises becomes one BenchError
line, so the report never shows a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import threading
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from results import BenchError

if TYPE_CHECKING:
    from textual.message import Message
    from textual.pilot import Pilot

    from lobby_tui.app import LobbyApp

T = TypeVar("T")
SIZE = (120, 40)
# Long enough for the slowest start-up or save; short enough that a stuck app fails the section.
SETTLE_TIMEOUT = 60.0


def run_app(drive: Callable[[], Awaitable[T]]) -> T:
    """Run `drive` in a fresh event loop; an exception from it or the app is one BenchError."""
    try:
        return asyncio.run(drive())
    except BenchError:
        raise
    except Exception as error:
        first_line = (str(error).strip() or "no message").splitlines()[0]
        raise BenchError(
            f"the app failed: {type(error).__name__}: {first_line} ({_where(error)})"
        ) from error


def _where(error: Exception) -> str:
    """The innermost frame of ours that the error passed through, else the innermost of all."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if f"{os.sep}lobby_tui{os.sep}" in frame.filename]
    frame = (ours or frames)[-1]
    return f"{os.path.relpath(frame.filename)}:{frame.lineno} in {frame.name}"


@contextlib.asynccontextmanager
async def signed_in(
    db: Path, staff_no: str, pin: str, message_hook: Callable[[Message], None] | None = None
) -> AsyncIterator[Pilot]:
    """The app on `db`, in English, signed in as `staff_no` (the last handover acknowledged)
    and showing the duty desk.

    `message_hook` sees every message as it is dispatched, just before its handler runs.
    """
    # Imported here so that `bench/run.py --help` and the other sections stay quick.
    from rich.console import Console

    from lobby_tui.app import LobbyApp
    from lobby_tui.config import Settings

    # Saves kept while they wait go beside the bench's database, not into the user's folder.
    app = LobbyApp(Settings(db=str(db), language="en", state_dir=db.parent / "state"))
    # An error in the app reaches run_app, which reports it in one line; Textual would also print
    # its traceback at exit, burying the report.
    app.error_console = Console(file=io.StringIO())
    async with app.run_test(size=SIZE, message_hook=message_hook) as pilot:
        await settle(pilot)
        await pilot.press(*staff_no, "enter", *pin, "enter")
        await settle(pilot)
        if app.screen.id == "handover":
            # The last shift's handover note comes first, as for staff: read, then acknowledged.
            await pilot.press("enter")
            await settle(pilot)
        if app.screen.id != "desk":
            raise BenchError(
                f"signing in as {staff_no} did not reach the duty desk"
                f" (the screen is {app.screen.id or type(app.screen).__name__})"
            )
        yield pilot


async def settle(pilot: Pilot) -> None:
    """Let the app's database work finish and its messages be handled: the queued saves, then
    the workers that read (the write queue's own worker runs for the whole session)."""
    try:
        async with asyncio.timeout(SETTLE_TIMEOUT):
            for _ in range(3):
                await pilot.pause()
                await _quiet(pilot.app)
                await pilot.pause()
    except TimeoutError as error:
        raise BenchError(f"the app was still busy after {SETTLE_TIMEOUT:.0f} s") from error


async def quiet(app: LobbyApp) -> None:
    """Wait for the database work under way, without the pauses of `settle`: quick enough to
    run between two timed keys."""
    try:
        async with asyncio.timeout(SETTLE_TIMEOUT):
            await _quiet(app)
    except TimeoutError as error:
        raise BenchError(f"the app was still busy after {SETTLE_TIMEOUT:.0f} s") from error


async def _quiet(app: LobbyApp) -> None:
    await _writes_done(app)
    readers = [worker for worker in app.workers if worker.group != "writes"]
    if readers:  # an empty list would mean "every worker", the write queue's too
        await app.workers.wait_for_complete(readers)


async def _writes_done(app: LobbyApp) -> None:
    """Wait until the app's write queue is empty.

    The wait blocks a thread; a daemon one, so that a queue that never empties (its worker gone)
    costs the timeout above rather than a process that cannot exit.
    """
    loop = asyncio.get_running_loop()
    done = loop.create_future()

    def wait() -> None:
        app.writes.wait_until_empty()
        with contextlib.suppress(RuntimeError):  # the loop closed while we waited
            loop.call_soon_threadsafe(lambda: done.done() or done.set_result(None))

    threading.Thread(target=wait, name="bench-settle", daemon=True).start()
    await done

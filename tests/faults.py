"""Real faults for the fault suite: a write lock held by another process's connection, a disk
that fills up, and waiting for the app's background retries to land."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.store_fixtures import rows

# The fault tests wait fractions of a second where a terminal waits seconds.
FAST = {"busy_timeout": 0.2, "save_retry": 0.1}


class WriteLock:
    """``BEGIN EXCLUSIVE`` on the file, as another terminal or the sqlite3 shell would hold it."""

    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(path, isolation_level=None, timeout=10)
        self._connection.execute("BEGIN EXCLUSIVE")

    def execute(self, sql: str, *params: object) -> None:
        """A change made by the holder of the lock, committed when it is released."""
        self._connection.execute(sql, params)

    def release(self) -> None:
        if self._connection is not None:
            self._connection.execute("COMMIT")
            self._connection.close()
            self._connection = None


@contextmanager
def write_lock(path: Path) -> Iterator[WriteLock]:
    lock = WriteLock(path)
    try:
        yield lock
    finally:
        lock.release()


async def until(pilot, condition: Callable[[], bool], timeout: float = 20) -> None:
    """Let the app run until ``condition`` holds (a background retry has landed, say)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the app never got there")
        await pilot.pause(0.05)


def notes_in(path: Path) -> list[str]:
    notes = rows(path, "SELECT text FROM entry WHERE kind = 'note' ORDER BY id")
    return [text for (text,) in notes]


class SmallDisk:
    """A 2 MB tmpfs mounted for the test: a disk that really fills up (needs root, as CI is)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True)
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)],
            check=True,
            capture_output=True,
        )
        self._filler = folder / "filler"

    def fill(self) -> None:
        """Write a file until the disk has no room left."""
        block = b"\0" * 4096
        fd = os.open(self._filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            while os.write(fd, block):
                pass
        except OSError:
            pass  # no space left on the device: full
        finally:
            os.close(fd)

    def free(self) -> None:
        self._filler.unlink(missing_ok=True)

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.folder)], check=False, capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)

"""Where an export is written: a file replaced only once complete, a device or a FIFO written in
place, or standard output.

``--out`` may name anything a shell would write to. A regular file (or a name not taken yet) is
written to a temporary file in the same folder, fsynced and renamed over it, so a failed export
never leaves a file that looks like an empty or partial one. A character device, a FIFO or a
socket is written directly: replacing it with a plain file would lose the node (a printer, a
pipe another program reads, ``/dev/null``). A symbolic link is followed, and what it points to
is written by the same rules; the link itself stays.

Modes: a new file gets the mode the umask gives (as ``>`` in a shell would); a regular file
that is replaced keeps its mode, so an export a branch made readable to its reporting group
stays readable to it.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

# ``--out -``: standard output, as for other tools.
STDOUT = "-"
_BUFFER = 1 << 16


@contextmanager
def opened(target: str | os.PathLike[str] | None) -> Iterator[BinaryIO]:
    """A binary stream to write an export to ``target`` (a path, or None or ``-`` for standard
    output). The export is in place when the block ends without an exception; after one, a
    regular file at ``target`` is as it was."""
    if target is None or str(target) == STDOUT:
        out = sys.stdout.buffer
        yield out
        out.flush()
        return
    path = Path(os.path.realpath(target))
    try:
        found = os.stat(path)
    except FileNotFoundError:
        found = None
    if found is not None and stat.S_ISDIR(found.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    if found is not None and not stat.S_ISREG(found.st_mode):
        with _open_in_place(path) as out:
            yield out
        return
    with _replaced(path, None if found is None else stat.S_IMODE(found.st_mode)) as out:
        yield out


@contextmanager
def _open_in_place(path: Path) -> Iterator[BinaryIO]:
    # Neither created nor truncated: a device or a FIFO has nothing to truncate.
    handle = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    with os.fdopen(handle, "wb", buffering=_BUFFER) as out:
        yield out


@contextmanager
def _replaced(path: Path, mode: int | None) -> Iterator[BinaryIO]:
    """Write a temporary file beside ``path`` and rename it over ``path`` once complete.

    ``mode``: the mode of the file replaced; None for a new file, created with 0o666 less the
    umask by the system itself (reading the umask would mean changing it, for every thread).
    """
    while True:
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        try:
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(handle, "wb", buffering=_BUFFER) as out:
            if mode is not None:
                os.fchmod(out.fileno(), mode)
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    # The rename is durable once the folder is: a power cut then keeps the new export.
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass  # some file systems cannot sync a folder; the file itself is synced
    finally:
        os.close(handle)

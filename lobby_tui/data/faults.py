"""What went wrong with the database, in words staff can act on (docs/faults.md).

A fault is a state of the database or the machine that retrying can get past once it clears —
a write lock held too long, a full disk, a read-only file, an I/O error, a server out of
reach — as against a refusal (a value, a permission) that no retry changes.
"""

from __future__ import annotations

import errno
import sqlite3
from enum import StrEnum

from sqlalchemy import exc

from lobby_tui.locale import N_


class Fault(StrEnum):
    BUSY = "busy"
    DISK_FULL = "disk_full"
    READ_ONLY = "read_only"
    IO = "io"
    DAMAGED = "damaged"
    UNREACHABLE = "unreachable"


# Said after "N waiting to save": why they wait.
FAULT_LABELS = {
    Fault.BUSY: N_("the database is busy"),
    Fault.DISK_FULL: N_("the disk is full"),
    Fault.READ_ONLY: N_("the database is read-only"),
    Fault.IO: N_("the disk cannot be written"),
    Fault.DAMAGED: N_("the database file is damaged"),
    Fault.UNREACHABLE: N_("the database server is out of reach"),
}

# SQLite's own messages, as its C library words them.
_SQLITE_MESSAGES = (
    ("database is locked", Fault.BUSY),
    ("database table is locked", Fault.BUSY),
    ("database or disk is full", Fault.DISK_FULL),
    ("readonly database", Fault.READ_ONLY),
    ("disk i/o error", Fault.IO),
    ("unable to open database file", Fault.IO),
    ("malformed", Fault.DAMAGED),
    ("file is not a database", Fault.DAMAGED),
)

_OS_ERRORS = {
    errno.ENOSPC: Fault.DISK_FULL,
    errno.EDQUOT: Fault.DISK_FULL,
    errno.EROFS: Fault.READ_ONLY,
    errno.EACCES: Fault.READ_ONLY,
    errno.EPERM: Fault.READ_ONLY,
    errno.EIO: Fault.IO,
}


def fault_of(error: BaseException) -> Fault | None:
    """The fault behind ``error``, or None when it is a refusal retrying cannot change."""
    original = getattr(error, "orig", None) or error
    if isinstance(original, sqlite3.Error):
        message = str(original).lower()
        return next((fault for words, fault in _SQLITE_MESSAGES if words in message), None)
    if isinstance(original, OSError):
        return _OS_ERRORS.get(original.errno or 0, Fault.IO)
    if isinstance(error, exc.OperationalError | exc.InterfaceError | exc.TimeoutError) or (
        isinstance(error, exc.DBAPIError) and error.connection_invalidated
    ):
        # A server that does not answer, or a connection lost on the way (PostgreSQL).
        return Fault.UNREACHABLE
    return None

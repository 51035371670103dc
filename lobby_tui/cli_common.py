"""What the ``lobby-tui`` subcommands share: the one-line error, opening the database, asking
for a PIN, starting the TUI. Imports nothing of the database layer until a function needs it.
"""

from __future__ import annotations

import gc
import getpass
import os
import sys
from pathlib import Path

from lobby_tui.config import Settings, default_db_path, demo_db_path
from lobby_tui.locale import _


class CliError(Exception):
    """An error to print as one line before exiting with status 1."""


def run_tui(settings: Settings) -> int:
    ensure_directory(settings.db)
    # No garbage collections while Textual and the app load and draw the sign-in screen: they
    # make hundreds of thousands of objects that all live on, and scanning them again and
    # again (about 100 young and 10 older collections) cost some 5 ms of CPU before the first
    # frame. The App turns collection back on once that frame is drawn (app_start.collect_again).
    gc.disable()
    try:
        from lobby_tui.app import LobbyApp

        LobbyApp(settings).run()
    finally:
        gc.enable()
    return 0


def ensure_directory(db: str) -> None:
    if "://" in db:
        return
    parent = Path(db).expanduser().parent
    if Path(db).expanduser() in (default_db_path(), demo_db_path()):
        parent.mkdir(parents=True, exist_ok=True)
    elif not parent.is_dir():
        raise CliError(_("no such directory: {path}").format(path=parent))


def open_store(settings: Settings, *, must_exist: bool = True):
    from lobby_tui.data.store import Store

    db = settings.db
    if "://" not in db:
        path = Path(db).expanduser()
        if must_exist and not path.exists():
            raise CliError(_("no such database file: {path}").format(path=path))
        ensure_directory(db)
    return Store.open(db, create=not must_exist)


def read_pin(from_stdin: bool, prompt: str) -> str:
    if from_stdin:
        pin = sys.stdin.readline().rstrip("\r\n")
        if not pin:
            raise CliError(_("no PIN on standard input"))
        return pin
    if not sys.stdin.isatty():
        raise CliError(_("no terminal to ask for the PIN: use --pin-stdin"))
    first = getpass.getpass(prompt)
    if getpass.getpass(_("PIN again: ")) != first:
        raise CliError(_("the two PINs differ"))
    return first


def refusal(error: Exception) -> CliError:
    """A data-layer refusal (validation, permission) as a CLI error in the session's language."""
    return CliError(_(getattr(error, "message", None) or str(error)))


def drop_stdout() -> None:
    """Point standard output at the null device: what is still buffered for a reader gone or a
    full disk would otherwise fail again, as a traceback, when Python flushes it at exit."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

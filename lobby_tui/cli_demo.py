"""``lobby-tui demo``: build a demo database (never over a real duty log) and open it."""

from __future__ import annotations

import argparse
from pathlib import Path

from lobby_tui.cli_common import CliError, ensure_directory, run_tui
from lobby_tui.config import Settings, demo_db_path
from lobby_tui.locale import _


def run_demo(args: argparse.Namespace, settings: Settings) -> int:
    from lobby_tui.data.demo import build_demo

    # Only --db: never LOBBY_TUI_DB nor the config, which name the real duty log.
    db = args.db or str(demo_db_path())
    replace_old_demo(db)
    summary = build_demo(db, days=args.days, entries=args.entries)
    from sqlalchemy.engine import make_url

    # A server's password is never printed.
    shown = make_url(db).render_as_string(hide_password=True) if "://" in db else db
    print(
        _("Demo database {path}: {entries} entries over {days} days.").format(
            path=shown, entries=summary.entries, days=summary.days
        )
    )
    from lobby_tui.domain.roles import ROLE_LABELS, Role

    for staff_no, role, pin in summary.staff:
        print(f"  {staff_no}\t{_(ROLE_LABELS[Role(role)])}\tPIN {pin}")
    if args.no_open:
        return 0
    return run_tui(Settings(**{**settings.__dict__, "db": db}))


def replace_old_demo(db: str) -> None:
    """Remove an earlier demo database at ``db``; refuse to touch anything else."""
    if "://" in db:
        from lobby_tui.data.demo import clear_demo_server
        from lobby_tui.data.views import StoreError

        try:
            clear_demo_server(db)
        except StoreError as error:
            raise CliError(_(str(error))) from None
        return
    path = Path(db).expanduser()
    ensure_directory(str(path))
    if not path.exists():
        return
    from lobby_tui.data.store import Store

    store = Store.open(str(path), create=False)
    try:
        branch = store.branches.get()
    finally:
        store.close()
    if branch is not None and not branch.demo:
        raise CliError(
            _("{path} holds a real duty log: the demo will not overwrite it.").format(path=path)
        )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)

"""``lobby-tui migrate``, ``grant`` and ``verify``: the database's schema, its roles on a
server, its hash chain."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lobby_tui.cli_common import CliError, open_store
from lobby_tui.config import Settings
from lobby_tui.locale import _


def run_grant(args: argparse.Namespace, settings: Settings) -> int:
    from lobby_tui.data.server_roles import grant_app_role
    from lobby_tui.data.views import StoreError

    store = open_store(settings)
    try:
        given = grant_app_role(store, args.role)
    except StoreError as error:
        raise CliError(_(str(error))) from None
    finally:
        store.close()
    for table, privileges in given.items():
        print(f"{table}\t{privileges}")
    return 0


def run_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from lobby_tui.data.migrate import HEAD
    from lobby_tui.data.store import Store

    db = settings.db
    if "://" not in db and not Path(db).expanduser().exists():
        raise CliError(_("no such database file: {path}").format(path=db))
    from lobby_tui.data.chain_verify import missing_triggers

    store = Store.open(db)  # applies the migrations
    try:
        with store.db.read_rows() as connection:
            # A dropped trigger is reported, never put back: that it went missing is the news.
            missing = missing_triggers(connection)
    finally:
        store.close()
    print(_("The database is at revision {head}.").format(head=HEAD))
    for name in missing:
        print(
            _("trigger {name} is missing: run lobby-tui verify").format(name=name), file=sys.stderr
        )
    return 1 if missing else 0


def run_verify(args: argparse.Namespace, settings: Settings) -> int:
    from lobby_tui import cli_verify

    store = open_store(settings)
    try:
        return cli_verify.run_verify(store, Path(args.export) if args.export else None)
    finally:
        store.close()

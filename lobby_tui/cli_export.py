"""``lobby-tui export`` and ``lobby-tui report``: the log and the cases as files, a day's
summary as Markdown."""

from __future__ import annotations

import argparse
import gc
import sys
from functools import partial

from lobby_tui import cli_branches
from lobby_tui.cli_common import CliError, drop_stdout, open_store, refusal
from lobby_tui.config import Settings
from lobby_tui.locale import _


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    from lobby_tui.data.export import (
        BINARY_FORMATS,
        COMPLAINT_FIELDS,
        FIELDS,
        complaint_rows,
        export_rows,
        write_to,
    )
    from lobby_tui.data.export_file import STDOUT
    from lobby_tui.data.views import StoreError
    from lobby_tui.export_progress import shown_as_read

    if args.first_day and args.last_day and args.first_day > args.last_day:
        raise CliError(
            _("--from {first} is after --to {last}: no day is in between").format(
                first=args.first_day.isoformat(), last=args.last_day.isoformat()
            )
        )
    to_stdout = args.out in (None, STDOUT)
    if args.format in BINARY_FORMATS and (not args.out or (to_stdout and sys.stdout.isatty())):
        raise CliError(_("an xlsx workbook is not for a terminal: name its file with --out"))
    store = open_store(settings)
    try:
        read, fields = (
            (complaint_rows, COMPLAINT_FIELDS) if args.complaints else (export_rows, FIELDS)
        )
        console = cli_branches.console_of(store, args)
        rows = read(store, console, args.first_day, args.last_day)
        # Everything imported so far lives until the process ends: frozen, it is left out of
        # the full collections that the export's millions of short-lived rows set off (a
        # tenth of an export's time without it).
        gc.freeze()
        # Progress only where a person watches it, and not over the export itself.
        watched = sys.stderr.isatty() and not (to_stdout and sys.stdout.isatty())
        label = _("complaint cases") if args.complaints else _("entries")
        with shown_as_read(rows, label, sys.stderr if watched else None) as counted:
            target = None if to_stdout else args.out
            mark = partial(store.integrity.chain_mark, console.branch_id)
            count = write_to(counted, target, args.format, fields, mark)
    except StoreError as error:
        raise refusal(error) from None
    except BrokenPipeError:
        raise
    except OSError as error:
        if to_stdout:
            drop_stdout()
        where = _("standard output") if to_stdout else error.filename or args.out
        raise CliError(f"{where}: {error.strerror or error}") from None
    finally:
        say_if_unrecorded(store)
        store.close()
    if to_stdout:
        return 0
    written = _("{count} complaint cases written to {path}.") if args.complaints else None
    written = written or _("{count} entries written to {path}.")
    print(written.format(count=count, path=args.out), file=sys.stderr)
    return 0


def say_if_unrecorded(store) -> None:
    """An export of a read-only database cannot be audited in it: said, never skipped."""
    if store.db.unrecorded:
        message = _("the database is read-only: this export is not recorded in its audit log")
        print(f"lobby-tui: {message}", file=sys.stderr)


def run_report(args: argparse.Namespace, settings: Settings) -> int:
    from lobby_tui.data.views import StoreError
    from lobby_tui.domain.clock import branch_today, branch_zone
    from lobby_tui.domain.summary_text import markdown

    store = open_store(settings)
    try:
        console = cli_branches.console_of(store, args)
        branch = store.branches.get(console.branch_id)
        if branch is None:
            raise CliError(_("This database has no branch yet: run the first-run setup."))
        day = args.day or branch_today(branch_zone(branch.time_zone))
        summary = store.summary.day(console, day)
    except StoreError as error:
        raise refusal(error) from None
    finally:
        store.close()
    try:
        sys.stdout.write(markdown(summary, settings.lists))
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        drop_stdout()
        raise CliError(f"{_('standard output')}: {error.strerror or error}") from None
    return 0

"""The ``lobby-tui`` command: the TUI, and the subcommands for deploying and exporting.

Starting the TUI imports only what the sign-in screen needs; the database layer is loaded by the
app after its first frame. Every error is one line on stderr and a non-zero exit, never a
traceback.
"""

from __future__ import annotations

import argparse
import gc
import getpass
import os
import sys
from datetime import date
from functools import partial
from pathlib import Path

from lobby_tui import __version__, cli_branches, locale
from lobby_tui.config import (
    ConfigError,
    Settings,
    default_db_path,
    demo_db_path,
    load_settings,
)
from lobby_tui.locale import N_, _


class CliError(Exception):
    """An error to print as one line before exiting with status 1."""


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # Repeated on every subcommand so `lobby-tui export --db FILE` works as well as
    # `lobby-tui --db FILE export`; SUPPRESS keeps a subcommand from erasing the top-level value.
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--db", default=default, help=_("database file or SQLAlchemy URL"))
    parser.add_argument("--lang", choices=locale.LANGUAGES, default=default, help=_("zh or en"))
    parser.add_argument("--config", default=default, help=_("config file (TOML)"))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lobby-tui", description=_("Duty log for the lobby manager of a bank branch.")
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"lobby-tui {__version__}",
        help=_("show program's version number and exit"),
    )
    _common(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    init = commands.add_parser("init", help=_("create the branch and first admin without a screen"))
    _common(init, top=False)
    init.add_argument("--branch-code", required=True)
    init.add_argument("--branch-name", required=True)
    init.add_argument("--admin", required=True, metavar="NO", help=_("admin staff number"))
    init.add_argument("--admin-name", required=True)
    init.add_argument("--time-zone", default="Asia/Shanghai")
    init.add_argument("--pin-stdin", action="store_true", help=_("read the PIN from stdin"))

    staff = commands.add_parser("staff", help=_("add, list, disable staff; reset a PIN"))
    _common(staff, top=False)
    staff_commands = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    add = staff_commands.add_parser("add", help=_("add a staff member"))
    _common(add, top=False)
    add.add_argument("staff_no", metavar="NO")
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, choices=("lobby", "reviewer", "admin", "head_office"))
    add.add_argument("--pin-stdin", action="store_true")
    listing = staff_commands.add_parser("list", help=_("list staff"))
    _common(listing, top=False)
    disable = staff_commands.add_parser("disable", help=_("disable a staff member"))
    _common(disable, top=False)
    disable.add_argument("staff_no", metavar="NO")
    reset = staff_commands.add_parser("reset-pin", help=_("set a new PIN and lift a lock"))
    _common(reset, top=False)
    reset.add_argument("staff_no", metavar="NO")
    reset.add_argument("--pin-stdin", action="store_true")
    for action in (add, listing, disable, reset):
        cli_branches.add_branch_option(action)

    demo = commands.add_parser("demo", help=_("build a demo database and open it"))
    _common(demo, top=False)
    demo.add_argument("--days", type=int, default=7, help=_("days of entries, up to today"))
    demo.add_argument("--entries", type=int, default=None, help=_("entries in all"))
    demo.add_argument("--no-open", action="store_true", help=_("build it, do not open the TUI"))

    export = commands.add_parser("export", help=_("export entries as JSON Lines, CSV or xlsx"))
    _common(export, top=False)
    export.add_argument(
        "--complaints", action="store_true", help=_("one row per complaint case instead")
    )
    export.add_argument("--format", choices=("jsonl", "csv", "xlsx"), default="jsonl")
    export.add_argument("--from", dest="first_day", type=_day, metavar="YYYY-MM-DD")
    export.add_argument("--to", dest="last_day", type=_day, metavar="YYYY-MM-DD")
    export.add_argument("--out", metavar="FILE", help=_("write here instead of standard output"))
    cli_branches.add_branch_option(export)

    report = commands.add_parser("report", help=_("print a day's summary as Markdown"))
    _common(report, top=False)
    report.add_argument(
        "--date", dest="day", type=_day, metavar="YYYY-MM-DD", help=_("today if none")
    )
    cli_branches.add_branch_option(report)
    cli_branches.add_parsers(commands, _common)

    migrate = commands.add_parser("migrate", help=_("apply database migrations"))
    _common(migrate, top=False)

    grant = commands.add_parser(
        "grant", help="PostgreSQL: let ROLE run the app, and no more (as the owner, after migrate)"
    )
    _common(grant, top=False)
    grant.add_argument("role", metavar="ROLE")
    verify = commands.add_parser("verify", help="check the hash chain, the seals and the triggers")
    _common(verify, top=False)
    verify.add_argument("--export", metavar="FILE", help="also check the head an export names")
    return parser


def _language_asked(argv: list[str]) -> str:
    """The ``--lang`` of the command line, else the environment's language, else English."""
    for position, word in enumerate(argv):
        if word.startswith("--lang="):
            asked = word.partition("=")[2]
        elif word == "--lang" and position + 1 < len(argv):
            asked = argv[position + 1]
        else:
            continue
        if asked in locale.LANGUAGES:
            return asked
    return locale.language_from_environment() or "en"


# argparse's own words that reach the terminal, for the catalogs.
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("expected one argument"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("%(prog)s: error: %(message)s\n"),
)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    # The help and argparse's own words in the language asked for: known before parsing.
    locale.install(_language_asked(sys.argv[1:] if argv is None else argv))
    argparse._ = _  # argparse looks up its "usage:", "options", errors here at each call
    args = build_parser().parse_args(argv)
    # The language of the flags or the environment until the config file may name another.
    locale.install(args.lang or locale.language_from_environment() or "en")
    try:
        settings = load_settings(db=args.db, language=args.lang, config=args.config)
        locale.install(settings.language)
        if args.command is None:
            return _run_tui(settings)
        handler = {
            "init": _init,
            "staff": _staff,
            "demo": _demo,
            "export": _export,
            "report": _report,
            "migrate": _migrate,
            "grant": _grant,
            "verify": _verify,
            "branch": lambda args, settings: cli_branches.run(
                args, settings, sys.modules[__name__]
            ),
        }[args.command]
        return handler(args, settings)
    except (CliError, ConfigError) as error:
        print(f"lobby-tui: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of the output left (``export | head``): stop quietly, as other tools do.
        _drop_stdout()
        return 141
    except Exception as error:
        # The database layer's own errors (unreadable file, not a database, server refused).
        print(f"lobby-tui: {_one_line(error)}", file=sys.stderr)
        return 1


def _one_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error) or type(error).__name__
    return text.splitlines()[0]


def _run_tui(settings: Settings) -> int:
    _ensure_directory(settings.db)
    from lobby_tui.app import LobbyApp

    LobbyApp(settings).run()
    return 0


def _ensure_directory(db: str) -> None:
    if "://" in db:
        return
    parent = Path(db).expanduser().parent
    if Path(db).expanduser() in (default_db_path(), demo_db_path()):
        parent.mkdir(parents=True, exist_ok=True)
    elif not parent.is_dir():
        raise CliError(_("no such directory: {path}").format(path=parent))


def _open(settings: Settings, *, must_exist: bool = True):
    from lobby_tui.data.store import Store

    db = settings.db
    if "://" not in db:
        path = Path(db).expanduser()
        if must_exist and not path.exists():
            raise CliError(_("no such database file: {path}").format(path=path))
        _ensure_directory(db)
    return Store.open(db, create=not must_exist)


def _read_pin(from_stdin: bool, prompt: str) -> str:
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


def _refusal(error: Exception) -> CliError:
    """A data-layer refusal (validation, permission) as a CLI error in the session's language."""
    return CliError(_(getattr(error, "message", None) or str(error)))


def _init(args: argparse.Namespace, settings: Settings) -> int:
    from lobby_tui.data.views import StoreError
    from lobby_tui.domain.validation import ValidationError

    pin = _read_pin(args.pin_stdin, _("PIN for the admin: "))
    store = _open(settings, must_exist=False)
    try:
        branch = store.setup(
            branch_code=args.branch_code,
            branch_name=args.branch_name,
            admin_no=args.admin,
            admin_name=args.admin_name,
            pin=pin,
            time_zone=args.time_zone,
        )
    except (ValidationError, StoreError) as error:
        raise _refusal(error) from None
    print(_("Branch {code} created with admin {admin}.").format(code=branch.code, admin=args.admin))
    return 0


def _staff(args: argparse.Namespace, settings: Settings) -> int:
    from lobby_tui.data.views import StoreError
    from lobby_tui.domain.roles import ROLE_LABELS
    from lobby_tui.domain.validation import ValidationError

    store = _open(settings)
    try:
        console = cli_branches.console_of(store, args)
        if args.staff_command == "add":
            pin = _read_pin(args.pin_stdin, _("PIN for {no}: ").format(no=args.staff_no))
            store.add_staff(console, args.staff_no, args.name, args.role, pin)
            print(_("Staff {no} added.").format(no=args.staff_no))
        elif args.staff_command == "list":
            for staff in store.list_staff(console):
                state = _("active") if staff.active else _("disabled")
                print(f"{staff.staff_no}\t{staff.name}\t{_(ROLE_LABELS[staff.role])}\t{state}")
        elif args.staff_command == "disable":
            store.disable_staff(console, args.staff_no)
            print(_("Staff {no} disabled.").format(no=args.staff_no))
        else:
            pin = _read_pin(args.pin_stdin, _("New PIN for {no}: ").format(no=args.staff_no))
            store.reset_pin(console, args.staff_no, pin)
            print(_("PIN of {no} reset.").format(no=args.staff_no))
    except (ValidationError, StoreError) as error:
        raise _refusal(error) from None
    return 0


def _branch(args: argparse.Namespace, settings: Settings) -> int:
    return cli_branches.run(args, settings, sys.modules[__name__])


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from lobby_tui.data.demo import build_demo

    # Only --db: never LOBBY_TUI_DB nor the config, which name the real duty log.
    db = args.db or str(demo_db_path())
    _replace_old_demo(db)
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
    return _run_tui(Settings(**{**settings.__dict__, "db": db}))


def _replace_old_demo(db: str) -> None:
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
    _ensure_directory(str(path))
    if not path.exists():
        return
    from lobby_tui.data.store import Store

    store = Store.open(str(path), create=False)
    try:
        branch = store.branch()
    finally:
        store.close()
    if branch is not None and not branch.demo:
        raise CliError(
            _("{path} holds a real duty log: the demo will not overwrite it.").format(path=path)
        )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _export(args: argparse.Namespace, settings: Settings) -> int:
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
    store = _open(settings)
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
            mark = partial(store.chain_mark, console.branch_id)
            count = write_to(counted, target, args.format, fields, mark)
    except StoreError as error:
        raise _refusal(error) from None
    except BrokenPipeError:
        raise
    except OSError as error:
        if to_stdout:
            _drop_stdout()
        where = _("standard output") if to_stdout else error.filename or args.out
        raise CliError(f"{where}: {error.strerror or error}") from None
    finally:
        _say_if_unrecorded(store)
        store.close()
    if to_stdout:
        return 0
    written = _("{count} complaint cases written to {path}.") if args.complaints else None
    written = written or _("{count} entries written to {path}.")
    print(written.format(count=count, path=args.out), file=sys.stderr)
    return 0


def _say_if_unrecorded(store) -> None:
    """An export of a read-only database cannot be audited in it: said, never skipped."""
    if store.db.unrecorded:
        message = _("the database is read-only: this export is not recorded in its audit log")
        print(f"lobby-tui: {message}", file=sys.stderr)


def _drop_stdout() -> None:
    """Point standard output at the null device: what is still buffered for a reader gone or a
    full disk would otherwise fail again, as a traceback, when Python flushes it at exit."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _report(args: argparse.Namespace, settings: Settings) -> int:
    from lobby_tui.data.views import StoreError
    from lobby_tui.domain.clock import branch_today, branch_zone
    from lobby_tui.domain.summary_text import markdown

    store = _open(settings)
    try:
        console = cli_branches.console_of(store, args)
        branch = store.branch(console.branch_id)
        if branch is None:
            raise CliError(_("This database has no branch yet: run the first-run setup."))
        day = args.day or branch_today(branch_zone(branch.time_zone))
        summary = store.day_summary(console, day)
    except StoreError as error:
        raise _refusal(error) from None
    finally:
        store.close()
    try:
        sys.stdout.write(markdown(summary, settings.lists))
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        _drop_stdout()
        raise CliError(f"{_('standard output')}: {error.strerror or error}") from None
    return 0


def _grant(args: argparse.Namespace, settings: Settings) -> int:
    from lobby_tui.data.server_roles import grant_app_role
    from lobby_tui.data.views import StoreError

    store = _open(settings)
    try:
        given = grant_app_role(store, args.role)
    except StoreError as error:
        raise CliError(_(str(error))) from None
    finally:
        store.close()
    for table, privileges in given.items():
        print(f"{table}\t{privileges}")
    return 0


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
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


def _verify(args: argparse.Namespace, settings: Settings) -> int:
    from lobby_tui.cli_verify import run_verify

    store = _open(settings)
    try:
        return run_verify(store, Path(args.export) if args.export else None)
    finally:
        store.close()

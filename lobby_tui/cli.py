"""The ``lobby-tui`` command: the TUI, and the subcommands for deploying and exporting.

Starting the TUI imports only what the sign-in screen needs; the database layer is loaded by the
app after its first frame. Every error is one line on stderr and a non-zero exit, never a
traceback.

The subcommands live beside this module, each imported only when it runs: ``cli_staff`` (init,
staff), ``cli_branches``, ``cli_demo``, ``cli_export`` (export, report), ``cli_database``
(migrate, grant, verify); what they share is in ``cli_common``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date

from lobby_tui import __version__, locale
from lobby_tui.cli_common import CliError, drop_stdout, run_tui
from lobby_tui.config import ConfigError, Settings, load_settings
from lobby_tui.locale import N_, _

Handler = Callable[[argparse.Namespace, Settings], int]


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # Repeated on every subcommand so `lobby-tui export --db FILE` works as well as
    # `lobby-tui --db FILE export`; SUPPRESS keeps a subcommand from erasing the top-level value.
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--db", default=default, help=_("database file or SQLAlchemy URL"))
    parser.add_argument("--lang", choices=locale.LANGUAGES, default=default, help=_("zh or en"))
    parser.add_argument("--config", default=default, help=_("config file (TOML)"))


def build_parser() -> argparse.ArgumentParser:
    from lobby_tui import cli_branches

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


def _tui_args(argv: list[str] | None) -> argparse.Namespace | None:
    """The flags of a plain ``lobby-tui [--db …] [--lang …] [--config …]``, read without building
    the parsers of every subcommand, which costs milliseconds before the first frame. None for
    anything else (a subcommand, --help, --version, a bad flag): the full parser reads that, and
    says what is wrong, as before."""
    parser = argparse.ArgumentParser(prog="lobby-tui", add_help=False, exit_on_error=False)
    _common(parser, top=True)
    try:
        args, rest = parser.parse_known_args(argv)
    except argparse.ArgumentError:
        return None
    if rest:
        return None
    args.command = None
    return args


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
    args = _tui_args(argv) or build_parser().parse_args(argv)
    # The language of the flags or the environment until the config file may name another.
    locale.install(args.lang or locale.language_from_environment() or "en")
    try:
        settings = load_settings(db=args.db, language=args.lang, config=args.config)
        locale.install(settings.language)
        if args.command is None:
            return run_tui(settings)
        return _handler(args.command)(args, settings)
    except (CliError, ConfigError) as error:
        print(f"lobby-tui: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of the output left (``export | head``): stop quietly, as other tools do.
        drop_stdout()
        return 141
    except Exception as error:
        # The database layer's own errors (unreadable file, not a database, server refused).
        print(f"lobby-tui: {_one_line(error)}", file=sys.stderr)
        return 1


def _handler(command: str) -> Handler:
    """The function that runs ``command``, its module imported only now: the TUI starts
    without any of them."""
    if command in ("init", "staff"):
        from lobby_tui import cli_staff

        return cli_staff.run_init if command == "init" else cli_staff.run_staff
    if command == "demo":
        from lobby_tui import cli_demo

        return cli_demo.run_demo
    if command in ("export", "report"):
        from lobby_tui import cli_export

        return cli_export.run_export if command == "export" else cli_export.run_report
    if command == "branch":
        from lobby_tui import cli_branches

        return cli_branches.run
    from lobby_tui import cli_database

    return {
        "migrate": cli_database.run_migrate,
        "grant": cli_database.run_grant,
        "verify": cli_database.run_verify,
    }[command]


def _one_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error) or type(error).__name__
    return text.splitlines()[0]

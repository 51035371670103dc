"""The command line of several branches in one database (issue 12): ``branch add``, ``branch
list``, ``branch grant``, and the ``--branch`` that the staff, export and report commands take
to work on a branch other than the database's first."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from lobby_tui.locale import N_, _

if TYPE_CHECKING:
    from lobby_tui.config import Settings
    from lobby_tui.data.store import Store
    from lobby_tui.data.views import Actor

BRANCH_HELP = N_("the branch's code (the database's first branch if none)")


def add_branch_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--branch", metavar="CODE", help=_(BRANCH_HELP))


def add_parsers(commands, common: Callable[..., None]) -> None:
    branch = commands.add_parser("branch", help=_("add a branch, list them, grant head office"))
    common(branch, top=False)
    actions = branch.add_subparsers(dest="branch_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help=_("add a branch and its first admin"))
    common(add, top=False)
    add.add_argument("code", metavar="CODE")
    add.add_argument("--name", required=True)
    add.add_argument("--admin", required=True, metavar="NO", help=_("admin staff number"))
    add.add_argument("--admin-name", required=True)
    add.add_argument("--time-zone", default="Asia/Shanghai")
    add.add_argument("--pin-stdin", action="store_true", help=_("read the PIN from stdin"))
    listing = actions.add_parser("list", help=_("list the branches"))
    common(listing, top=False)
    grant = actions.add_parser(
        "grant", help=_("let a head-office reviewer read these branches (replaces the last grant)")
    )
    common(grant, top=False)
    grant.add_argument("staff_no", metavar="NO")
    add_branch_option(grant)
    grant.add_argument("codes", metavar="CODE", nargs="*")
    grant.add_argument("--all", action="store_true", help=_("every branch, later ones too"))


def console_of(store: Store, args: argparse.Namespace) -> Actor:
    """The console working on ``--branch`` (refused when no branch has that code)."""
    from lobby_tui.data.views import Actor

    code = getattr(args, "branch", None)
    if not code:
        return Actor.console()
    return Actor.console(store.branches.by_code(code).id)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """``lobby-tui branch …``."""
    from lobby_tui import cli_common as cli
    from lobby_tui.data.views import Actor, StoreError
    from lobby_tui.domain.validation import ValidationError

    if args.branch_command == "add":
        pin = cli.read_pin(args.pin_stdin, _("PIN for the admin: "))
    store = cli.open_store(settings)
    try:
        if args.branch_command == "add":
            added = store.branches.add(
                Actor.console(),
                code=args.code,
                name=args.name,
                admin_no=args.admin,
                admin_name=args.admin_name,
                pin=pin,
                time_zone=args.time_zone,
            )
            print(
                _("Branch {code} created with admin {admin}.").format(
                    code=added.code, admin=args.admin
                )
            )
        elif args.branch_command == "list":
            for info in store.branches.readable(Actor.console()):
                print(f"{info.code}\t{info.name}\t{info.time_zone}")
        else:
            if not args.branch:
                raise cli.CliError(_("name the head-office reviewer's own branch with --branch"))
            if not args.all and not args.codes:
                raise cli.CliError(_("name the branches to grant, or --all"))
            granted = store.branches.grant(
                console_of(store, args), args.staff_no, args.codes, every_branch=args.all
            )
            shown = _("every branch") if granted == ["*"] else ", ".join(granted)
            print(_("{no} may read: {branches}.").format(no=args.staff_no, branches=shown))
    except (ValidationError, StoreError) as error:
        raise cli.refusal(error) from None
    finally:
        store.close()
    return 0

"""``lobby-tui init`` and ``lobby-tui staff …``: the branch's first admin and its staff."""

from __future__ import annotations

import argparse

from lobby_tui import cli_branches
from lobby_tui.cli_common import open_store, read_pin, refusal
from lobby_tui.config import Settings
from lobby_tui.locale import _


def run_init(args: argparse.Namespace, settings: Settings) -> int:
    from lobby_tui.data.views import StoreError
    from lobby_tui.domain.validation import ValidationError

    pin = read_pin(args.pin_stdin, _("PIN for the admin: "))
    store = open_store(settings, must_exist=False)
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
        raise refusal(error) from None
    print(_("Branch {code} created with admin {admin}.").format(code=branch.code, admin=args.admin))
    return 0


def run_staff(args: argparse.Namespace, settings: Settings) -> int:
    from lobby_tui.data.views import StoreError
    from lobby_tui.domain.roles import ROLE_LABELS
    from lobby_tui.domain.validation import ValidationError

    store = open_store(settings)
    try:
        console = cli_branches.console_of(store, args)
        if args.staff_command == "add":
            pin = read_pin(args.pin_stdin, _("PIN for {no}: ").format(no=args.staff_no))
            store.staff.add(console, args.staff_no, args.name, args.role, pin)
            print(_("Staff {no} added.").format(no=args.staff_no))
        elif args.staff_command == "list":
            for staff in store.staff.members(console):
                state = _("active") if staff.active else _("disabled")
                print(f"{staff.staff_no}\t{staff.name}\t{_(ROLE_LABELS[staff.role])}\t{state}")
        elif args.staff_command == "disable":
            store.staff.disable(console, args.staff_no)
            print(_("Staff {no} disabled.").format(no=args.staff_no))
        else:
            pin = read_pin(args.pin_stdin, _("New PIN for {no}: ").format(no=args.staff_no))
            store.staff.reset_pin(console, args.staff_no, pin)
            print(_("PIN of {no} reset.").format(no=args.staff_no))
    except (ValidationError, StoreError) as error:
        raise refusal(error) from None
    return 0

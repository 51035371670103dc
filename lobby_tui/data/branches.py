"""Several branches in one database (issue 12): adding a branch, the branches a staff member
may read, and the head-office reviewer's grants.

Every staff member belongs to one branch and reads and writes that branch only. A head-office
reviewer (role ``head_office``) belongs to a branch too (the head office's own, added like any
other) and may read, never write, the branches granted to them in ``branch_grant``: listed one
by one, or all of them (a grant without a branch). Which branch a read serves is decided in
``access.read_branch_id``, the one place a branch other than one's own is let through.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from sqlmodel import Session, select

from lobby_tui.data.access import read_branch_id, validate_fields
from lobby_tui.data.models import Branch, Staff
from lobby_tui.data.views import Actor, PermissionDenied
from lobby_tui.domain import validation
from lobby_tui.domain.roles import Role
from lobby_tui.domain.validation import ValidationError
from lobby_tui.locale import N_

CONSOLE_ONLY = N_("Only the command line can add branches and grant them.")
NO_BRANCH = N_("No branch has this code.")


def check_new_branch(code: str, name: str, admin_no: str, admin_name: str, pin: str) -> None:
    validate_fields(
        ("branch_code", validation.check_branch_code(code)),
        ("branch_name", validation.check_name(name, validation.BRANCH_NAME_MAX_LENGTH)),
        ("admin_no", validation.check_staff_no(admin_no)),
        ("admin_name", validation.check_name(admin_name)),
        ("pin", validation.check_pin(pin)),
    )


def create_branch(
    session: Session,
    *,
    code: str,
    name: str,
    time_zone: str,
    demo: bool,
    admin_no: str,
    admin_name: str,
    pin_hash: str,
) -> Branch:
    """A branch and its first admin, in the caller's write transaction."""
    if session.exec(select(Branch).where(Branch.code == code)).first() is not None:
        raise ValidationError("branch_code", N_("This branch code is taken."))
    branch = Branch(code=code, name=name, time_zone=time_zone, demo=demo)
    session.add(branch)
    session.flush()
    session.add(
        Staff(
            branch_id=branch.id,
            staff_no=admin_no,
            name=admin_name,
            role=Role.ADMIN,
            pin_hash=pin_hash,
        )
    )
    session.flush()
    return branch


def readable_ids(
    session: Session, actor: Actor, staff: Staff, branch_ids: Iterable[int]
) -> list[int]:
    """Of ``branch_ids``, those ``actor`` (whose staff row is ``staff``) may read: their own
    branch; for a head-office reviewer also those granted. Each is let through by
    ``access.read_branch_id``, so that this says what every read says."""
    connection = session.connection()
    readable = []
    for branch_id in branch_ids:
        asked = dataclasses.replace(actor, branch_id=branch_id)
        try:
            read_branch_id(connection, asked, staff.id, staff.role, staff.branch_id)
        except PermissionDenied:
            continue
        readable.append(branch_id)
    return readable

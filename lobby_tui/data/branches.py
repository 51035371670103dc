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
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from lobby_tui.data.access import audit, branch_info, read_branch_id, validate_fields
from lobby_tui.data.models import Branch, Staff
from lobby_tui.data.pins import hash_pin
from lobby_tui.data.views import Actor, BranchInfo, PermissionDenied, StoreError
from lobby_tui.domain import validation
from lobby_tui.domain.clock import DEFAULT_TIME_ZONE, branch_zone
from lobby_tui.domain.roles import Role
from lobby_tui.domain.validation import ValidationError
from lobby_tui.locale import N_

if TYPE_CHECKING:
    from lobby_tui.data.engine import Database

CONSOLE_ONLY = N_("Only the command line can add branches and grant them.")
NO_BRANCH = N_("No branch has this code.")


# A database holds its first branch from the first-run screen or ``init``; more come from
# ``branch add``. Each refuses what the other is for.
ALREADY_SET_UP = N_(
    "This database is already set up: add another branch with lobby-tui branch add."
)
NOT_SET_UP = N_("This database has no branch yet: run the first-run setup.")


@dataclasses.dataclass(frozen=True)
class NewBranch:
    """A branch to add, with its first admin, as typed."""

    code: str
    name: str
    admin_no: str
    admin_name: str
    pin: str
    time_zone: str = DEFAULT_TIME_ZONE
    demo: bool = False


def add_branch(
    db: Database, actor: Actor, new: NewBranch, *, first: bool, event: str
) -> BranchInfo:
    """Add ``new`` and its admin in one write transaction, audited as ``event``: the database's
    first branch (``first``; refused when it has one) or a further one (refused when it has
    none). Every value is checked, and the PIN hashed, before anything is written."""
    validate_fields(
        ("branch_code", validation.check_branch_code(new.code)),
        ("branch_name", validation.check_name(new.name, validation.BRANCH_NAME_MAX_LENGTH)),
        ("admin_no", validation.check_staff_no(new.admin_no)),
        ("admin_name", validation.check_name(new.admin_name)),
        ("pin", validation.check_pin(new.pin)),
    )
    branch_zone(new.time_zone)  # refuses an unknown zone
    pin_hash = hash_pin(new.pin)
    with db.write() as session:
        has_one = session.exec(select(Branch)).first() is not None
        if has_one == first:
            raise StoreError(ALREADY_SET_UP if first else NOT_SET_UP)
        if session.exec(select(Branch).where(Branch.code == new.code)).first() is not None:
            raise ValidationError("branch_code", N_("This branch code is taken."))
        branch = Branch(code=new.code, name=new.name, time_zone=new.time_zone, demo=new.demo)
        session.add(branch)
        session.flush()
        session.add(
            Staff(
                branch_id=branch.id,
                staff_no=new.admin_no,
                name=new.admin_name,
                role=Role.ADMIN,
                pin_hash=pin_hash,
            )
        )
        session.flush()
        audit(session, event, actor, branch_id=branch.id, code=new.code)
        return branch_info(branch)


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

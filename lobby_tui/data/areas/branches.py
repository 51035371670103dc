"""The branches area: adding a branch to a database already set up, finding one, the branches
an actor may read, and a head-office reviewer's grants (the rules: data/branches.py)."""

from __future__ import annotations

from sqlmodel import delete, select

from lobby_tui.data.access import (
    audit,
    authorize,
    branch_info,
    parse_role,
    staff_by_no,
)
from lobby_tui.data.areas.base import Area
from lobby_tui.data.branches import (
    CONSOLE_ONLY,
    NO_BRANCH,
    NewBranch,
    add_branch,
    readable_ids,
)
from lobby_tui.data.models import Branch, BranchGrant
from lobby_tui.data.views import Actor, BranchInfo, PermissionDenied
from lobby_tui.domain.clock import DEFAULT_TIME_ZONE
from lobby_tui.domain.roles import Permission, Role
from lobby_tui.domain.validation import ValidationError
from lobby_tui.locale import N_


class BranchArea(Area):
    """The branches of the database, and who may read which."""

    def get(self, branch_id: int | None = None) -> BranchInfo | None:
        """The branch ``branch_id``, else the database's first branch; None before the
        first-run setup."""
        with self.db.read() as session:
            query = select(Branch).order_by(Branch.id)
            if branch_id is not None:
                query = query.where(Branch.id == branch_id)
            row = session.exec(query).first()
            return branch_info(row) if row else None

    def add(
        self,
        actor: Actor,
        *,
        code: str,
        name: str,
        admin_no: str,
        admin_name: str,
        pin: str,
        time_zone: str = DEFAULT_TIME_ZONE,
    ) -> BranchInfo:
        """Add a branch and its first admin to a database already set up (the console only:
        whoever holds the database itself)."""
        if not actor.is_console:
            raise PermissionDenied(CONSOLE_ONLY)
        new = NewBranch(code, name, admin_no, admin_name, pin, time_zone)
        return add_branch(self.db, actor, new, first=False, event="branch_add")

    def by_code(self, code: str) -> BranchInfo:
        """The branch with ``code``, for the command line's ``--branch``."""
        with self.db.read() as session:
            row = session.exec(select(Branch).where(Branch.code == code)).first()
            if row is None:
                raise ValidationError("branch", NO_BRANCH)
            return branch_info(row)

    def readable(self, actor: Actor) -> list[BranchInfo]:
        """The branches ``actor`` may read, by code: their own; a head-office reviewer's own
        and those granted; every branch for the console."""
        with self.db.read() as session:
            rows = session.exec(select(Branch).order_by(Branch.code)).all()
            staff = authorize(session, actor, Permission.READ_LOG)
            if staff is None:
                return [branch_info(row) for row in rows]
            readable = set(readable_ids(session, actor, staff, [row.id for row in rows]))
            return [branch_info(row) for row in rows if row.id in readable]

    def grant(
        self, actor: Actor, staff_no: str, codes: list[str], *, every_branch: bool = False
    ) -> list[str]:
        """Let the head-office reviewer ``staff_no`` (of the console's ``--branch``) read the
        branches ``codes``, or every branch; replaces their earlier grants. Returns the codes
        granted (``*`` for every branch)."""
        if not actor.is_console:
            raise PermissionDenied(CONSOLE_ONLY)
        with self.db.write() as session:
            home = session.get(Branch, actor.branch_id) if actor.branch_id else None
            if home is None:
                raise ValidationError("branch", NO_BRANCH)
            staff = staff_by_no(session, staff_no, home.id)
            if parse_role(staff.role) != Role.HEAD_OFFICE:
                raise ValidationError(
                    "staff_no", N_("Only a head-office reviewer is granted other branches.")
                )
            branch_ids: list[int | None] = [None] if every_branch else []
            for code in [] if every_branch else codes:
                row = session.exec(select(Branch).where(Branch.code == code)).first()
                if row is None:
                    raise ValidationError("branch", NO_BRANCH)
                branch_ids.append(row.id)
            session.exec(delete(BranchGrant).where(BranchGrant.staff_id == staff.id))
            for branch_id in dict.fromkeys(branch_ids):
                session.add(BranchGrant(staff_id=staff.id, branch_id=branch_id))
            granted = ["*"] if every_branch else list(dict.fromkeys(codes))
            audit(session, "branch_grant", actor, staff_no=staff_no, branches=granted)
            return granted

"""The duty log's commands and queries. Every public method is one unit of work.

Permissions are checked here, against the role stored in the database, so that no caller — a
screen, the CLI or a direct call — can do more than the signed-in staff member may.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import select

from lobby_tui.data.access import (
    audit,
    branch_info,
    staff_info,
)
from lobby_tui.data.branches import BranchCommands, check_new_branch, create_branch
from lobby_tui.data.chain_verify import IntegrityQueries
from lobby_tui.data.checklist_commands import ChecklistCommands
from lobby_tui.data.complaint_commands import ComplaintCommands
from lobby_tui.data.complaint_queries import ComplaintQueries
from lobby_tui.data.engine import (
    BUSY_TIMEOUT_SECONDS,
    Database,
    database_url,
    read_only_file,
)
from lobby_tui.data.entry_commands import EntryCommands
from lobby_tui.data.handoff_commands import HandoffCommands
from lobby_tui.data.log_queries import LogQueries
from lobby_tui.data.migrate import HEAD, current_revision, refuse_newer, upgrade
from lobby_tui.data.models import (
    Branch,
    Staff,
)
from lobby_tui.data.pins import hash_pin
from lobby_tui.data.shift_commands import ShiftCommands
from lobby_tui.data.staff_commands import StaffCommands
from lobby_tui.data.summary_queries import SummaryQueries
from lobby_tui.data.views import (
    Actor,
    BranchInfo,
    StaffInfo,
    StoreError,
)
from lobby_tui.domain.clock import DEFAULT_TIME_ZONE, branch_zone, utcnow
from lobby_tui.locale import N_

READ_ONLY_OLD = N_(
    "This database file is read-only and was written by another release of lobby-tui: "
    "open a copy that can be written, and it is brought up to date."
)


# One branch is set up here, on an empty database, with the first-run screen or ``init``; a
# database that already has one gets more with ``branch add`` (data/branches.py).
ALREADY_SET_UP = N_(
    "This database is already set up: add another branch with lobby-tui branch add."
)


class Store(
    StaffCommands,
    EntryCommands,
    HandoffCommands,
    ComplaintCommands,
    ComplaintQueries,
    ShiftCommands,
    ChecklistCommands,
    SummaryQueries,
    LogQueries,
    IntegrityQueries,
    BranchCommands,
):
    """The duty log in one database."""

    def __init__(self, database: Database, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = database
        self.clock = clock  # "now" for every write and deadline: a test fixes it here

    @classmethod
    def open(
        cls,
        path_or_url: str,
        *,
        create: bool = True,
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
        clock: Callable[[], datetime] = utcnow,
    ) -> Store:
        """Open a database file or URL and bring its schema up to date.

        With ``create=False`` a database that lobby-tui never wrote is refused, not migrated:
        commands that only read must not turn a stray file into a duty log.
        """
        url = database_url(path_or_url)
        read_only = read_only_file(url)
        database = Database(url, busy_timeout=busy_timeout, read_only=read_only)
        try:
            revision = current_revision(database.engine)
            if not create and revision is None:
                raise StoreError(N_("This is not a lobby-tui database."))
            refuse_newer(revision)  # before anything else: newer is what the person must hear
            if read_only and revision != HEAD:
                raise StoreError(READ_ONLY_OLD)
            if not read_only:
                upgrade(database.engine)
        except BaseException:
            database.close()
            raise
        return cls(database, clock=clock)

    def close(self) -> None:
        self.db.close()

    @property
    def read_only(self) -> bool:
        """Opened read-only on purpose (an archive copy): reads only, nothing is written."""
        return self.db.read_only

    # -- branch and first run -------------------------------------------------------------

    def branch(self, branch_id: int | None = None) -> BranchInfo | None:
        """The branch ``branch_id``, else the database's first branch; None before the
        first-run setup."""
        with self.db.read() as session:
            query = select(Branch).order_by(Branch.id)
            if branch_id is not None:
                query = query.where(Branch.id == branch_id)
            row = session.exec(query).first()
            return branch_info(row) if row else None

    def setup(
        self,
        *,
        branch_code: str,
        branch_name: str,
        admin_no: str,
        admin_name: str,
        pin: str,
        time_zone: str = DEFAULT_TIME_ZONE,
        demo: bool = False,
    ) -> BranchInfo:
        """Create the branch and its first admin on an empty database; later branches are
        added with ``add_branch`` (``lobby-tui branch add``)."""
        check_new_branch(branch_code, branch_name, admin_no, admin_name, pin)
        branch_zone(time_zone)  # refuses an unknown zone before anything is written
        pin_hash = hash_pin(pin)
        with self.db.write() as session:
            if session.exec(select(Branch)).first() is not None:
                raise StoreError(ALREADY_SET_UP)
            branch = create_branch(
                session,
                code=branch_code,
                name=branch_name,
                time_zone=time_zone,
                demo=demo,
                admin_no=admin_no,
                admin_name=admin_name,
                pin_hash=pin_hash,
            )
            audit(session, "setup", Actor.console(), branch_id=branch.id, code=branch_code)
            return branch_info(branch)

    def demo_staff(self) -> list[StaffInfo]:
        """The accounts to list on the sign-in screen of a demo database; empty otherwise."""
        with self.db.read() as session:
            branch = session.exec(select(Branch)).first()
            if branch is None or not branch.demo:
                return []
            rows = session.exec(select(Staff).where(Staff.active).order_by(Staff.staff_no))
            return [staff_info(row) for row in rows]

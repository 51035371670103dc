"""The duty log in one database: the ``Store`` and its areas (data/areas/, docs/architecture.md).

Screens hold one ``Store`` and reach its commands and queries through its areas
(``store.entries.add(...)``, ``store.complaints.extend(...)``). Every public method of an area is
one unit of work, and checks the actor's permission against the role stored in the database
(data/access.py), so that no caller — a screen, the CLI or a direct call — can do more than the
signed-in staff member may. The Store itself opens, sets up and closes the database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from lobby_tui.data.areas.branches import BranchArea
from lobby_tui.data.areas.checklists import ChecklistArea
from lobby_tui.data.areas.complaints import ComplaintArea
from lobby_tui.data.areas.drafts import DraftArea
from lobby_tui.data.areas.entries import EntryArea
from lobby_tui.data.areas.handoffs import HandoffArea
from lobby_tui.data.areas.integrity import IntegrityArea
from lobby_tui.data.areas.log import LogArea
from lobby_tui.data.areas.shifts import ShiftArea
from lobby_tui.data.areas.staff import StaffArea
from lobby_tui.data.areas.summary import SummaryArea
from lobby_tui.data.branches import NewBranch, add_branch
from lobby_tui.data.engine import (
    BUSY_TIMEOUT_SECONDS,
    Database,
    database_url,
    read_only_file,
)
from lobby_tui.data.migrate import HEAD, current_revision, refuse_newer, upgrade
from lobby_tui.data.views import Actor, BranchInfo, StoreError
from lobby_tui.domain.clock import DEFAULT_TIME_ZONE, utcnow
from lobby_tui.locale import N_

READ_ONLY_OLD = N_(
    "This database file is read-only and was written by another release of lobby-tui: "
    "open a copy that can be written, and it is brought up to date."
)


class Store:
    """The duty log in one database, by area; each area shares this store's database and clock."""

    def __init__(self, database: Database, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = database
        self.clock = clock  # "now" for every write and deadline: a test fixes it here
        self.staff = StaffArea(self)
        self.entries = EntryArea(self)
        self.handoffs = HandoffArea(self)
        self.drafts = DraftArea(self)
        self.shifts = ShiftArea(self)
        self.complaints = ComplaintArea(self)
        self.checklists = ChecklistArea(self)
        self.summary = SummaryArea(self)
        self.integrity = IntegrityArea(self)
        self.log = LogArea(self, self.integrity)
        self.branches = BranchArea(self)

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

    # -- first run -----------------------------------------------------------------------

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
        added with ``branches.add`` (``lobby-tui branch add``)."""
        new = NewBranch(branch_code, branch_name, admin_no, admin_name, pin, time_zone, demo)
        return add_branch(self.db, Actor.console(), new, first=True, event="setup")

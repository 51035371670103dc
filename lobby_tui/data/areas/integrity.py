"""The integrity area: the hash chain checked for a signed-in reviewer (the walk itself is in
data/chain_verify.py), and the head of a branch's chain, the mark a screen or an export reads."""

from __future__ import annotations

from sqlmodel import select

from lobby_tui.data.access import authorized_branch
from lobby_tui.data.areas.base import Area
from lobby_tui.data.branches import readable_ids
from lobby_tui.data.chain import head
from lobby_tui.data.chain_export import Mark, current_mark
from lobby_tui.data.chain_verify import Report, verify
from lobby_tui.data.models import Branch, Staff
from lobby_tui.data.views import Actor
from lobby_tui.domain.roles import Permission


class IntegrityArea(Area):
    """The store's part: the chain checked for a signed-in reviewer, and how far it has got."""

    def verify(self, actor: Actor, *, since_last_seal: bool = True) -> Report:
        """Walk the chain (since each branch's last seal, by default) for a reviewer: the
        chains of the branches they read, and what is no branch's (the records of no branch,
        the triggers). Another branch's records are not theirs to be told about
        (docs/architecture.md, "Branches and who reads what"); ``lobby-tui verify`` walks all."""
        with self.db.read() as session:
            authorized_branch(session, actor, Permission.VERIFY)
            staff = session.get(Staff, actor.staff_id)
            every = session.exec(select(Branch.id).order_by(Branch.id)).all()
            return verify(
                session.connection(),
                since_last_seal=since_last_seal,
                branches=readable_ids(session, actor, staff, every),
            )

    def log_mark(self, actor: Actor) -> int:
        """How far the log of the branch ``actor`` reads has got: every write of the branch, on
        any terminal, adds a link to its chain. The desk's cue to read the day again."""
        with self.db.read() as session:
            branch = authorized_branch(session, actor, Permission.READ_LOG)
            found = head(session.connection(), branch.id)
            return found[0] if found else 0

    def chain_mark(self, branch_id: int | None = None) -> Mark | None:
        """The head of the branch's chain now, as an export names it at its end."""
        with self.db.read_rows() as connection:
            return current_mark(connection, branch_id)

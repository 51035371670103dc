"""The header: branch, signed-in staff, and the clock in branch time."""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widgets import Static

from lobby_tui.domain.roles import ROLE_LABELS
from lobby_tui.locale import _

if TYPE_CHECKING:
    from lobby_tui.session import Session


class DutyHeader(Static):
    """One line: app, branch, who is signed in, branch-time clock. Names are shown literally."""

    def __init__(self, *, branch: str = "", staff: str = "", zone: ZoneInfo | None = None) -> None:
        super().__init__(id="duty-header")
        self.branch = branch
        self.staff = staff
        self.zone = zone or ZoneInfo("Asia/Shanghai")

    def on_mount(self) -> None:
        if hasattr(self.app, "session"):  # the branch and who is signed in, kept up to date
            self.watch(self.app, "session", self._show_session)
        self._tick()
        self.set_interval(1, self._tick)

    def _show_session(self, session: Session | None) -> None:
        if session is None:
            return
        branch = f"{session.branch.name} ({session.branch.code})" if session.branch else ""
        actor = session.actor
        staff = f"{actor.name} · {actor.staff_no} · {_(ROLE_LABELS[actor.role])}" if actor else ""
        self.show(branch=branch, staff=staff, zone=session.zone)

    def show(self, *, branch: str, staff: str, zone: ZoneInfo) -> None:
        self.branch, self.staff, self.zone = branch, staff, zone
        self._tick()

    def refresh_status(self) -> None:
        """Saves began or stopped waiting: shown now, not at the next tick."""
        self._tick()

    def _tick(self) -> None:
        clock = self.app.clock().astimezone(self.zone).strftime("%Y-%m-%d %H:%M:%S")
        line = Text("lobby-tui", style="bold")
        # What staff must not miss comes first, in sight on the narrowest terminal; the rest
        # of the line may be cut at its right end.
        store = getattr(self.app, "store", None)
        if store is not None and store.read_only:
            line.append("  ")
            line.append(f" {_('read-only')} ", style="bold reverse yellow")
        if waiting := self.saves_waiting():
            line.append("  ")
            line.append(waiting, style="bold reverse red")
        line.append(f"  {self.branch}  {self.staff}  {clock}")
        # One line of fixed size (app.tcss): a new text is a repaint of this line, not a layout
        # of the screen under it every second, and at every save that starts or stops waiting.
        self.update(line, layout=False)

    def saves_waiting(self) -> str:
        """``2 waiting to save: the database is busy``, or nothing when every save landed."""
        writes = getattr(self.app, "writes", None)
        if writes is None:
            return ""
        count, fault = writes.status()
        if not count:
            return ""
        if fault is None:
            return " {} ".format(_("{count} waiting to save").format(count=count))
        from lobby_tui.data.faults import FAULT_LABELS, Fault

        if fault is Fault.UNREACHABLE:  # a terminal of a shared server, logging on by itself
            said = _("offline — {count} waiting").format(count=count)
        else:
            why = _(FAULT_LABELS[fault])
            said = _("{count} waiting to save: {why}").format(count=count, why=why)
        return f" {said} "

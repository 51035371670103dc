"""Saves that landed, were refused or wait, as the App hears of them (docs/architecture.md,
"The write queue"), and the one place a committed write is announced to the screens."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual import on
from textual.app import App

from lobby_tui.locale import _
from lobby_tui.messages import Change, Failed, LogChanged, Wrote, change_of
from lobby_tui.writes import SaveLanded, SaveReturned, SavesChanged, WriteRefused

if TYPE_CHECKING:
    from lobby_tui.data.pending import PendingSave
    from lobby_tui.data.views import EntryView


class HandlesSaves(App):
    def writable(self) -> bool:
        """False, said at once, on a database opened read-only: before anything is typed."""
        if self.store is not None and self.store.read_only:
            self.notify(
                _("This database is read-only (an archive copy): nothing can be written here."),
                severity="warning",
            )
            return False
        return True

    @on(SaveLanded)
    def _save_landed(self, event: SaveLanded) -> None:
        """A save landed after staff left its form, or one kept from an earlier start."""
        self.announce(getattr(event.result, "entry", event.result), added=True)

    @on(SaveReturned)
    def _save_returned(self, event: SaveReturned) -> None:
        self.keep_returned(event.save, event.error)

    def keep_returned(self, save: PendingSave, error: Exception) -> None:
        """A save refused for good while its form was busy or gone: it goes back into that form
        the next time it is empty, for the staff member who typed it."""
        self.returned.append(replace(save, error=_first_line(error)))
        said = _("Not saved: {error}. The entry comes back in its form when the form is empty.")
        self.notify(
            said.format(error=_first_line(error)),
            severity="error",
            timeout=15,
        )

    def take_returned(self, form: str) -> PendingSave | None:
        """The oldest refused save of ``form`` typed by the signed-in staff member, if any."""
        for save in self.returned:
            if save.form == form and self._mine(save):
                self.returned.remove(save)
                return save
        return None

    def _mine(self, save: PendingSave) -> bool:
        return self.actor is not None and save.actor.staff_no == self.actor.staff_no

    @on(SavesChanged)
    def _saves_changed(self, _event: SavesChanged) -> None:
        from lobby_tui.widgets.header import DutyHeader

        for header in self.screen.query(DutyHeader):
            header.refresh_status()
        if hasattr(self.screen, "saves_waiting"):
            self.screen.saves_waiting(self.writes.waiting)

    def on_write_refused(self, event: WriteRefused) -> None:
        """A change refused after staff left the screen that asked for it: say so."""
        self.report_failure(event.error)

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self.report_failure(event.error)

    def report_failure(self, error: Exception) -> None:
        first_line = _first_line(error)
        self.notify(
            _("Not saved, nothing lost: {error}").format(error=first_line),
            severity="error",
            timeout=15,
        )

    @on(Wrote)
    def _wrote(self, event: Wrote) -> None:
        self.announce(event.entry, added=event.added, what=event.what)

    def announce(self, entry: EntryView | None, *, added: bool, what: Change | None = None) -> None:
        """A write was committed: said once to every screen that shows such things. Called
        on the UI thread; screens posting ``Wrote`` come here one turn of the loop later."""
        change = LogChanged(what or change_of(entry), entry, added, self.writes.answered)
        self.log_changed.publish(change)


def _first_line(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}".splitlines()[0]

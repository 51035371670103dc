"""Keys for the selected entry, shared by the desk's timeline and the open items."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from lobby_tui.domain.complaints import CASE_STEP_REFUSAL
from lobby_tui.domain.roles import CHANGE_REFUSAL, may_change_entry
from lobby_tui.locale import N_, _
from lobby_tui.screens.registry import dialog, open_case, open_entry

if TYPE_CHECKING:
    from lobby_tui.data.views import EntryView


class EntryActions:
    """Mixin for a screen with a selected entry: Enter shows its history (a complaint entry:
    its case), e revises, v voids."""

    ENTRY_BINDINGS = (
        Binding("enter", "entry_detail", N_("History"), id="entry_history"),
        Binding("e", "entry_revise", N_("Revise"), id="entry_revise"),
        Binding("v", "entry_void", N_("Void"), id="entry_void"),
    )

    def selected_entry(self) -> EntryView | None:
        raise NotImplementedError

    def on_data_table_row_selected(self) -> None:
        # Enter on a table row: the table takes the key before the screen's binding sees it.
        self.action_entry_detail()

    def action_entry_detail(self) -> None:
        entry = self.selected_entry()
        if entry is not None and entry.complaint_id is not None:
            open_case(self.app, entry.complaint_id)
        elif entry is not None:
            open_entry(self.app, entry.id)

    def action_entry_revise(self) -> None:
        if not self.app.writable():
            return
        if (entry := self.selected_entry()) and self._changeable(entry):
            self.app.push_screen(dialog("revise", entry), callback=self._entry_changed)

    def action_entry_void(self) -> None:
        if not self.app.writable():
            return
        if (entry := self.selected_entry()) and self._changeable(entry):
            self.app.push_screen(dialog("void", entry), callback=self._entry_changed)

    def _changeable(self, entry: EntryView) -> bool:
        """Say why an entry may not be changed before the dialog asks for a reason it would
        then refuse (the data layer refuses the same): a complaint step is corrected on its
        case; lobby staff change only their own entries of the shift they are on."""
        actor = self.session.actor
        own = entry.staff_no == actor.staff_no and entry.shift_id == actor.shift_id
        if entry.complaint_id is not None:
            refused = CASE_STEP_REFUSAL
        elif not may_change_entry(actor.role, own_entry_this_shift=own):
            refused = CHANGE_REFUSAL
        else:
            return True
        self.notify(_(refused), severity="warning")
        return False

    def _entry_changed(self, entry: EntryView | None) -> None:
        if entry is not None:
            self.wrote(entry)

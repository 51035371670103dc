"""Today's timeline on the duty desk: newest first, every value shown literally."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from lobby_tui.domain.kinds import KIND_LABELS, Kind
from lobby_tui.domain.lists import BranchLists
from lobby_tui.domain.masking import mask
from lobby_tui.locale import _
from lobby_tui.widgets.cells import cell_line
from lobby_tui.widgets.choices import summary

if TYPE_CHECKING:
    from lobby_tui.data.views import EntryView


def plain(value: str | None, width: int = 80) -> Text:
    """A cell that can never be read as markup nor carry a control character to the terminal."""
    return Text(cell_line(mask(value) or "", width), no_wrap=True, overflow="ellipsis", end="")


class Timeline(DataTable):
    """The entries of one day. Cells are ``Text``: DataTable would parse a ``str`` as markup."""

    def on_mount(self) -> None:
        self._shown: list[tuple[int, int, bool]] = []
        self._cells: dict[tuple[int, int, bool], tuple[Text | str, ...]] = {}
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_column(_("Time"), key="time", width=5)
        kind_cells = max(cell_len(_(label)) for label in KIND_LABELS.values())
        self.add_column(_("Kind"), key="kind", width=max(kind_cells, cell_len(_("Kind"))))
        self.add_column(_("Ticket"), key="ticket", width=6)
        self.add_column(_("Staff"), key="staff", width=10)
        self.add_column(_("Entry"), key="text", width=20)

    def on_resize(self) -> None:
        self._fit_text_column()

    def fixed_cells(self) -> int:
        """Cells taken by everything but the entry's text: the other columns, every column's
        padding, the scroll bar."""
        fixed = sum(column.width for key, column in self.columns.items() if key != "text")
        return fixed + 2 * self.cell_padding * len(self.columns) + 1

    def _fit_text_column(self) -> None:
        # The entry's text takes what the fixed columns leave, whatever the rows hold, so the
        # table looks the same however soon after a reload it is drawn.
        column = self.columns[ColumnKey("text")]
        column.width = max(20, self.scrollable_content_region.width - self.fixed_cells())
        column.auto_width = False
        self.refresh()

    def show(self, entries: Sequence[EntryView], zone: ZoneInfo, lists: BranchLists) -> None:
        shown = [(entry.id, entry.revision, entry.voided) for entry in entries]
        if shown == self._shown:
            return
        # A save adds one row on top; the others are drawn as before, from the cache.
        cells = {key: self._cells.get(key) for key in shown}
        at = self._shown[self.cursor_row][0] if 0 < self.cursor_row < len(self._shown) else None
        self.clear()
        for key, entry in zip(shown, entries, strict=True):
            row = cells[key] or self._row_cells(entry, zone, lists)
            cells[key] = row
            self.add_row(*row, key=str(entry.id))
        self._shown, self._cells = shown, cells
        # Read again (another terminal's save, a revision): the cursor stays on its entry.
        ids = [key[0] for key in shown]
        if at in ids:
            self.move_cursor(row=ids.index(at), animate=False)

    def add_on_top(
        self, entry: EntryView, zone: ZoneInfo, lists: BranchLists, limit: int | None
    ) -> None:
        """Put a new entry above the others without drawing them again (a save at rush hour);
        the last row goes when there are more than ``limit`` (None: kept)."""
        key = (entry.id, entry.revision, entry.voided)
        cells = self._row_cells(entry, zone, lists)
        self._cells[key] = cells
        self.add_row(*cells, key=str(entry.id))
        self._shown.insert(0, key)
        if limit is not None and len(self._shown) > limit:
            gone = self._shown.pop()
            self.remove_row(str(gone[0]))
            self._cells.pop(gone, None)
        # DataTable appends; its sort puts the new row first, the others keeping their order.
        rank = {shown[0]: position for position, shown in enumerate(self._shown)}
        self.sort("time", key=lambda time: rank[time.entry_id])

    @staticmethod
    def _row_cells(entry: EntryView, zone: ZoneInfo, lists: BranchLists) -> tuple[Text | str, ...]:
        line = summary(lists, entry)
        marker = _("[void] ") if entry.voided else _("[revised] ") if entry.revision > 1 else ""
        return (
            _TimeCell(entry.occurred_at.astimezone(zone).strftime("%H:%M"), entry.id),
            Text(_(KIND_LABELS[Kind(entry.kind)]), end=""),
            plain(entry.ticket, 6),
            plain(entry.staff_name, 10),
            Text(marker, style="bold", no_wrap=True, overflow="ellipsis", end="")
            + plain(line, 200),
        )


class _TimeCell(str):
    """The time shown in a row, carrying its entry's id so the rows can be put in order."""

    entry_id: int

    def __new__(cls, text: str, entry_id: int) -> _TimeCell:
        cell = super().__new__(cls, text)
        cell.entry_id = entry_id
        return cell

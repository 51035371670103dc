"""Table columns that fit the terminal: full widths on a wide one; on a narrow one the same
columns narrower, then the least needed dropped, so the text column keeps room to be read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from lobby_tui.locale import _

SCROLL_BAR = 2


@dataclass(frozen=True)
class Column:
    """A column: ``wide`` cells on a wide terminal, down to ``narrow``; ``keep`` False lets it
    go when even the narrow widths leave too little for the text column. A column without
    widths is the text column: it takes the rest."""

    key: str
    label: str  # marked with N_, translated when shown
    wide: int = 0
    narrow: int = 0
    keep: bool = True


def fit_columns(table: DataTable, columns: Sequence[Column], least: int = 24) -> bool:
    """Give ``table`` the columns that fit its width, the text column at least ``least`` cells
    where possible. True when the set of columns changed: the caller adds its rows again."""
    available = table.scrollable_content_region.width or table.app.size.width
    fixed = [column for column in columns if column.wide]
    text = [column for column in columns if not column.wide]

    def cost(shown: Sequence[Column], width: Mapping[str, int]) -> int:
        padding = 2 * table.cell_padding * (len(shown) + len(text))
        return sum(width[column.key] for column in shown) + padding + SCROLL_BAR

    shown = list(fixed)
    widths = {column.key: max(column.wide, cell_len(_(column.label))) for column in fixed}
    if cost(shown, widths) + least > available:
        # A header cut in the middle reads as another word: the label stays whole.
        widths = {column.key: max(column.narrow, cell_len(_(column.label))) for column in fixed}
        if cost(shown, widths) + least > available:
            shown = [column for column in fixed if column.keep]
    rest = max(least // 2, available - cost(shown, widths))
    keys = [column.key for column in shown + text]
    rebuilt = [key.value for key in table.columns] != keys
    if rebuilt:
        table.clear(columns=True)
        for column in columns:
            if column.key in keys:
                table.add_column(
                    _(column.label), key=column.key, width=widths.get(column.key, rest)
                )
    for column in shown:
        table.columns[ColumnKey(column.key)].width = widths[column.key]
    for column in text:
        table.columns[ColumnKey(column.key)].width = rest
    for column in table.columns.values():
        column.auto_width = False
    table.refresh()
    return rebuilt


def row_cells(table: DataTable, cells: Mapping[str, object]) -> list[object]:
    """The cells of a row for the columns ``table`` shows now, in their order."""
    return [cells[key.value] for key in table.columns]


def cut(text: Text) -> Text:
    """``text`` drawn on one line, cut with an ellipsis at its column's edge."""
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text

"""Text measured and cut by terminal cells: a Chinese character takes two, so a cut by
characters would leave a Chinese line twice as wide as its room."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size

from lobby_tui.domain.text import visible


def cell_line(text: str, width: int = 80) -> str:
    """A single visible line of at most ``width`` terminal cells, cut with an ellipsis, for
    timelines and tables."""
    return fit_cells(visible(text), width)


def fit_cells(text: str, width: int, *, ellipsis: bool = True) -> str:
    """``text`` cut to at most ``width`` terminal cells, never in the middle of a wide
    character; with ``ellipsis`` the cut is marked with "…"."""
    if cell_len(text) <= width:
        return text
    if width < 1:
        return ""
    if not ellipsis:
        return set_cell_size(text, width).rstrip()
    cut = set_cell_size(text, width - 1)
    # A wide character that did not fit leaves a padding space: the ellipsis takes its place.
    return cut.rstrip(" ") + "…"

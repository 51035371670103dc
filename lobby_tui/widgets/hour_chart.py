"""A column chart of entries per hour, drawn with block characters in eighths of a cell."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

EIGHTHS = " ▁▂▃▄▅▆▇█"


def columns(counts: Sequence[int], height: int) -> list[str]:
    """The chart's rows, top first: one column two cells wide per count, a space between, the
    tallest ``height`` rows high. A count above zero is never drawn empty."""
    most = max(counts, default=0)
    levels = [max(1, round(c * height * 8 / most)) if c and most else 0 for c in counts]
    rows = []
    for row in range(height - 1, -1, -1):
        cells = (EIGHTHS[min(8, max(0, level - row * 8))] * 2 for level in levels)
        rows.append(" ".join(cells))
    return rows


class HourChart(Static):
    """Entries per hour for the hours given; the axis says the tallest column's count."""

    DEFAULT_CSS = """
    HourChart {
        height: auto;
        color: $accent;
    }
    """

    def __init__(self, *, height: int = 8, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.rows = height

    def show(self, counts: Sequence[int], hours: range) -> None:
        shown = [counts[hour] for hour in hours]
        most = max(shown, default=0)
        width = len(str(most))
        chart = Text(no_wrap=True)
        for number, row in enumerate(columns(shown, self.rows)):
            axis = str(most) if number == 0 else "0" if number == self.rows - 1 else ""
            chart.append(f"{axis:>{width}} ┤", style="dim")
            chart.append(row + "\n", style="bold")
        chart.append(" " * (width + 2) + " ".join(f"{hour:02d}" for hour in hours), style="dim")
        self.update(chart)

"""The log browser's rows: a window onto the whole log, drawn one line at a time.

The widget holds a run of consecutive pages (at most ``MAX_ROWS`` entries), never the log. It
draws only the lines on screen (Textual's Line API), each from a cache of rendered rows. When the
cursor comes near either end of the run it asks for the next page with ``NeedPage``; the screen
reads it in a thread worker and hands it back with ``add_older``/``add_newer``, and rows far
from the cursor are let go.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from lobby_tui.domain.kinds import KIND_LABELS
from lobby_tui.domain.lists import BranchLists
from lobby_tui.locale import N_, _
from lobby_tui.widgets.bindings import translate_bindings
from lobby_tui.widgets.cells import cell_line, fit_cells
from lobby_tui.widgets.choices import summary

if TYPE_CHECKING:
    from lobby_tui.data.views import EntryView, LogPage

MAX_ROWS = 600
# Ask for the next page while this many rows are still below (or above) the cursor.
PREFETCH = 60
WIDTHS = {"time": 17, "kind": 10, "ticket": 7, "staff": 11}


class LogView(ScrollView, can_focus=True, inherit_bindings=False):
    DEFAULT_CSS = """
    LogView {
        height: 1fr;
        background: $surface;
        & > .log-view--cursor { background: $accent 40%; text-style: bold; }
        &:focus > .log-view--cursor { background: $accent; }
        & > .log-view--void { color: $text-muted; text-style: strike; }
        & > .log-view--marker { color: $warning; text-style: bold; }
        & > .log-view--time { color: $text-muted; }
    }
    """
    COMPONENT_CLASSES = {
        "log-view--cursor",
        "log-view--void",
        "log-view--marker",
        "log-view--time",
    }
    BINDINGS = [
        Binding("up", "cursor(-1)", N_("Up"), id="log_up", show=False),
        Binding("down", "cursor(1)", N_("Down"), id="log_down", show=False),
        Binding("pageup", "page(-1)", N_("Page up"), id="log_page_up", show=False),
        Binding("pagedown", "page(1)", N_("Page down"), id="log_page_down", show=False),
        Binding("home", "newest", N_("Newest"), id="log_newest"),
        Binding("end", "oldest", N_("Oldest"), id="log_oldest"),
        Binding("enter", "choose", N_("History"), id="log_history"),
    ]

    class NeedPage(Message):
        """Rows are wanted at ``where``: ``newer``, ``older``, ``newest`` or ``oldest``."""

        def __init__(self, log_view: LogView, where: str) -> None:
            super().__init__()
            self.log_view = log_view
            self.where = where

    class Chosen(Message):
        def __init__(self, entry: EntryView) -> None:
            super().__init__()
            self.entry = entry

    def __init__(self, zone: ZoneInfo, lists: BranchLists, **kwargs) -> None:
        super().__init__(**kwargs)
        translate_bindings(self)
        self.zone = zone
        self.lists = lists
        self.rows: list[EntryView] = []
        self.cursor = 0
        self.newer = False
        self.older = False
        self.waiting: set[str] = set()
        self._strips: dict[tuple[int, int, bool], Strip] = {}

    # -- what the screen hands over ----------------------------------------------------------

    def show_page(self, page: LogPage, *, at_end: bool = False) -> None:
        """Replace the rows with ``page``; the cursor on its first row (last with ``at_end``)."""
        self.waiting.clear()
        self._strips.clear()
        self.rows = list(page.entries)
        self.newer, self.older = page.newer, page.older
        self._resize()
        self.cursor = max(0, len(self.rows) - 1) if at_end else 0
        self.scroll_to(y=self.cursor, animate=False, immediate=True)
        self._follow_cursor()

    def add_older(self, page: LogPage) -> None:
        """Rows just older than the last one, at the bottom; the top ones beyond MAX_ROWS go."""
        self.waiting.discard("older")
        self.rows.extend(page.entries)
        self.older = page.older
        drop = max(0, len(self.rows) - MAX_ROWS)
        if drop:
            self._forget(self.rows[:drop])
            del self.rows[:drop]
            self.newer = True
        self._resize()
        self.cursor -= drop
        self.scroll_to(y=max(0, self.scroll_y - drop), animate=False, immediate=True)
        self._follow_cursor()

    def add_newer(self, page: LogPage) -> None:
        """Rows just newer than the first one, on top; the bottom ones beyond MAX_ROWS go."""
        self.waiting.discard("newer")
        added = len(page.entries)
        self.rows[:0] = page.entries
        self.newer = page.newer
        if len(self.rows) > MAX_ROWS:
            self._forget(self.rows[MAX_ROWS:])
            del self.rows[MAX_ROWS:]
            self.older = True
        self._resize()
        self.cursor += added
        self.scroll_to(y=self.scroll_y + added, animate=False, immediate=True)
        self._follow_cursor()

    @property
    def current(self) -> EntryView | None:
        return self.rows[self.cursor] if self.rows else None

    # -- keys -----------------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        self._move(step)

    def action_page(self, step: int) -> None:
        self._move(step * max(1, self.scrollable_content_region.height - 1))

    def action_newest(self) -> None:
        self._ask("newest")

    def action_oldest(self) -> None:
        self._ask("oldest")

    def action_choose(self) -> None:
        if self.current is not None:
            self.post_message(self.Chosen(self.current))

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_y) + event.y
        if 0 <= index < len(self.rows):
            self.cursor = index
            self.refresh()
            if event.chain == 2:
                self.action_choose()

    def _move(self, step: int) -> None:
        if not self.rows:
            return
        self.cursor = max(0, min(len(self.rows) - 1, self.cursor + step))
        self._follow_cursor()

    def _follow_cursor(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)
        if self.older and self.cursor >= len(self.rows) - PREFETCH:
            self._ask("older")
        if self.newer and self.cursor < PREFETCH:
            self._ask("newer")
        self.refresh()

    def _ask(self, where: str) -> None:
        if where not in self.waiting:
            self.waiting.add(where)
            self.post_message(self.NeedPage(self, where))

    # -- drawing --------------------------------------------------------------------------

    def _resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.rows))
        self.refresh()

    def on_resize(self) -> None:
        self._strips.clear()
        self._resize()

    def _forget(self, rows: list[EntryView]) -> None:
        for entry in rows:
            self._strips.pop((entry.id, entry.revision, entry.voided), None)

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self.rows):
            return Strip.blank(width, base)
        strip = self._strip(self.rows[index]).crop_extend(0, width, base)
        if index == self.cursor:
            # Over the row's own styles (a plain apply_style goes under them: only the bold
            # would show), so the current row has the bar the desk's timeline has.
            cursor = self.get_component_rich_style("log-view--cursor")
            strip = Strip(Segment.apply_style(strip, post_style=cursor), strip.cell_length)
        return strip

    def _strip(self, entry: EntryView) -> Strip:
        key = (entry.id, entry.revision, entry.voided)
        strip = self._strips.get(key)
        if strip is None:
            line = self.row_text(entry)
            line.truncate(self.scrollable_content_region.width, overflow="ellipsis")
            strip = Strip(list(line.render(self.app.console)), line.cell_len)
            strip = strip.apply_style(self.rich_style)
            self._strips[key] = strip
        return strip

    def row_text(self, entry: EntryView) -> Text:
        """One entry as a line: time, kind, ticket, staff, then what it is about. Every value is
        plain text (masked in the view), one line."""
        when = entry.occurred_at.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")
        label = KIND_LABELS.get(entry.kind)
        kind = _(label) if label else entry.kind
        line = Text(no_wrap=True, end="")
        line.append(_column(when, "time"), self._style("log-view--time"))
        line.append(_column(kind, "kind"))
        line.append(_column(cell_line(entry.ticket or "", 8), "ticket"))
        line.append(_column(cell_line(entry.staff_name, 20), "staff"))
        if entry.voided:
            line.append(_("[void] "), self._style("log-view--marker"))
        elif entry.revision > 1:
            line.append(_("[revised] "), self._style("log-view--marker"))
        text_style = self._style("log-view--void") if entry.voided else ""
        line.append(cell_line(summary(self.lists, entry) or "", 300), text_style)
        return line

    def _style(self, name: str):
        return self.get_component_rich_style(name, partial=True)


def _column(value: str, name: str) -> str:
    """``value`` cut or padded to its column, with one space before the next column."""
    return set_cell_size(fit_cells(value, WIDTHS[name] - 1), WIDTHS[name] - 1) + " "

"""The footer of every screen: F1–F9 first and always in sight, then this screen's own keys.

F1–F9 are the way around the program, so they keep their place and order on every screen and
in both languages, down to an 80-column terminal: the first line holds them (labels cut by
terminal cells only where nothing else fits), the second this screen's keys, then Ctrl+L, Ctrl+Q
and Ctrl+P. Keys that do not fit the second line are still listed by F1.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

from lobby_tui.locale import N_, _
from lobby_tui.widgets.cells import fit_cells

# The binding ids of F1–F9, in the order they are shown (a keymap may move them to other keys).
GLOBAL_KEYS = (
    "help",
    "queue",
    "enquiry",
    "handoff",
    "complaint",
    "open_items",
    "log",
    "summary",
    "checklists",
)
# Shown last, after the screen's own keys.
TRAILING_KEYS = ("lock", "quit")
PALETTE_ACTION = "app.command_palette"
GAP = 1  # cells between two keys
# Shorter labels for F1–F9 on a terminal too narrow for their descriptions.
SHORT_LABELS = {
    "queue": N_("Queue"),
}


class LobbyFooter(Widget):
    """Two lines drawn from the screen's active bindings, redrawn only when they change."""

    DEFAULT_CSS = """
    LobbyFooter {
        dock: bottom;
        height: 2;
        background: $footer-background;
        color: $footer-foreground;
    }
    LobbyFooter > .footer--key {
        color: $footer-key-foreground;
        background: $primary 40%;
        text-style: bold;
    }
    LobbyFooter > .footer--description {
        color: $footer-description-foreground;
    }
    LobbyFooter > .footer--disabled {
        color: $text-disabled;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "footer--key",
        "footer--description",
        "footer--disabled",
    }

    _shown: tuple | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        # The focus moves with every field of a form: most moves change nothing shown here.
        shown = tuple(self._keys(screen))
        if shown != self._shown:
            self._shown = shown
            self.refresh()

    def _keys(self, screen: Screen) -> list[tuple[str, str, str, bool]]:
        """(id, key as printed, description, enabled) of every binding shown, F1–F9 first."""
        found: dict[str, tuple[str, str, str, bool]] = {}
        local: list[tuple[str, str, str, bool]] = []
        palette: tuple[str, str, str, bool] | None = None
        seen_actions: set[str] = set()
        for active in screen.active_bindings.values():
            binding: Binding = active.binding
            is_palette = binding.action in (PALETTE_ACTION, "command_palette")
            if not (binding.show or is_palette) or binding.action in seen_actions:
                continue
            if not binding.description:
                continue
            seen_actions.add(binding.action)
            key = (binding.id or "", self.app.get_key_display(binding), binding.description)
            shown = (*key, active.enabled)
            if binding.id in GLOBAL_KEYS or binding.id in TRAILING_KEYS:
                found[binding.id] = shown
            elif is_palette:
                palette = shown
            else:
                local.append(shown)
        keys = [found[name] for name in GLOBAL_KEYS if name in found]
        keys += local
        keys += [found[name] for name in TRAILING_KEYS if name in found]
        if palette is not None:
            keys.append(palette)
        return keys

    def render(self) -> Text:
        keys = list(self._shown or ())
        width = self.size.width
        first = [key for key in keys if key[0] in GLOBAL_KEYS]
        rest = keys[len(first) :]
        line = self._global_line(first, width)
        if line is None:
            # Not even cut labels fit: every key flows over both lines, in order.
            line, rest = self._fill(first + rest, width)
        second, left_out = self._fill(rest, width)
        if left_out:
            # Keys that do not fit are listed by F1: "…" says there are more.
            second, _left_out = self._fill(rest, width - 2)
            second.append("…", style=self.get_component_rich_style("footer--description"))
        line.append("\n")
        line.append_text(second)
        return line

    def _item(self, key: tuple[str, str, str, bool], label_cells: int | None = None) -> Text:
        _id, shown_key, description, enabled = key
        if label_cells is not None:
            description = fit_cells(description, label_cells, ellipsis=False)
        style = self.get_component_rich_style("footer--key")
        label_style = self.get_component_rich_style("footer--description")
        if not enabled:
            style = label_style = self.get_component_rich_style("footer--disabled")
        item = Text(shown_key, style=style)
        if description:
            item.append(" " + description, style=label_style)
        return item

    def _global_line(self, keys: list[tuple[str, str, str, bool]], width: int) -> Text | None:
        """F1–F9 on one line: with their labels if they fit, else with the short ones, else with
        the short ones and no gap (each key is drawn as a key cap), else cut to fit."""
        if not keys:
            return Text(" ")
        short = [
            (*key[:2], _(SHORT_LABELS[key[0]]) if key[0] in SHORT_LABELS else key[2], key[3])
            for key in keys
        ]
        for shown, gap in ((keys, GAP), (short, GAP), (short, 0)):
            line = Text(" " if gap else "")
            for key in shown:
                line.append_text(self._item(key))
                line.append(" " * gap)
            line.rstrip()
            if line.cell_len <= width:
                return line
        fixed = sum(cell_len(key[1]) + 1 for key in short)
        for cells in range(max(cell_len(key[2]) for key in short), 1, -1):
            if fixed + sum(min(cell_len(key[2]), cells) for key in short) <= width:
                line = Text()
                for key in short:
                    line.append_text(self._item(key, cells))
                return line
        return None

    def _fill(
        self, keys: list[tuple[str, str, str, bool]], width: int
    ) -> tuple[Text, list[tuple[str, str, str, bool]]]:
        """As many of ``keys`` as fit on one line of ``width`` cells, and those left over."""
        line = Text(" ")
        for index, key in enumerate(keys):
            item = self._item(key)
            if line.cell_len + item.cell_len > width:
                return line, keys[index:]
            line.append_text(item)
            line.append(" " * GAP)
        return line, []

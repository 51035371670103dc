"""A short list picked with one digit: the choices are shown beside the field, numbered 1–9.

Digits are handled by the form (in key order, so the next key already lands in the next field);
the arrow keys walk longer lists.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from lobby_tui.widgets.cells import fit_cells


class PickField(Widget, can_focus=True):
    BINDINGS = [
        Binding("down,right", "move(1)", id="pick_next", show=False),
        Binding("up,left", "move(-1)", id="pick_previous", show=False),
    ]

    index: reactive[int | None] = reactive(None)

    class Changed(Message):
        def __init__(self, pick: PickField) -> None:
            super().__init__()
            self.pick = pick

        @property
        def control(self) -> PickField:
            return self.pick

    def __init__(
        self, choices: tuple[tuple[str, str], ...], default: str | None, *, id: str
    ) -> None:
        super().__init__(id=id)
        self.choices = choices
        self.default = default
        self.set_reactive(PickField.index, self._index_of(default))

    def _index_of(self, code: str | None) -> int | None:
        codes = [code for code, _label in self.choices]
        return codes.index(code) if code in codes else None

    @property
    def value(self) -> str:
        """The code of the chosen item, or "" when nothing is chosen."""
        return "" if self.index is None else self.choices[self.index][0]

    @value.setter
    def value(self, code: str) -> None:
        self.index = self._index_of(code)

    def reset(self) -> None:
        self.index = self._index_of(self.default)

    def pick(self, number: int) -> bool:
        """Choose item ``number`` (1-based); False when the list is shorter."""
        if 1 <= number <= len(self.choices):
            self.index = number - 1
            return True
        return False

    def action_move(self, step: int) -> None:
        start = -1 if self.index is None and step > 0 else (self.index or 0)
        self.index = (start + step) % len(self.choices)

    def watch_index(self) -> None:
        self.post_message(self.Changed(self))

    def render(self) -> Text:
        return self._laid_out(self.content_region.width or 80)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._laid_out(width).plain.split("\n"))

    def _laid_out(self, width: int) -> Text:
        # Laid out here, by terminal cells: Rich wraps at any space, no-break ones included,
        # and would part a number from its label ("7 ⏎ 7号窗口").
        line = Text(no_wrap=True, overflow="ellipsis")
        used = 0
        for number, (_code, label) in enumerate(self.choices, start=1):
            chosen = number - 1 == self.index
            key = str(number) if number <= 9 else "·"
            style = "reverse bold" if chosen else ""
            item = Text(f" {key} ", style=style or "bold")
            item.append(fit_cells(label, max(1, width - 4)), style=style)
            if used and used + SEPARATOR + item.cell_len > width:
                line.append("\n")
                used = 0
            elif used:
                line.append(" " * SEPARATOR)
                used += SEPARATOR
            line.append_text(item)
            used += item.cell_len
        return line


SEPARATOR = 2  # cells between two items

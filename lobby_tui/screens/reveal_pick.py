"""Which masked value to reveal, when an entry has more than one: each shown as it is masked,
a digit reveals that one (and only that one is revealed and audited), Esc reveals nothing."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from lobby_tui.domain.text import one_line
from lobby_tui.locale import N_, _
from lobby_tui.screens.base import LobbyModal


class RevealPickScreen(LobbyModal):
    """Dismissed with the name of the field picked, or None."""

    DEFAULT_CSS = """
    RevealPickScreen { align: center middle; }
    #reveal-box {
        width: 72; height: auto; padding: 0 2; border: round $primary; background: $panel;
    }
    """
    BINDINGS = [
        Binding("escape", "dismiss(None)", N_("Cancel"), id="reveal_cancel"),
        *(
            Binding(str(digit), f"pick({digit})", N_("Reveal"), id=f"reveal_{digit}", show=False)
            for digit in range(1, 10)
        ),
    ]

    def __init__(self, choices: list[tuple[str, str, str]]) -> None:
        """``choices``: (field name, its label, its value as masked), in the order shown."""
        super().__init__(id="reveal-pick")
        self.choices = choices[:9]

    def compose(self) -> ComposeResult:
        lines = Text()
        for number, (_name, label, masked) in enumerate(self.choices, 1):
            lines.append(f"{number}  {label}: ", style="bold")
            lines.append(one_line(masked, 50) + "\n")
        with Vertical(id="reveal-box"):
            yield Static(
                _("Reveal which value? It is recorded in the audit log."), classes="box-title"
            )
            yield Static(lines, id="reveal-choices")
            hint = _("1–{last}: reveal that value · Esc: cancel").format(last=len(self.choices))
            yield Static(hint, classes="hint")

    def action_pick(self, number: int) -> None:
        if 1 <= number <= len(self.choices):
            self.dismiss(self.choices[number - 1][0])

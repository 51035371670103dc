"""F1: every key of the screen below and the global ones."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from lobby_tui.locale import N_, _
from lobby_tui.screens.base import LobbyModal


class HelpScreen(LobbyModal):
    BINDINGS = [
        Binding("escape", "dismiss", N_("Close"), id="close_help"),
        Binding("f1", "dismiss", N_("Close"), id="close_help_f1", show=False),
    ]

    def __init__(self, keys: list[tuple[str, str]], id: str | None = None) -> None:
        super().__init__(id=id)
        self.keys = keys

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="box"):
            yield Static(_("Keys"), classes="box-title")
            yield DataTable(id="help-keys", cursor_type="row", zebra_stripes=True)
            yield Static(_("Esc: close"), classes="hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("Key"), _("What it does"))
        for key, description in self.keys:
            table.add_row(Text(key, style="bold"), Text(description))
        self.set_focus(table)

"""Export from F7: where to write the entries the log browser's filter shows, and in which
format (those of ``lobby-tui export``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Select, Static

from lobby_tui.locale import N_, _
from lobby_tui.screens.base import LobbyModal


class LogExportScreen(LobbyModal):
    """Dismissed with ``(path, format)``, or None when cancelled."""

    DEFAULT_CSS = """
    LogExportScreen { align: center middle; }
    """
    BINDINGS = [
        Binding("escape", "dismiss(None)", N_("Cancel"), id="cancel_export"),
        Binding("ctrl+s", "export", N_("Export"), id="confirm_export"),
    ]

    def __init__(self, today: date, formats: tuple[str, ...]) -> None:
        super().__init__(id="log-export")
        self.today = today
        self.formats = formats

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box", classes="box"):
            yield Static(_("Export the entries this filter shows"), classes="box-title")
            yield Select(
                [(fmt, fmt) for fmt in self.formats],
                value=self.formats[0],
                allow_blank=False,
                id="export-format",
            )
            yield Input(self._path(self.formats[0]), id="export-path")
            yield Static("", id="export-error", markup=False)
            yield Static(_("Enter or Ctrl+S: export · Esc: cancel"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    def _path(self, fmt: str) -> str:
        return str(Path.home() / f"lobby-log-{self.today.isoformat()}.{fmt}")

    @on(Select.Changed, "#export-format")
    def _format_changed(self, event: Select.Changed) -> None:
        path = self.query_one("#export-path", Input)
        path.value = str(Path(path.value).with_suffix(f".{event.value}"))

    @on(Input.Submitted, "#export-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    def action_export(self) -> None:
        path = self.query_one("#export-path", Input).value.strip()
        if not path:
            self.query_one("#export-error", Static).update(_("Give a file name."))
            return
        fmt = str(self.query_one("#export-format", Select).value)
        self.dismiss((str(Path(path).expanduser()), fmt))

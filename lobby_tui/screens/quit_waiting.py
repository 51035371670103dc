"""Quitting while saves still wait for the database: asked first, never silently."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Static

from lobby_tui.locale import N_, _
from lobby_tui.screens.base import LobbyModal


class QuitWithSavesWaiting(LobbyModal):
    """Enter quits (the saves stay kept and are sent at the next start); Esc stays."""

    BINDINGS = [
        Binding("enter", "quit_anyway", N_("Quit"), id="quit_anyway"),
        Binding("escape", "stay", N_("Stay"), id="quit_stay"),
    ]

    def __init__(self, waiting: int, why: str) -> None:
        super().__init__(id="quit-waiting")
        self.waiting = waiting
        self.why = why

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="quit-box", classes="box"):
            yield Static(_("Saves still waiting"), classes="box-title")
            said = _("{count} waiting to save").format(count=self.waiting)
            if self.why:
                said = _("{count} waiting to save: {why}").format(count=self.waiting, why=self.why)
            yield Static(said, markup=False)
            yield Static(
                _(
                    "They are kept on this terminal and saved when the app next starts. "
                    "Enter: quit · Esc: stay"
                ),
                markup=False,
            )

    def action_quit_anyway(self) -> None:
        self.dismiss(True)

    def action_stay(self) -> None:
        self.dismiss(False)

"""F1: every key of the screen below and the global ones."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from lobby_tui.locale import N_, _
from lobby_tui.screens.base import LobbyModal
from lobby_tui.widgets.footer import GLOBAL_KEYS, TRAILING_KEYS


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


def help_keys(screen: Screen) -> list[tuple[str, str]]:
    """Every key of ``screen`` for F1, in the session's language: the screen's own first, then
    the global ones, then those of the widget in use (Textual's built-in keys are left out:
    they move a cursor, and are the same in every program)."""
    app: App = screen.app
    groups: tuple[list[tuple[str, str, str]], ...] = ([], [], [])
    seen: set[str] = set()
    for active in screen.active_bindings.values():
        binding, node = active.binding, active.node
        if not binding.description or not active.enabled or binding.description in seen:
            continue
        if binding.id is None or binding.action in ("command_palette", "app.command_palette"):
            continue  # Textual's own, or the palette: last, with what it does
        if node is screen:
            group = 0
        elif node is app:
            group = 1
        elif type(node).__module__.startswith("lobby_tui."):
            group = 2
        else:
            continue
        seen.add(binding.description)
        groups[group].append((app.get_key_display(binding), binding.description, binding.id))
    screen_keys, global_keys, widget_keys = groups
    order = {id: place for place, id in enumerate((*GLOBAL_KEYS, *TRAILING_KEYS))}
    global_keys.sort(key=lambda key: order.get(key[2], len(order)))
    keys = [(key, description) for key, description, _id in screen_keys + global_keys]
    keys += [(key, description) for key, description, _id in widget_keys]
    return [*keys, ("^P", _("Command palette: every screen and action"))]

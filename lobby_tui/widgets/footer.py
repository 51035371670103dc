"""The footer of every screen: Textual's, redrawn only when the keys it shows change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class LobbyFooter(Footer):
    """Textual's footer rebuilds all its keys whenever the focus moves; in a form that is every
    field, and each rebuild leaves watchers behind (Textual 8.2.8) that slow every later save.
    Here a rebuild happens only when the keys shown, or whether they are enabled, change."""

    _shown: tuple | None = None

    def bindings_changed(self, screen: Screen) -> None:
        shown = tuple(
            (active.binding.key, active.binding.description, active.enabled)
            for active in screen.active_bindings.values()
            if active.binding.show
        )
        if shown == self._shown and self._bindings_ready:
            return
        self._shown = shown
        super().bindings_changed(screen)

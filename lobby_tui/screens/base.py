"""What every screen of ours shares: bindings in the session's language."""

from __future__ import annotations

from textual.screen import ModalScreen, Screen

from lobby_tui.widgets.bindings import translate_bindings


class LobbyScreen(Screen):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)


class LobbyModal(ModalScreen):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)

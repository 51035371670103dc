"""The multi-line field of a form, in a module of its own: Textual's TextArea takes several
milliseconds to import, and the sign-in screen, the first frame, has no such field."""

from __future__ import annotations

from textual import events
from textual.widgets import TextArea

from lobby_tui.domain.text import typed


class FieldTextArea(TextArea):
    """A multi-line field: a pasted control character is kept in its place as its visible
    symbol; tabs and line breaks stay."""

    def _on_paste(self, event: events.Paste) -> None:
        event.text = typed(event.text, multi_line=True)  # TextArea's own handler then inserts it

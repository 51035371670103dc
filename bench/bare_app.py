"""The yardstick for first_frame: a Textual app with nothing but a header, a footer and a marker."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

# No spaces and one style, so the renderer writes it as one contiguous run of bytes.
MARKER = "BARE_READY"


class BareApp(App[None]):
    """What any Textual app with a header and footer costs to reach its first frame."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(content=MARKER)
        yield Footer()


if __name__ == "__main__":
    BareApp().run()

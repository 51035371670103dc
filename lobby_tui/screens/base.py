"""What every screen of ours shares: bindings in the session's language, and one place where a
background job's failure reaches the person (docs/faults.md)."""

from __future__ import annotations

from time import monotonic
from typing import TYPE_CHECKING, ClassVar
from weakref import WeakKeyDictionary

from rich.text import Text
from textual.app import App
from textual.message import Message
from textual.reactive import Reactive
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from lobby_tui.locale import _
from lobby_tui.messages import Change, Failed, Wrote
from lobby_tui.widgets.bindings import translate_bindings

if TYPE_CHECKING:
    from lobby_tui.session import Session


class ShowsFailures:
    """A screen's database work runs in thread workers; when one fails, the person is told,
    next to what they were doing (the screen's ``STATUS`` line, else a notification), in their
    language, and the screen stays usable.

    Textual posts ``Worker.StateChanged`` to the node that started the worker and does not
    bubble it, so the app alone never hears of a screen's failed job: every screen handles its
    own, here.
    """

    STATUS: ClassVar[str | None] = None  # the selector of the screen's status line

    @property
    def session(self) -> Session:
        """The sign-in context: store, actor, branch, zone, clock, write queue, settings."""
        return self.app.session

    def wrote(self, entry: object, *, added: bool = False, what: Change | None = None) -> None:
        """A write of this screen was committed: every screen showing such things catches up."""
        self.app.post_message(Wrote(entry, added=added, what=what))

    def report_failure(self, error: BaseException) -> None:
        """A refusal the screen has no better place for: the App says it (a notification)."""
        self.tell_app(Failed(error))

    def tell_app(self, message: Message) -> None:
        """Post ``message`` to the App (SignedIn, HandedOver, Unlocked…), which acts on it."""
        self.app.post_message(message)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            event.stop()
            self.job_failed(event.worker, event.worker.error)

    def job_failed(self, worker: Worker, error: BaseException) -> None:
        """Say what went wrong; screens with a better place for it override this."""
        self.app.log.error(f"{worker.group}: {error!r}")
        self.show_failure(failure_message(error))

    def show_failure(self, said: str) -> None:
        statuses = self.query(self.STATUS) if self.STATUS else []
        if statuses:
            statuses.first().update(Text(said, style="bold red"))
        else:
            notify_once(self.app, said)


# Per app: each failure notice on screen now, and until when it stays.
_SHOWING: WeakKeyDictionary[App, dict[str, float]] = WeakKeyDictionary()
FAILURE_SECONDS = 15


def notify_once(app: App, said: str) -> None:
    """Say ``said`` as an error notice, unless the same notice is still on screen: with the
    server out of reach every screen's reload fails alike, and one notice says it."""
    showing = _SHOWING.setdefault(app, {})
    now = monotonic()
    if showing.get(said, 0.0) > now:
        return
    showing[said] = now + FAILURE_SECONDS
    app.notify(said, severity="error", timeout=FAILURE_SECONDS)


def failure_message(error: BaseException) -> str:
    """One line for a failed job, in the session's language: why, when it is a fault that will
    clear, else what the store said."""
    from lobby_tui.data.faults import FAULT_LABELS, fault_of
    from lobby_tui.data.views import StoreError

    fault = fault_of(error)
    if fault is not None:
        return _("Could not be done: {why}. Try again when it clears.").format(
            why=_(FAULT_LABELS[fault])
        )
    if isinstance(error, StoreError):
        return _(str(error))
    first_line = f"{type(error).__name__}: {error}".splitlines()[0]
    return _("Could not be done: {error}").format(error=first_line)


# Textual repaints the whole screen when the focus moves (``Screen.focused`` is a repainting
# reactive), though the widgets whose look depends on it (``:focus``, ``:focus-within``) are
# restyled and repainted on their own. On a form that is every Enter, and the save that empties
# the form and puts the cursor back in its first field: 7 ms of drawing on the UI thread while
# the entry is being written (issue 15). Our screens repaint only what the focus changes.
def _focus_without_full_repaint() -> Reactive[Widget | None]:
    return Reactive(None, repaint=False)


class LobbyScreen(ShowsFailures, Screen):
    focused = _focus_without_full_repaint()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)


class LobbyModal(ShowsFailures, ModalScreen):
    focused = _focus_without_full_repaint()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)

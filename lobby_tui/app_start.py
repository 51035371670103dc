"""Opening the database behind the first frame (docs/architecture.md, "Start-up").

The sign-in screen is drawn before the database layer is imported; this worker opens the store
(importing SQLAlchemy), reads the saves a killed app left waiting, and hands both to the App.
"""

from __future__ import annotations

import gc
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from textual import on, work
from textual.app import App
from textual.message import Message

from lobby_tui.locale import _
from lobby_tui.screens.registry import screen_class

if TYPE_CHECKING:
    from lobby_tui.data.pending import PendingSave, PendingSaves
    from lobby_tui.data.store import Store
    from lobby_tui.data.views import BranchInfo, StaffInfo

YOUNG_COLLECTION = 10_000  # allocations between young garbage collections (Python: 700)
# The rules of every screen but sign-in; styles/app.tcss (the App's CSS_PATH) holds the rest.
SCREENS_CSS = Path(__file__).with_name("styles") / "screens.tcss"


def load_screens_css(app: App) -> None:
    """Add styles/screens.tcss to the App's stylesheet, after the first frame: the sign-in
    screen does not wait for rules it has no use for to be parsed. Added last, its rules come
    after app.tcss's, as they would in one file."""
    path = str(SCREENS_CSS)
    if not app.stylesheet.has_source(path):
        app.stylesheet.add_source(SCREENS_CSS.read_text(encoding="utf-8"), read_from=(path, ""))
        app.stylesheet.parse()
        app.stylesheet.update(app)


def collect_again() -> None:
    """Garbage collection back on after the first frame, when ``cli_common.run_tui`` turned it
    off for the start: what the start made, nearly all of it alive until the app ends, is
    frozen rather than scanned now. Nothing to do where collection was never off (tests)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


class OpensTheStore(App):
    class StoreOpened(Message):
        def __init__(
            self,
            store: Store,
            branch: BranchInfo | None,
            demo: list[StaffInfo],
            journal: PendingSaves,
            waiting: list[PendingSave],
            returned: list[PendingSave],
        ) -> None:
            super().__init__()
            self.store = store
            self.branch = branch
            self.demo = demo
            self.journal = journal
            self.waiting = waiting
            self.returned = returned

    class StoreFailed(Message):
        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open_store(self) -> None:
        from lobby_tui.data.pending import PendingSaves, journal_path
        from lobby_tui.data.store import Store
        from lobby_tui.domain.lists import default_lists

        # The shipped reference lists read here, behind the first frame, rather than when a
        # screen first asks for them (config.Settings.lists).
        default_lists()
        try:
            store = self.store or Store.open(
                self.settings.db, busy_timeout=self.settings.busy_timeout, clock=self.clock
            )
            journal = PendingSaves(journal_path(self.settings.pending_dir, store.db.url))
            # Saves a killed or quit app left waiting are sent before anything new.
            waiting, returned = journal.load()
            branch, demo = store.branches.get(), store.staff.demo_accounts()
            self.post_message(self.StoreOpened(store, branch, demo, journal, waiting, returned))
        except Exception as error:  # shown to staff as one line, never a traceback
            self.post_message(self.StoreFailed(f"{type(error).__name__}: {error}".splitlines()[0]))

    @on(StoreOpened)
    def _store_opened(self, event: StoreOpened) -> None:
        if self.store is None:
            from lobby_tui.data.pending import send

            self.writes.attach(event.journal, partial(send, event.store))
            self.writes.resume(event.waiting)
            self.returned = list(event.returned)
        self._replace_session(store=event.store, branch=event.branch)
        self.demo_staff = event.demo
        # Everything imported so far (Textual, SQLAlchemy: most of the objects there will ever
        # be) lives until the app ends. Frozen, it is left out of the full garbage collections
        # that would otherwise pause a save at rush hour for tens of milliseconds.
        gc.freeze()
        # A save makes thousands of short-lived objects in reference cycles (the session and
        # its rows, messages). With the default 700 allocations between young collections they
        # outlive two of them within the save, reach the old generation, and a full collection
        # of 17-40 ms follows every few saves; with 10,000 they are collected young.
        gc.set_threshold(YOUNG_COLLECTION, *gc.get_threshold()[1:])
        if event.branch is None:
            self.push_screen(screen_class("setup")(id="setup"))
            return
        self._replace_session(zone=ZoneInfo(event.branch.time_zone))
        self.sign_in_screen.show_branch(event.branch, event.demo)

    @on(StoreFailed)
    def _store_failed(self, event: StoreFailed) -> None:
        message = _("The database cannot be opened: {error}").format(error=event.error)
        self.notify(message, severity="error", timeout=30)

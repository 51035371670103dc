"""Screens that show the log catch up with a committed write once (docs/architecture.md).

The App publishes ``LogChanged`` on its ``log_changed`` signal once per committed write. A
screen that shows such changes lists them in ``SHOWS`` and says how it catches up in
``log_changed`` (by default ``reload()``). It catches up once:

- on top (or just back on top), at once, unless it has already read the log since that write
  was committed (a screen that reads again whenever it is shown, ``RELOADS_ON_RESUME``, has);
- hidden under another screen, when it is shown again, not before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from lobby_tui.messages import Change, LogChanged

if TYPE_CHECKING:
    from lobby_tui.session import Session


class FollowsTheLog:
    SHOWS: ClassVar[frozenset[Change]] = frozenset(Change)
    RELOADS_ON_RESUME: ClassVar[bool] = False  # its own on_screen_resume reads the log again
    _read_at: int = -1  # the write count when the screen last began to read the log
    _missed: LogChanged | None = None  # a change made while hidden

    session: Session  # from ShowsFailures

    # Handlers by name, not by @on: this mixin is no message pump, and Textual calls the
    # handler of every class on the way up, so the screen's own on_mount runs as well.
    def on_mount(self) -> None:
        self._read_at = self.session.writes.answered
        # Called as the App publishes, not posted to this screen's queue: a save's entry reaches
        # the desk's timeline one turn of the event loop sooner (issue 15's budget).
        self.app.log_changed.subscribe(self, self._log_changed, immediate=True)

    def on_unmount(self) -> None:
        # Textual keeps a subscriber in a WeakKeyDictionary whose value, the callback, holds
        # the subscriber: a closed screen stays alive, widgets, page and all, until the next
        # write is published. Unsubscribed, it is freed with its screen.
        self.app.log_changed.unsubscribe(self)

    def on_screen_resume(self) -> None:
        if self.RELOADS_ON_RESUME:
            self._missed = None
            self._read_at = self.session.writes.answered
        elif self._missed is not None:
            self._catch_up(self._missed)

    def _log_changed(self, change: LogChanged) -> None:
        if change.what not in self.SHOWS or change.write <= self._read_at:
            return
        if self.app.screen is self:
            self._catch_up(change)
        else:
            self._missed = change
            self.log_changed_hidden(change)

    def _catch_up(self, change: LogChanged) -> None:
        self._missed = None
        self._read_at = self.session.writes.answered
        self.log_changed(change)

    def log_changed(self, change: LogChanged) -> None:
        """Show ``change``: read the log again, unless the screen knows better."""
        self.reload()

    def log_changed_hidden(self, change: LogChanged) -> None:
        """A change made while the screen is hidden; by default it waits to be shown."""

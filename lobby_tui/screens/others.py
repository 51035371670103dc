"""Screens that show what the branch's other terminals write (docs/architecture.md).

A save made on this terminal reaches its screens at once, by the App's ``log_changed`` signal
(``screens/follows.py``). A save made on another terminal of the branch, sharing the database,
is seen here: every ``peer_check_seconds`` (config; 10 by default), while the screen is the one
in sight, it asks how far the branch's log has got (``Store.integrity.log_mark``: the head of
the branch's hash chain, one indexed read) and reads itself again when that has moved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

if TYPE_CHECKING:
    from lobby_tui.session import Session


class FollowsOtherTerminals:
    _mark: int | None = None  # the branch's log as last seen; None before the first look

    session: Session  # from ShowsFailures

    # By name, not by @on: this mixin is no message pump (see FollowsTheLog).
    def on_mount(self) -> None:
        self.set_interval(self.session.settings.peer_check, self._look_at_others)

    def _look_at_others(self) -> None:
        if self.app.screen is self and self.session.actor is not None:
            self._read_mark()

    @work(thread=True, exclusive=True, group="others", exit_on_error=False)
    def _read_mark(self) -> None:
        try:
            mark = self.session.store.integrity.log_mark(self.session.actor)
        except Exception:  # out of reach, say: the header tells; the next look tries again
            return
        self.app.call_from_thread(self._mark_read, mark)

    def _mark_read(self, mark: int) -> None:
        seen, self._mark = self._mark, mark
        if seen is not None and mark != seen:
            self.reload()

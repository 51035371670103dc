"""Where a save's time goes between Ctrl+S and the write: marks taken inside the app's write path.

For the bench only, `Stages.wrapping` wraps three seams of the write path in place, and puts
them back after: the write queue's hand-over (`WriteQueue.save`, on the UI thread), the
pending-saves journal line (`PendingSaves.add`), and the write itself (the `send` the queue is
attached with, on the writer thread). The app's code is not changed; a wrapper costs a
perf_counter call or two, well under the stages it separates.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from time import perf_counter
from typing import Any

# The stages in the order a save passes them: (name, mark it starts at, mark it ends at).
# "key" is Ctrl+S itself; "saved" is the form receiving SaveLanded; "shown" the timeline's row.
STAGES = (
    ("Ctrl+S → the form hands the save over (keys, checks)", "key", "handed"),
    ("the journal line (pending saves)", "journal_in", "journal_out"),
    ("handed over → the writer thread starts the write", "queued", "write_in"),
    ("the write: Store.add_entry, chain, commit", "write_in", "write_out"),
    ("written → the form gets SaveLanded", "write_out", "saved"),
    ("SaveLanded → on the timeline", "saved", "shown"),
)


class Stages:
    """The marks of the save under way, in perf_counter seconds; the first of each counts."""

    def __init__(self) -> None:
        self.marks: dict[str, float] = {}

    def start(self) -> None:
        self.marks = {}

    def mark(self, name: str) -> None:
        self.marks.setdefault(name, perf_counter())

    def since(self, started: float) -> dict[str, float]:
        """The marks as seconds since `started` (Ctrl+S)."""
        return {name: at - started for name, at in self.marks.items()}

    @contextlib.contextmanager
    def wrapping(self) -> Iterator[None]:
        from lobby_tui.data.pending import PendingSaves
        from lobby_tui.writes import WriteQueue

        patches = [
            (WriteQueue, "save", self._around(WriteQueue.save, "handed", "queued")),
            (PendingSaves, "add", self._around(PendingSaves.add, "journal_in", "journal_out")),
            (WriteQueue, "attach", self._attach(WriteQueue.attach)),
        ]
        originals = [(owner, name, owner.__dict__[name]) for owner, name, _ in patches]
        try:
            for owner, name, wrapper in patches:
                setattr(owner, name, wrapper)
            yield
        finally:
            for owner, name, original in originals:
                setattr(owner, name, original)

    def _around(self, function: Callable[..., Any], before: str, after: str) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            self.mark(before)
            try:
                return function(*args, **kwargs)
            finally:
                self.mark(after)

        return wrapper

    def _attach(self, attach: Callable[..., Any]) -> Callable[..., Any]:
        stages = self

        @functools.wraps(attach)
        def wrapper(queue: Any, journal: Any, send: Callable[..., Any]) -> Any:
            return attach(queue, journal, stages._around(send, "write_in", "write_out"))

        return wrapper

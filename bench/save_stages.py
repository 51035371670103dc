"""Following one save from Ctrl+S to the desk's timeline, for section save_latency.

`SaveWatch` follows it through the messages the app dispatches (a message hook) and times the
full garbage collections that run meanwhile; `Stages` says where the time goes on the way.

For the bench only, `Stages.wrapping` wraps three seams of the write path in place, and puts
them back after: the write queue's hand-over (`WriteQueue.save`, on the UI thread), the
pending-saves journal line (`PendingSaves.add`), and the write itself (the `send` the queue is
attached with, on the writer thread). The app's code is not changed; a wrapper costs a
perf_counter call or two, well under the stages it separates.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from time import perf_counter
from typing import TYPE_CHECKING, Any

from results import BenchError

if TYPE_CHECKING:
    from textual.message import Message
    from textual.widgets import DataTable, Static

# The wait between looks at the timeline: fine against the budget, and a real sleep, not
# sleep(0), since a loop that never sleeps would keep the GIL from the app's database threads.
POLL = 0.0005
SAVE_TIMEOUT = 10.0

# The stages in the order a save passes them: (name, mark it starts at, mark it ends at).
# "key" is Ctrl+S itself; "saved" is the form learning the save landed, either as WriteQueue.save
# returns from its wait with what the store returned, or by a SaveLanded message when the write
# took longer; "shown" is the timeline's row.
STAGES = (
    ("Ctrl+S → the form hands the save over (keys, checks)", "key", "handed"),
    ("the journal line (pending saves)", "journal_in", "journal_out"),
    ("kept → the writer thread starts the write", "journal_out", "write_in"),
    ("the write: Store.entries.add, chain, commit", "write_in", "write_out"),
    ("written → the form has it (back from the wait, or SaveLanded)", "write_out", "saved"),
    ("the form has it → on the timeline", "saved", "shown"),
)


class Stages:
    """The marks of the save under way, in perf_counter seconds; the first of each counts."""

    def __init__(self) -> None:
        self.marks: dict[str, float] = {}
        # Told what the store returned when WriteQueue.save brings back a save that landed.
        self.landed: Callable[[Any], None] | None = None

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
            # The form waits in WriteQueue.save while the writer has a first go (writes.py,
            # WRITE_FIRST_SECONDS): its end is no stage's mark.
            (
                WriteQueue,
                "save",
                self._save(self._around(WriteQueue.save, "handed", "save_returned")),
            ),
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

    def _save(self, save: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(save)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            result = save(*args, **kwargs)
            if result is not None and self.landed is not None:
                self.landed(result)
            return result

        return wrapper

    def _attach(self, attach: Callable[..., Any]) -> Callable[..., Any]:
        stages = self

        @functools.wraps(attach)
        def wrapper(queue: Any, journal: Any, send: Callable[..., Any]) -> Any:
            return attach(queue, journal, stages._around(send, "write_in", "write_out"))

        return wrapper


@dataclass(frozen=True)
class Sample:
    """One save, in seconds from Ctrl+S: committed, the desk's day read back, on the timeline,
    and the form drawn saying so; and the seconds of full garbage collection that ran meanwhile."""

    saved: float
    loaded: float
    shown: float
    full_gc: float
    drawn: float
    # Seconds from Ctrl+S at each mark of `Stages` (absent: the mark was not reached).
    marks: dict[str, float] = field(default_factory=dict)


class SaveWatch:
    """Follows one save through the messages the app dispatches, from a message hook, and
    notes the full garbage collections that run meanwhile (a pause no message shows)."""

    def __init__(self, saved: type, failed: type, loaded: type) -> None:
        self._saved, self._failed, self._loaded = saved, failed, loaded
        self.stages = Stages()
        self.stages.landed = self._landed
        self.started: float | None = None
        self._gc_started: float | None = None
        self._first_row: Callable[[], str | None] = lambda: None
        self._status: Callable[[], str] = str
        self.saved_says: Callable[[int], str] = str
        self._saved_says = ""
        self.shown_at: float | None = None
        self.drawn_at: float | None = None

    def look_at(
        self, app: Any, timeline: DataTable, status: Static, saved_says: Callable[[int], str]
    ) -> None:
        """Note the moment `timeline` first shows the saved entry on top, and the first frame the
        app draws after that with `status` saying what `saved_says` of the entry's id.

        The timeline is looked at after each call that changes its rows (wrapped on this one
        widget, for the bench only), so the clock stops when the row is there, not when the
        bench's own loop next gets a turn: that turn could come after the app has drawn a frame
        of the form, whose time is no part of getting the entry onto the timeline. The frame is
        timed as well, as `_Drawn` in browser.py does: the moment the app hands its driver the
        frame (headless, the driver drops it)."""
        self._first_row = _first_row_of(timeline)
        self._status = lambda: str(status.content)
        self.saved_says = saved_says
        for name in ("add_row", "add_rows", "sort", "remove_row", "clear"):
            setattr(timeline, name, self._looking_after(getattr(timeline, name)))
        display = app._display

        def display_and_look(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if (
                renderable is not None
                and self.shown_at is not None
                and self.drawn_at is None
                and self._status() == self._saved_says
            ):
                self.drawn_at = perf_counter()

        app._display = display_and_look

    def _looking_after(self, change: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(change)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            result = change(*args, **kwargs)
            self._look()
            return result

        return wrapper

    def _look(self) -> None:
        if (
            self.started is not None
            and self.shown_at is None
            and self.entry_id is not None
            and self._first_row() == str(self.entry_id)
        ):
            self.shown_at = perf_counter()

    def start(self) -> None:
        self.entry_id: int | None = None
        self.saved_at: float | None = None
        self.shown_at: float | None = None
        self.drawn_at: float | None = None
        self.loaded_at: float | None = None
        self.error: Exception | None = None
        self.full_gc = 0.0
        self.stages.start()
        self.started = perf_counter()

    @contextlib.contextmanager
    def collecting_gc(self) -> Iterator[None]:
        gc.callbacks.append(self._gc)
        try:
            yield
        finally:
            gc.callbacks.remove(self._gc)

    def _gc(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2 or self.started is None:
            return
        if phase == "start":
            self._gc_started = perf_counter()
        elif self._gc_started is not None:
            self.full_gc += perf_counter() - self._gc_started
            self._gc_started = None

    def _landed(self, result: Any) -> None:
        if self.started is not None and self.saved_at is None:
            self.saved_at = perf_counter()
            self.entry_id = result.id
            self._saved_says = self.saved_says(result.id)

    def hook(self, message: Message) -> None:
        if self.started is None:
            return
        if isinstance(message, self._saved):
            self._landed(message.result)
        elif isinstance(message, self._failed):
            self.error = message.error
        elif isinstance(message, self._loaded) and self.loaded_at is None:
            entries = message.snapshot.entries
            if self.entry_id is not None and entries and entries[0].id == self.entry_id:
                self.loaded_at = perf_counter()

    async def until_shown(self) -> Sample:
        """Wait until the saved entry is the timeline's first row, and the form is drawn saying
        it is saved."""
        assert self.started is not None
        while self.shown_at is None or self.drawn_at is None:
            # A change the wrapped calls did not see (none is known) is still found here.
            self._look()
            if self.error is not None:
                first_line = (str(self.error).strip() or "no message").splitlines()[0]
                raise BenchError(f"a save failed: {type(self.error).__name__}: {first_line}")
            if perf_counter() - self.started > SAVE_TIMEOUT:
                where = "drawn saying so" if self.shown_at else "on the desk's timeline"
                raise BenchError(
                    f"the entry was not {where} {SAVE_TIMEOUT:.0f} s after"
                    f" Ctrl+S (the form says {self._status()!r})"
                )
            await asyncio.sleep(POLL)
        started, self.started = self.started, None
        if self.saved_at is None:
            raise BenchError("the timeline showed the entry but the form never heard it was saved")
        # The desk puts a new entry on top without reading the day again; a full read back
        # (Loaded) is seen only when it does.
        loaded_at = self.loaded_at or self.saved_at
        marks = {
            **self.stages.since(started),
            "key": 0.0,
            "saved": self.saved_at - started,
            "shown": self.shown_at - started,
            "drawn": self.drawn_at - started,
        }
        return Sample(
            self.saved_at - started,
            loaded_at - started,
            self.shown_at - started,
            self.full_gc,
            self.drawn_at - started,
            marks,
        )


def _first_row_of(timeline: DataTable) -> Callable[[], str | None]:
    """A look at the key of the row `timeline` shows first (None while it is empty)."""
    from textual.coordinate import Coordinate
    from textual.widgets.data_table import CellDoesNotExist

    top = Coordinate(0, 0)

    def first_row() -> str | None:
        try:
            return timeline.coordinate_to_cell_key(top).row_key.value
        except CellDoesNotExist:
            return None

    return first_row


@contextlib.asynccontextmanager
async def wrapped(stages: Stages) -> AsyncIterator[None]:
    with stages.wrapping():
        yield


def stage_times(samples: list[Sample]) -> dict[str, list[float]]:
    """Each stage's seconds in the saves that passed both its marks."""
    found = {}
    for name, start, end in STAGES:
        values = [s.marks[end] - s.marks[start] for s in samples if {start, end} <= s.marks.keys()]
        if values:
            found[name] = values
    return found

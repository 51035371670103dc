"""The write queue: every save goes through one thread, in the order staff made them.

A save never blocks typing: the form hands its job over and is ready for the next customer.
Thread workers started one per save could commit in any order; this queue cannot.

A form's save is also kept in the pending-saves journal (``data/pending.py``) the moment it is
made. When the database cannot take it now (a fault: a held lock, a full disk, a read-only file,
a server out of reach) it waits, with every save made after it, and is sent again in order
until it lands, exactly once; the header says how many wait and why. A save the database
refuses for good (a value, a permission) goes back into its form. See docs/faults.md.
"""

from __future__ import annotations

import queue
import sys
import threading
from collections import deque
from collections.abc import Callable, Hashable
from contextlib import suppress
from dataclasses import dataclass
from time import monotonic
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import get_current_worker

if TYPE_CHECKING:
    from lobby_tui.data.faults import Fault
    from lobby_tui.data.pending import PendingSave, PendingSaves

RETRY_SECONDS = 2.0  # between tries of a waiting save; a setting (``save_retry_seconds``)
SHOWN_AFTER = 1.0  # seconds a save may take before the header counts it as waiting
# While the writer serves, a thread waiting for the GIL gets it within this many seconds rather
# than Python's default 5 ms. SQLite lets go of the GIL at every statement and at the commit;
# with the UI thread drawing the emptied form meanwhile, each took up to 5 ms to come back,
# and a save of about 2 ms of work reached the timeline 15-20 ms after Ctrl+S (issue 15).
SWITCH_INTERVAL = 0.0001
# How long a form's save lets the writer have the processor before the form is drawn empty: the
# UI thread waits (holding no GIL) until the save is committed, or this long at most. Drawn
# meanwhile, the form took half of every slice of the processor the write needed, and the write
# took four times as long as alone (issue 15). Keys typed during the wait are read after it.
WRITE_FIRST_SECONDS = 0.02


class _QuickSwitches:
    """The interpreter's switch interval lowered while any writer serves, and put back as it
    was when the last one stops: writers of apps that overlap (a test's next app starting while
    the last one's writer winds down) must not put back each other's lowered value."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._serving = 0
        self._was = sys.getswitchinterval()

    def enter(self) -> None:
        with self._lock:
            if self._serving == 0:
                self._was = sys.getswitchinterval()
                sys.setswitchinterval(min(self._was, SWITCH_INTERVAL))
            self._serving += 1

    def leave(self) -> None:
        with self._lock:
            self._serving -= 1
            if self._serving == 0:
                sys.setswitchinterval(self._was)


_quick_switches = _QuickSwitches()


class EntryWritten(Message):
    """A change of an entry was committed (a revision, a void, an outcome)."""

    def __init__(self, entry: Any) -> None:
        super().__init__()
        self.entry = entry


class WriteRefused(Message):
    """A change was refused or failed; ``error`` says why."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error


class SaveLanded(Message):
    """A form's save is in the database; ``result`` is what the store returned for it."""

    def __init__(self, save: PendingSave, result: Any) -> None:
        super().__init__()
        self.save = save
        self.result = result


class SaveReturned(Message):
    """The database refused a form's save for a reason retrying can't change: it goes back
    into its form with ``error``."""

    def __init__(self, save: PendingSave, error: Exception) -> None:
        super().__init__()
        self.save = save
        self.error = error


class SavesChanged(Message):
    """The number of saves waiting, or why they wait, changed."""


@dataclass(frozen=True)
class WriteJob:
    run: Callable[[], Any]
    reply_to: MessagePump
    done: Callable[[Any], Message]
    failed: Callable[[Exception], Message]
    # Jobs with the same key replace one another: only the latest queued runs (drafts).
    supersedes: Hashable | None = None


_NOT_YET = object()


@dataclass
class _Save:
    save: PendingSave
    reply_to: MessagePump
    kept: bool  # in the journal file (false only when even that could not be written)
    # A form waiting for the first try (``WriteQueue.save`` with ``wait``): set once the writer
    # has tried it. Whichever of the two finds the other still there under ``claim`` answers:
    # the form takes a save that landed meanwhile from ``result``; after the form has stopped
    # waiting (``gone``), the writer posts SaveLanded as for any other save.
    tried: threading.Event | None = None
    claim: threading.Lock | None = None
    result: Any = _NOT_YET
    gone: bool = False


class WriteQueue:
    def __init__(self, fallback: MessagePump, *, retry_seconds: float = RETRY_SECONDS) -> None:
        self._jobs: queue.Queue[WriteJob | _Save] = queue.Queue()
        # Replies for a screen that staff have already left go here (the app), so a failure
        # still reaches someone who can keep what was typed.
        self._fallback = fallback
        self._retry_seconds = retry_seconds
        self._journal: PendingSaves | None = None
        self._send: Callable[[PendingSave], Any] | None = None
        self._latest: dict[Hashable, WriteJob] = {}
        # Saves that could not be written yet, oldest first: only the writer thread uses it.
        self._waiting: deque[_Save] = deque()
        self._retry_at = 0.0
        # What the header reads, from the UI thread.
        self._lock = threading.Lock()
        self._unlanded: dict[str, float] = {}  # save key → when it was made (monotonic)
        self._fault: Fault | None = None
        # Writes answered so far (done or refused), counted by the writer thread before its
        # reply is sent: a screen that began to read after the count reached n has seen write n.
        self.answered = 0

    # -- from the UI thread ---------------------------------------------------------------

    def attach(self, journal: PendingSaves, send: Callable[[PendingSave], Any]) -> None:
        """Where saves are kept while they wait, and how one is written to the database."""
        self._journal, self._send = journal, send

    def put(self, job: WriteJob) -> None:
        if job.supersedes is not None:
            with self._lock:
                self._latest[job.supersedes] = job
        self._jobs.put(job)

    def save(self, save: PendingSave, reply_to: MessagePump, *, wait: float = 0.0) -> Any:
        """Keep ``save`` in the journal, then queue it behind every save made before it.

        With ``wait``, and the database answering, return once the writer has tried it, or
        after ``wait`` seconds at most: the write has the processor to itself meanwhile. What
        the store returned comes back when the save landed in that time, and no SaveLanded is
        posted for it then: the caller shows it at once. Otherwise None, and ``reply_to`` hears
        how it went later, by message."""
        kept = self._keep(save)
        with self._lock:
            self._unlanded[save.key] = monotonic()
            shown = self._fault is not None
        item = _Save(save, reply_to, kept)
        if wait > 0 and not shown:
            item.tried, item.claim = threading.Event(), threading.Lock()
        self._jobs.put(item)
        if shown:
            self._fallback.post_message(SavesChanged())  # one more waiting
        if item.tried is None or item.claim is None:
            return None
        item.tried.wait(wait)
        with item.claim:
            item.gone = True
            return None if item.result is _NOT_YET else item.result

    def resume(self, saves: list[PendingSave]) -> None:
        """Saves found waiting in the journal at start: sent before anything made later."""
        for save in saves:
            self.save_again(save)

    def save_again(self, save: PendingSave) -> None:
        with self._lock:
            self._unlanded[save.key] = monotonic()
        self._jobs.put(_Save(save, self._fallback, kept=True))

    def returned_taken(self, key: str) -> None:
        """A refused save is back in its form (whose draft keeps it from now on)."""
        if self._journal is not None:
            # Should the file not take it, it comes back into its form once more at next start.
            with suppress(OSError):
                self._journal.done(key)

    def status(self) -> tuple[int, Fault | None]:
        """How many saves are waiting (those taking longer than a moment), and why."""
        now = monotonic()
        with self._lock:
            if self._fault is not None:
                return len(self._unlanded), self._fault
            return sum(now - made > SHOWN_AFTER for made in self._unlanded.values()), None

    @property
    def waiting(self) -> int:
        """Saves made and not yet in the database."""
        with self._lock:
            return len(self._unlanded)

    def wait_until_empty(self) -> None:
        """Block until every queued job has been tried once (called from a thread)."""
        self._jobs.join()

    # -- the writer thread ----------------------------------------------------------------

    def serve(self) -> None:
        """Run jobs until the worker is cancelled; meant for a Textual thread worker."""
        _quick_switches.enter()
        try:
            self._serve()
        finally:
            _quick_switches.leave()

    def _serve(self) -> None:
        worker = get_current_worker()
        while not worker.is_cancelled:
            timeout = 0.1
            if self._waiting:
                due = self._retry_at - monotonic()
                if due <= 0:
                    self._retry()
                    continue
                timeout = min(timeout, due)
            try:
                item = self._jobs.get(timeout=timeout)
            except queue.Empty:
                continue
            try:
                if isinstance(item, _Save):
                    if self._waiting:
                        self._waiting.append(item)  # behind the saves made before it
                    else:
                        self._try(item)
                else:
                    self._run(item)
            finally:
                self._jobs.task_done()

    def _run(self, job: WriteJob) -> None:
        if job.supersedes is not None:
            with self._lock:
                if self._latest.get(job.supersedes) is not job:
                    return  # a later job of the same key will do its work
                del self._latest[job.supersedes]
        try:
            reply = job.done(job.run())
        except Exception as error:  # handed back to the screen, which keeps what was typed
            reply = job.failed(error)
        self._reply(job.reply_to, reply)

    def _retry(self) -> None:
        while self._waiting:
            if not self._try(self._waiting[0], waiting=True):
                return
            self._waiting.popleft()

    def _try(self, item: _Save, *, waiting: bool = False) -> bool:
        """Write one save; False when it has to wait (it is then at the head of the queue)."""
        from lobby_tui.data.faults import fault_of

        if not item.kept:
            item.kept = self._keep(item.save)
        try:
            result = self._send(item.save)
        except Exception as error:
            fault = fault_of(error)
            if fault is not None:
                self._hold(item, fault, waiting=waiting)
                self._tried(item)
                return False
            self._landed(item.save.key, returned=str(error))
            self._tried(item)
            self._reply(item.reply_to, SaveReturned(item.save, error))
            return True
        self._landed(item.save.key)
        if not self._tried(item, result):
            self._reply(item.reply_to, SaveLanded(item.save, result))
        return True

    def _tried(self, item: _Save, result: Any = _NOT_YET) -> bool:
        """Wake the form waiting for ``item``'s first try, if any; True when it takes
        ``result`` (a save that landed) and no reply is to be posted."""
        if item.tried is None or item.claim is None:
            return False
        taken = False
        with item.claim:
            if not item.gone and result is not _NOT_YET:
                item.result, taken = result, True
                self.answered += 1  # before the form announces it (see ``answered``)
            item.tried.set()
        return taken

    def _hold(self, item: _Save, fault: Fault, *, waiting: bool) -> None:
        if not waiting:
            self._waiting.appendleft(item)
        if self._journal is not None and item.kept:
            try:
                self._journal.hold()  # from now on it must outlive a power cut too
            except OSError:
                item.kept = False
        self._retry_at = monotonic() + self._retry_seconds
        with self._lock:
            changed, self._fault = self._fault != fault, fault
        if changed:
            self._fallback.post_message(SavesChanged())

    def _landed(self, key: str, *, returned: str | None = None) -> None:
        if self._journal is not None:
            # Should the file not take it: sent again at the next start, found there by its key.
            with suppress(OSError):
                if returned is None:
                    self._journal.done(key)
                else:
                    self._journal.returned(key, returned)
        with self._lock:
            self._unlanded.pop(key, None)
            idle = not self._unlanded
            shown = self._fault is not None
            if idle:
                self._fault = None
        if shown:
            self._fallback.post_message(SavesChanged())  # one fewer waiting, or none
        if idle and self._journal is not None:
            with suppress(OSError):
                self._journal.compact()  # only once the file has grown

    def _keep(self, save: PendingSave) -> bool:
        if self._journal is None:
            return False
        try:
            self._journal.add(save)
        except OSError:
            return False  # the state folder's disk is full too: it waits in memory
        return True

    def _reply(self, reply_to: MessagePump, reply: Message) -> None:
        self.answered += 1
        attached = getattr(reply_to, "is_attached", True)
        (reply_to if attached else self._fallback).post_message(reply)

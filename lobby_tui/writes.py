"""The write queue: every save goes through one thread, in the order staff made them.

A save never blocks typing: the form hands its job over and is ready for the next customer.
Thread workers started one per save could commit in any order; this queue cannot.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import get_current_worker


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


@dataclass(frozen=True)
class WriteJob:
    run: Callable[[], Any]
    reply_to: MessagePump
    done: Callable[[Any], Message]
    failed: Callable[[Exception], Message]


class WriteQueue:
    def __init__(self, fallback: MessagePump) -> None:
        self._jobs: queue.Queue[WriteJob] = queue.Queue()
        # Replies for a screen that staff have already left go here (the app), so a failure
        # still reaches someone who can keep what was typed.
        self._fallback = fallback

    def put(self, job: WriteJob) -> None:
        self._jobs.put(job)

    def serve(self) -> None:
        """Run jobs until the worker is cancelled; meant for a Textual thread worker."""
        worker = get_current_worker()
        while not worker.is_cancelled:
            try:
                job = self._jobs.get(timeout=0.1)
            except queue.Empty:
                continue
            try:
                reply = job.done(job.run())
            except Exception as error:  # handed back to the form, which keeps what was typed
                reply = job.failed(error)
            finally:
                self._jobs.task_done()
            attached = getattr(job.reply_to, "is_attached", True)
            (job.reply_to if attached else self._fallback).post_message(reply)

    def wait_until_empty(self) -> None:
        """Block until every queued job has run (called from a thread, before quitting)."""
        self._jobs.join()

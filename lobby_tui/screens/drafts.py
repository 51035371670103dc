"""Keeping what a form holds as the staff member's draft while it is typed, so that a killed
terminal loses nothing: written through the app's write queue after a short quiet, and at once
when the form is left."""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from textual.message import Message
from textual.timer import Timer

from lobby_tui.locale import _
from lobby_tui.widgets.form import Form
from lobby_tui.writes import WriteJob

DRAFT_DELAY = 0.3  # seconds of quiet before a draft is written


class KeepsDraft:
    """For a screen with one ``Form`` (its ``form``): every change kept as the draft ``FORM``."""

    FORM: ClassVar[str]
    _draft_timer: Timer | None = None

    class DraftKept(Message):
        pass

    class DraftFailed(Message):
        def __init__(self, error: Exception) -> None:
            super().__init__()
            self.error = error

    @property
    def form(self) -> Form:
        return self.query_one(Form)

    def on_form_edited(self, _event: Form.Edited) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self.keep_draft)

    def keep_draft(self) -> None:
        """Write what the form holds as this staff member's draft (or forget an empty one)."""
        self._draft_timer = None
        if self.session.actor is None or self.session.store is None or self.session.store.read_only:
            return
        form, store, actor = self.form, self.session.store, self.session.actor
        if form.is_blank():
            run = partial(store.drafts.clear, actor, self.FORM)
        else:
            run = partial(store.drafts.save, actor, self.FORM, form.values())
        self.session.writes.put(
            WriteJob(
                run=run,
                reply_to=self,
                done=lambda _result: self.DraftKept(),
                failed=self.DraftFailed,
                supersedes=("draft", actor.staff_no, self.FORM),
            )
        )

    def keep_draft_now(self) -> None:
        """Leaving the form: a draft still waiting for its quiet is written now."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self.keep_draft()

    def on_keeps_draft_draft_failed(self, event: DraftFailed) -> None:
        from lobby_tui.data.faults import FAULT_LABELS, fault_of

        fault = fault_of(event.error)
        if fault is None:
            self.report_failure(event.error)
            return
        # Tried again until the database answers (as a waiting save is), so that the draft it
        # keeps ends as the form is: the draft of an entry saved meanwhile, waiting in the
        # pending-saves queue, must not come back into its form at the next sign-in.
        if self._draft_timer is None:
            self._draft_timer = self.set_timer(self.session.settings.save_retry, self.keep_draft)
        if self.form.is_blank():
            return  # nothing typed to lose: the status line goes on saying how the save is kept
        # What is typed is still on the screen, and in the draft once the database answers.
        said = _("draft not kept: {why}").format(why=_(FAULT_LABELS[fault]))
        statuses = self.query("#form-status")
        if statuses:
            statuses.first().update(said)
        else:
            self.app.notify(said, severity="warning")

"""Revising or voiding an entry: the reason is required, and the old values are kept."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from lobby_tui.domain import validation
from lobby_tui.domain.kinds import KIND_LABELS, Kind
from lobby_tui.locale import N_, _
from lobby_tui.screens.base import LobbyModal
from lobby_tui.widgets.choices import pairs, yes_no
from lobby_tui.widgets.form import FieldSpec, Form
from lobby_tui.widgets.hints import KeyHints
from lobby_tui.writes import EntryWritten, WriteJob, WriteRefused

if TYPE_CHECKING:
    from lobby_tui.data.views import EntryView

REASON_LIMIT = validation.REASON_MAX_LENGTH


class _ChangeScreen(LobbyModal):
    """A modal form that sends one change of an entry through the write queue."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="cancel_change")]

    def __init__(self, entry: EntryView) -> None:
        super().__init__()
        self.entry = entry

    def heading(self) -> str:
        raise NotImplementedError

    def field_specs(self) -> list[FieldSpec]:
        raise NotImplementedError

    def job(self, fields: dict[str, str]):
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="change-box", classes="box"):
            yield Static(self.heading(), classes="box-title", markup=False)
            yield Form(
                self.field_specs(), validator=self.check, on_submit=self.save, id="change-form"
            )
            yield KeyHints(("save", N_("save")), ("cancel_change", N_("cancel")))

    def on_mount(self) -> None:
        self.query_one(Form).load(self.initial())
        self.query_one(Form).focus_first()

    def initial(self) -> dict[str, str]:
        return {}

    def check(self, fields: dict[str, str]) -> dict[str, str]:
        message = validation.check_reason(fields["reason"].strip())
        return {"reason": _(message)} if message else {}

    def save(self, fields: dict[str, str]) -> None:
        self.session.writes.put(
            WriteJob(run=self.job(fields), reply_to=self, done=EntryWritten, failed=WriteRefused)
        )

    @on(EntryWritten)
    def _done(self, event: EntryWritten) -> None:
        event.stop()
        self.dismiss(event.entry)

    @on(WriteRefused)
    def _refused(self, event: WriteRefused) -> None:
        event.stop()
        from lobby_tui.data.views import StoreError
        from lobby_tui.domain.validation import ValidationError

        error = event.error
        form = self.query_one(Form)
        if isinstance(error, ValidationError):
            field = error.field if error.field in form.values() else "reason"
            form.set_error(field, _(error.message))
        elif isinstance(error, StoreError):
            form.set_error("reason", _(str(error)))
        else:
            self.report_failure(error)


class ReviseScreen(_ChangeScreen):
    def heading(self) -> str:
        kind = _(KIND_LABELS[Kind(self.entry.kind)])
        return _("Revise #{id} ({kind})").format(id=self.entry.id, kind=kind)

    def field_specs(self) -> list[FieldSpec]:
        lists = self.session.settings.lists
        kind = Kind(self.entry.kind)
        ticket = FieldSpec("ticket", _("Ticket"), max_length=6, upper=True)
        text = FieldSpec("text", _("Text"), kind="text", max_length=validation.NOTE_MAX_LENGTH)
        specs: list[FieldSpec]
        if kind == Kind.QUEUE:
            specs = [
                ticket,
                FieldSpec(
                    "business", _("Business type"), kind="pick", choices=pairs(lists.business)
                ),
                FieldSpec(
                    "target", _("Sent to"), kind="pick", choices=pairs(lists.queue_targets())
                ),
                FieldSpec("priority", _("Priority"), kind="pick", choices=pairs(lists.priorities)),
                text,
            ]
        elif kind == Kind.ENQUIRY:
            specs = [
                FieldSpec("topic", _("Topic"), kind="pick", choices=pairs(lists.topics)),
                ticket,
                FieldSpec(
                    "text", _("Question"), kind="text", max_length=validation.NOTE_MAX_LENGTH
                ),
                FieldSpec(
                    "outcome", _("Answer given"), kind="text", max_length=validation.NOTE_MAX_LENGTH
                ),
                FieldSpec("contact", _("Contact"), max_length=64),
            ]
        elif kind == Kind.HANDOFF:
            specs = [
                ticket,
                FieldSpec(
                    "target", _("Handed to"), kind="pick", choices=pairs(lists.handoff_targets())
                ),
                FieldSpec("referral", _("Product interest"), kind="pick", choices=yes_no()),
                FieldSpec(
                    "text",
                    _("The customer's need"),
                    kind="text",
                    max_length=validation.NOTE_MAX_LENGTH,
                ),
            ]
        else:
            specs = [text]
        return [*specs, FieldSpec("reason", _("Reason for the revision"), max_length=REASON_LIMIT)]

    def initial(self) -> dict[str, str]:
        values = {}
        for spec in self.field_specs():
            if spec.name == "reason":
                continue
            value = getattr(self.entry, spec.name)
            if spec.name == "referral":
                value = "yes" if value else "no"
            # As the entry's view holds it: customer numbers masked, for its author too. The
            # store puts a masked number left in the text back as it was.
            values[spec.name] = "" if value is None else str(value)
        return values

    def check(self, fields: dict[str, str]) -> dict[str, str]:
        errors = {}
        if "ticket" in fields:
            ticket = validation.normalize_ticket(fields["ticket"])
            if message := validation.check_ticket(ticket):
                errors["ticket"] = _(message)
        return errors or super().check(fields)

    def job(self, fields: dict[str, str]):
        changes: dict[str, Any] = {}
        for name, value in fields.items():
            if name == "reason":
                continue
            new: Any = value or None
            if name == "referral":
                new = value == "yes"
            if name == "ticket":
                new = validation.normalize_ticket(value) or None
            old = getattr(self.entry, name)
            # A masked value left as it was is no change: the stored value stays whole.
            if new != old:
                changes[name] = new
        store, actor = self.session.store, self.session.actor
        return partial(
            store.entries.revise, actor, self.entry.id, changes, fields["reason"].strip()
        )


class VoidScreen(_ChangeScreen):
    def heading(self) -> str:
        return _("Void #{id}: it stays in the log, marked void").format(id=self.entry.id)

    def field_specs(self) -> list[FieldSpec]:
        return [FieldSpec("reason", _("Reason for voiding"), max_length=REASON_LIMIT)]

    def job(self, fields: dict[str, str]):
        store, actor = self.session.store, self.session.actor
        return partial(store.entries.void, actor, self.entry.id, fields["reason"].strip())


# What a hand-off's outcome may be corrected to: the outcomes of F6's keys.
OUTCOME_CHOICES = (
    ("accepted", N_("accepted")),
    ("completed", N_("completed")),
    ("sold", N_("completed, product sold")),
    ("returned", N_("returned")),
    ("no_show", N_("no-show")),
)


class CorrectOutcomeScreen(_ChangeScreen):
    """A hand-off's last outcome put right (F6's keys act at once): a new outcome that
    supersedes it, with the reason; the wrong one stays in the history."""

    def heading(self) -> str:
        return _("Correct the outcome of #{id}").format(id=self.entry.id)

    def field_specs(self) -> list[FieldSpec]:
        current = "sold" if self.entry.status == "completed" and self.entry.product_sold else None
        current = current or self.entry.status
        choices = tuple((code, _(label)) for code, label in OUTCOME_CHOICES if code != current)
        return [
            FieldSpec("outcome", _("The right outcome"), kind="pick", choices=choices),
            FieldSpec("reason", _("Reason for the correction"), max_length=REASON_LIMIT),
        ]

    def check(self, fields: dict[str, str]) -> dict[str, str]:
        if not fields["outcome"]:
            return {"outcome": _("Pick one of the listed values.")}
        return super().check(fields)

    def job(self, fields: dict[str, str]):
        store, actor = self.session.store, self.session.actor
        outcome = fields["outcome"]
        event = "completed" if outcome == "sold" else outcome
        sold = outcome == "sold" if event == "completed" else None
        reason = fields["reason"].strip()
        return partial(store.handoffs.correct, actor, self.entry.id, event, reason, sold)

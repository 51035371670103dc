"""An entry with its whole history: every field, every revision and void, every outcome, and
for a complaint step the whole timeline of its case (c opens the case itself).

Personal data comes masked from the data layer; a reviewer may reveal one value (picked when
more than one is masked), and the reveal is audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from lobby_tui.domain import validation
from lobby_tui.domain.complaint_steps import Action
from lobby_tui.domain.kinds import KIND_LABELS, Kind
from lobby_tui.domain.roles import Permission, refusal
from lobby_tui.domain.text import visible
from lobby_tui.locale import N_, _
from lobby_tui.screens.base import LobbyScreen
from lobby_tui.screens.registry import dialog, open_case
from lobby_tui.widgets.bindings import hide_bindings
from lobby_tui.widgets.choices import label_of
from lobby_tui.widgets.complaint_text import action_label, case_heading, steps_text
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.header import DutyHeader

if TYPE_CHECKING:
    from lobby_tui.data.views import CaseTimeline, EntryHistory, EntryView

FIELD_LABELS = {
    "ticket": N_("Ticket"),
    "business": N_("Business type"),
    "priority": N_("Priority"),
    "target": N_("Sent to"),
    "topic": N_("Topic"),
    "text": N_("Text"),
    "outcome": N_("Outcome"),
    "contact": N_("Contact"),
    "resolved": N_("Resolved"),
    "referral": N_("Product interest"),
    "follow_up_due": N_("Follow up by"),
}
CODED = {"business", "priority", "target", "topic"}
EVENT_LABELS = {
    "accepted": N_("accepted"),
    "completed": N_("completed"),
    "returned": N_("returned"),
    "no_show": N_("no-show"),
    "follow_up_done": N_("followed up"),
}


class EntryDetailScreen(LobbyScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Back"), id="detail_back"),
        Binding("r", "reveal", N_("Reveal"), id="reveal"),
        Binding("c", "open_case", N_("Complaint case"), id="detail_case"),
        Binding("o", "correct_outcome", N_("Correct the outcome"), id="outcome_correct"),
    ]

    class Loaded(Message):
        def __init__(self, history: EntryHistory, case: CaseTimeline | None) -> None:
            super().__init__()
            self.history = history
            self.case = case

    class Revealed(Message):
        def __init__(self, field: str, value: str | None) -> None:
            super().__init__()
            self.field = field
            self.value = value

    def __init__(self, entry_id: int) -> None:
        super().__init__()
        self.entry_id = entry_id
        self.case_id: int | None = None
        self.history: EntryHistory | None = None
        self.entry: EntryView | None = None
        if self.refused_reveal():
            hide_bindings(self, "reveal")

    def compose(self) -> ComposeResult:
        yield DutyHeader()
        with VerticalScroll(id="detail-box"):
            yield Static(_("Entry #{id}").format(id=self.entry_id), classes="panel-title")
            yield Static("", id="detail-fields")
            yield Static(_("History"), classes="panel-title")
            yield Static("", id="detail-history")
            yield Static(_("Complaint case"), classes="panel-title", id="detail-case-title")
            yield Static("", id="detail-case")
            yield Static("", id="detail-revealed")
        yield LobbyFooter()

    def on_mount(self) -> None:
        for name in ("#detail-case-title", "#detail-case"):
            self.query_one(name).display = False
        self._load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_case":
            return self.case_id is not None
        return True

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def _load(self) -> None:
        store, actor = self.session.store, self.session.actor
        history = store.entries.history(actor, self.entry_id)
        case = None
        if history.entry.complaint_id is not None:
            case = store.complaints.timeline(actor, history.entry.complaint_id)
        self.post_message(self.Loaded(history, case))

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        self._show_case(event.case)
        history = self.history = event.history
        entry = self.entry = history.entry
        fields = Text()
        kind = _(KIND_LABELS[Kind(entry.kind)])
        when = entry.occurred_at.astimezone(self.session.zone).strftime("%Y-%m-%d %H:%M")
        fields.append(f"{kind} · {when} · {entry.staff_name} ({entry.staff_no})\n", style="bold")
        if entry.voided:
            fields.append(_("VOID") + "\n", style="bold red")
        elif entry.revision > 1:
            fields.append(_("revised, revision {n}").format(n=entry.revision) + "\n", style="bold")
        for name, label in FIELD_LABELS.items():
            value = getattr(entry, name, None)
            if value is None or value == "":
                continue
            if name == "target" and entry.kind == "handoff":
                label = N_("Handed to")
            elif name == "topic" and entry.kind == "complaint":
                label = N_("Complaint step")  # a complaint entry's topic is its step
            elif name == "outcome" and entry.kind == "complaint" and entry.topic == "register":
                label = N_("The customer's request")  # kept as the registering step's outcome
            fields.append(f"{_(label)}: ", style="bold")
            fields.append(self._shown(name, value, entry.kind) + "\n")
        self.query_one("#detail-fields", Static).update(fields)
        self.query_one("#detail-history", Static).update(self._history_text(history))

    def _show_case(self, timeline: CaseTimeline | None) -> None:
        """The linked complaint case: number, status, time left, then every step."""
        self.case_id = timeline.case.id if timeline else None
        for name in ("#detail-case-title", "#detail-case"):
            self.query_one(name).display = timeline is not None
        self.refresh_bindings()
        if timeline is None:
            return
        shown = case_heading(timeline.case, self.session.clock())
        shown.append("\n")
        shown.append_text(steps_text(timeline.actions, self.session.zone))
        shown.append(_("c opens the case"), style="italic")
        self.query_one("#detail-case", Static).update(shown)

    def action_open_case(self) -> None:
        if self.case_id is None:
            return
        open_case(self.app, self.case_id)

    def _shown(self, name: str, value: Any, kind: str) -> str:
        if name == "topic" and kind == "complaint" and value in set(Action):
            return action_label(value)
        if name in CODED:
            return visible(label_of(self.session.settings.lists, name, value, kind))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, datetime):
            return value.astimezone(self.session.zone).strftime("%Y-%m-%d")
        return visible(str(value), keep_newlines=True)

    def _history_text(self, history: EntryHistory) -> Text:
        lines = Text()
        zone = self.session.zone
        for revision in history.revisions:
            at = revision.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            who = f"{revision.staff_name} ({revision.staff_no})"
            if revision.action == "void":
                # Whole sentences for the catalogs: a call inside an f-string is not extracted.
                lines.append(_("{at}  voided by {who}: ").format(at=at, who=who), style="bold red")
            else:
                lines.append(_("{at}  revised by {who}: ").format(at=at, who=who), style="bold")
            lines.append(visible(revision.reason) + "\n")
            for name, old in revision.old_values.items():
                new = revision.new_values.get(name)
                label = _(FIELD_LABELS.get(name, name))
                old_shown = self._shown(name, old, history.entry.kind)
                new_shown = self._shown(name, new, history.entry.kind)
                lines.append(f"    {label}: {old_shown} → {new_shown}\n")
        status = "pending"
        for event in history.events:
            at = event.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            label = _(EVENT_LABELS.get(event.event, event.event))
            if history.entry.kind == "handoff" and validation.is_correction(status, event.event):
                label = _("outcome corrected to {outcome}").format(outcome=label)
            if event.event in validation.HANDOFF_EVENTS:
                status = event.event
            lines.append(f"{at}  {label}", style="bold")
            lines.append(f" · {event.staff_name} ({event.staff_no})")
            if event.product_sold is not None:
                sold = _("product sold") if event.product_sold else _("no product sold")
                lines.append(f" · {sold}")
            if event.note:
                lines.append(f" · {visible(event.note)}")
            lines.append("\n")
        return lines or Text(_("Not revised, no outcome yet."))

    def action_correct_outcome(self) -> None:
        entry = self.entry
        if entry is None:
            return
        refused = None
        if entry.kind != "handoff":
            refused = N_("Only a hand-off has an outcome to correct.")
        elif entry.voided:
            refused = N_("This entry is void and can no longer be changed.")
        elif entry.status not in validation.HANDOFF_EVENTS:
            refused = N_("This hand-off has no outcome to correct yet.")
        if refused:  # said at once, before the reason is typed; the store checks it again
            self.notify(_(refused), severity="warning")
            return
        self.app.push_screen(dialog("correct_outcome", entry), callback=self._corrected)

    def _corrected(self, entry: EntryView | None) -> None:
        if entry is not None:
            self.wrote(entry)
            self._load()

    def refused_reveal(self) -> str | None:
        actor = self.session.actor
        return refusal(actor.role if actor else None, Permission.REVIEW)

    def action_reveal(self) -> None:
        """One step: the one masked value at once, or a pick of the masked values."""
        if refused := self.refused_reveal():
            self.notify(_(refused), severity="warning")
            return
        if self.history is None:
            return
        masked = self.history.masked
        if not masked:
            self.notify(_("Nothing in this entry is masked."))
        elif len(masked) == 1:
            self._reveal(masked[0])
        else:
            entry = self.history.entry
            choices = [(name, _(FIELD_LABELS[name]), getattr(entry, name)) for name in masked]
            self.app.push_screen(dialog("reveal_pick", choices), callback=self._picked)

    def _picked(self, field: str | None) -> None:
        if field is not None:
            self._reveal(field)

    @work(thread=True, group="reveal", exit_on_error=False)
    def _reveal(self, field: str) -> None:
        value = self.session.store.entries.reveal(self.session.actor, self.entry_id, field)
        self.post_message(self.Revealed(field, value))

    @on(Revealed)
    def _revealed(self, event: Revealed) -> None:
        label = _(FIELD_LABELS[event.field])
        shown = Text(_("Revealed (recorded in the audit log) — {field}: ").format(field=label))
        shown.append(visible(event.value or "—", keep_newlines=True), style="bold")
        self.query_one("#detail-revealed", Static).update(shown)

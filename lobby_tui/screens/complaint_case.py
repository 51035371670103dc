"""One complaint case: every field (the complainant's name and contact masked), its clock and
its whole timeline. Its keys record the next step, each in a small dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from lobby_tui.domain.case_state import check_case_step
from lobby_tui.domain.complaint_steps import CASE_STEPS, Action
from lobby_tui.domain.complaints import Status
from lobby_tui.domain.text import visible
from lobby_tui.locale import N_, _
from lobby_tui.messages import Change
from lobby_tui.screens.base import LobbyScreen
from lobby_tui.screens.follows import FollowsTheLog
from lobby_tui.screens.registry import dialog
from lobby_tui.widgets.complaint_text import (
    case_heading,
    code_label,
    severity_text,
    steps_text,
    when,
)
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.header import DutyHeader
from lobby_tui.widgets.hints import KeyHints

if TYPE_CHECKING:
    from lobby_tui.data.views import CaseActionView, CaseSaved, CaseTimeline, CaseView, StaffInfo


class CaseScreen(FollowsTheLog, LobbyScreen):
    BINDINGS = [
        # What each key records (the step table); the dialog asks for what the rule asks.
        *(
            Binding(
                step.key, f"step('{step.action}')", step.key_label, id=f"complaint_{step.action}"
            )
            for step in CASE_STEPS
        ),
        Binding("escape", "app.pop_screen", N_("Back"), id="case_back"),
    ]

    class Loaded(Message):
        def __init__(self, timeline: CaseTimeline, staff: list[StaffInfo]) -> None:
            super().__init__()
            self.timeline = timeline
            self.staff = staff

    def __init__(self, case_id: int) -> None:
        super().__init__()
        self.case_id = case_id
        self.timeline: CaseTimeline | None = None
        self.staff: list[StaffInfo] = []

    def compose(self) -> ComposeResult:
        yield DutyHeader()
        with VerticalScroll(id="detail-box"):
            yield Static(_("Complaint case"), classes="panel-title", id="case-title")
            yield Static("", id="case-fields")
            yield Static(_("Timeline"), classes="panel-title")
            yield Static("", id="case-timeline")
            yield KeyHints(*(f"complaint_{step.action}" for step in CASE_STEPS), "case_back")
        yield LobbyFooter()

    def on_mount(self) -> None:
        self.reload()

    SHOWS = frozenset({Change.CASE})

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="complaint-case", exit_on_error=False)
    def _load(self) -> None:
        store, actor = self.session.store, self.session.actor
        timeline = store.complaints.timeline(actor, self.case_id)
        self.post_message(self.Loaded(timeline, store.complaints.handlers(actor)))

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        self.timeline, self.staff = event.timeline, event.staff
        case = event.timeline.case
        self.query_one("#case-title", Static).update(case_heading(case, self.session.clock()))
        self.query_one("#case-fields", Static).update(self._fields(case))
        self.query_one("#case-timeline", Static).update(self._steps(event.timeline.actions))

    def _when(self, moment) -> str:
        return when(moment, self.session.zone)

    def _fields(self, case: CaseView) -> Text:
        clock, now = case.deadline, self.session.clock()
        respondent = f"{case.respondent_name} ({case.respondent_no})" if case.respondent_no else ""
        lines: list[tuple[str, str | Text]] = [
            (_("Received at"), self._when(case.received_at)),
            (_("Channel"), code_label("channel", case.channel)),
            (_("Business"), code_label("business", case.business)),
            (_("Cause"), code_label("cause", case.cause)),
            (_("Severity"), severity_text(case.severity)),
            (_("Complainant"), case.complainant_name),
            (_("Contact"), case.complainant_contact or ""),
            (_("Staff complained about"), respondent),
            (_("Ticket"), case.ticket or ""),
            (_("Handler"), f"{case.handler_name} ({case.handler_no})"),
            (_("Registered by"), f"{case.registered_by_name} ({case.registered_by_no})"),
            (_("Facts"), case.facts or ""),
            (_("The customer's request"), case.request or ""),
            (
                _("Due"),
                _("{due} ({days} days allowed, {extensions}, {pauses})").format(
                    due=clock.due_on(now).isoformat(),
                    days=clock.allowed_days,
                    extensions=_("1 extension")
                    if clock.extensions == 1
                    else _("{n} extensions").format(n=clock.extensions),
                    pauses=_("1 pause")
                    if clock.pauses == 1
                    else _("{n} pauses").format(n=clock.pauses),
                ),
            ),
            (_("Decision"), case.decision or ""),
            (_("Customer told by"), code_label("told_by", case.told_by)),
            (_("Told at"), self._when(case.told_at)),
            (_("Satisfaction"), code_label("satisfaction", case.satisfaction)),
            (_("Closed at"), self._when(case.closed_at)),
            (_("Reason for the withdrawal"), case.withdraw_reason or ""),
        ]
        shown = Text()
        for label, value in lines:
            if not value:
                continue
            shown.append(f"{label}: ", style="bold")
            if isinstance(value, Text):
                shown.append_text(value)
            else:
                shown.append(visible(value, keep_newlines=True))
            shown.append("\n")
        return shown

    def _steps(self, actions: list[CaseActionView]) -> Text:
        return steps_text(actions, self.session.zone)

    def action_step(self, action: str) -> None:
        if self.timeline is None or not self.app.writable():
            return
        case = self.timeline.case
        refused = check_case_step(
            Status(case.status),
            case.deadline,
            Action(action),
            by_respondent=case.respondent_no == self.session.actor.staff_no,
            now=self.session.clock(),
        )
        if refused:  # said at once, before any typing; the store checks again on saving
            self.notify(_(refused), severity="warning")
            return
        step = dialog("step", Action(action), case, self.staff)
        self.app.push_screen(step, callback=self._stepped)

    def _stepped(self, saved: CaseSaved | None) -> None:
        if saved is not None:
            self.wrote(saved.entry, added=True)

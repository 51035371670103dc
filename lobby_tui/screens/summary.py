"""F8 day summary: a day's counts and hourly flow, its sign-offs, and the reviewer's sign-off.

The text and numbers are the report's (domain/summary_text.py); only their layout is here.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Static

from lobby_tui.domain import summary_text
from lobby_tui.domain.dates import parse_past_day
from lobby_tui.domain.roles import Permission, allows
from lobby_tui.domain.validation import COMMENT_MAX_LENGTH
from lobby_tui.locale import N_, _
from lobby_tui.messages import Change, LogChanged
from lobby_tui.screens.base import LobbyModal, LobbyScreen
from lobby_tui.screens.branch_pick import may_pick_branch, next_branch
from lobby_tui.screens.follows import FollowsTheLog
from lobby_tui.widgets.bindings import hide_bindings
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.form import FieldSpec, Form
from lobby_tui.widgets.header import DutyHeader
from lobby_tui.widgets.hints import KeyHints
from lobby_tui.widgets.hour_chart import HourChart
from lobby_tui.writes import WriteJob, WriteRefused

if TYPE_CHECKING:
    from lobby_tui.domain.day_summary import DaySummary, SignOff

# The sections drawn in the grid; the last one, the sign-off, goes beside the chart.
GRID_SECTIONS = 7
SECTION_CELLS = 36  # the least width of a section in the grid: its labels whole


class SummaryScreen(FollowsTheLog, LobbyScreen):
    AUTO_FOCUS = ""  # keys go to the screen: the day field takes them only when asked
    BINDINGS = [
        Binding("left,p", "step(-1)", N_("Previous day"), id="summary_previous"),
        Binding("right,n", "step(1)", N_("Next day"), id="summary_next"),
        Binding("t", "today", N_("Today"), id="summary_today"),
        Binding("d", "pick_day", N_("Go to day"), id="summary_pick_day"),
        Binding("s", "sign_off", N_("Sign off"), id="summary_sign_off"),
        Binding("b", "next_branch", N_("Branch"), id="summary_branch"),
        Binding("up", "scroll(-1)", show=False, id="summary_scroll_up"),
        Binding("down", "scroll(1)", show=False, id="summary_scroll_down"),
    ]

    class Loaded(Message):
        def __init__(self, summary: DaySummary) -> None:
            super().__init__()
            self.summary = summary

    def __init__(self, day: date | None = None) -> None:
        super().__init__(id="summary")
        self.day = day
        self.summary: DaySummary | None = None
        self.sections: list[summary_text.Section] = []
        if not self.may_sign_off:
            # Lobby staff do not see the key (footer, F1); pressed anyway, it says why not.
            hide_bindings(self, "summary_sign_off")
        if not may_pick_branch(self):
            hide_bindings(self, "summary_branch")

    @property
    def may_sign_off(self) -> bool:
        actor = self.session.actor
        return actor is not None and allows(actor.role, Permission.REVIEW)

    def compose(self) -> ComposeResult:
        yield DutyHeader()
        with VerticalScroll(id="summary-body", can_focus=False):
            yield Static("", id="summary-title", classes="panel-title", markup=False)
            with Horizontal(id="summary-day-row"):
                yield Label(_("Day"), id="summary-day-label")
                yield Input(id="summary-day", max_length=10, restrict=r"[0-9+\-]*", compact=True)
                yield Static("", id="summary-day-error", markup=False)
            with Grid(id="summary-grid"):
                for number in range(GRID_SECTIONS):
                    yield Static("", id=f"summary-section-{number}", classes="summary-section")
            with Horizontal(id="summary-lower"):
                with Vertical(id="summary-chart-box"):
                    yield Static(_("Entries per hour"), classes="panel-title")
                    yield HourChart(id="summary-chart")
                with Vertical(id="summary-sign-off-box"):
                    yield Static("", id="summary-sign-off")
        yield KeyHints(
            ("summary_previous", N_("previous day")),
            ("summary_next", N_("next day")),
            ("summary_today", N_("today")),
            ("summary_pick_day", N_("go to a day")),
            ("summary_sign_off", N_("sign off")),
        )
        yield LobbyFooter()

    def on_mount(self) -> None:
        self.day = self.day or self.session.today()

    def on_resize(self) -> None:
        # As many columns of sections as leave each its labels and values on one line.
        columns = max(1, min(4, (self.size.width - 2) // SECTION_CELLS))
        grid = self.query_one("#summary-grid", Grid)
        if grid.styles.grid_size_columns != columns:
            grid.styles.grid_size_columns = columns
            self._show_sections()

    def _show_sections(self) -> None:
        columns = self.query_one("#summary-grid", Grid).styles.grid_size_columns or 4
        width = (self.size.width - 2 - 2 * (columns - 1)) // columns
        for number, section in enumerate(self.sections[:GRID_SECTIONS]):
            shown = _section(section, min(width, 40))
            self.query_one(f"#summary-section-{number}", Static).update(shown)

    RELOADS_ON_RESUME = True

    def log_changed(self, change: LogChanged) -> None:
        self._load(self.day)

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown: the one load on opening.
        self._load(self.day)

    # -- choosing the day -----------------------------------------------------------------

    def action_step(self, days: int) -> None:
        day = self.day + timedelta(days=days)
        if day > self.session.today():
            self.notify(_("That day has not come yet."), severity="warning")
            return
        self._show_day(day)

    def action_today(self) -> None:
        self._show_day(self.session.today())

    def action_pick_day(self) -> None:
        field = self.query_one("#summary-day", Input)
        self.set_focus(field)
        field.select_all()

    @on(Input.Submitted, "#summary-day")
    def _day_typed(self, event: Input.Submitted) -> None:
        event.stop()
        error = self.query_one("#summary-day-error", Static)
        if not event.value.strip():  # nothing typed: back to the day shown
            event.input.value = self.day.isoformat()
            error.update("")
            self.set_focus(None)
            return
        try:
            day = parse_past_day(event.value, self.session.today())
        except ValueError as refused:
            error.update(_(str(refused)))
            event.input.select_all()  # typing again replaces it; emptied, Enter leaves the field
            return
        error.update("")
        self.set_focus(None)
        self._show_day(day)

    def _show_day(self, day: date) -> None:
        self.day = day
        self.query_one("#summary-day-error", Static).update("")
        self._load(day)

    def action_next_branch(self) -> None:
        """Head office: the same day in the next branch granted."""
        if next_branch(self):
            self._load(self.day)

    def action_scroll(self, lines: int) -> None:
        self.query_one("#summary-body").scroll_relative(y=lines, animate=False)

    # -- the summary ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="summary", exit_on_error=False)
    def _load(self, day: date) -> None:
        self.post_message(self.Loaded(self.session.store.summary.day(self.session.actor, day)))

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        summary = event.summary
        if summary.day != self.day:
            return  # an older request, answered after the reviewer moved on
        self.summary = summary
        self.query_one("#summary-title", Static).update(summary_text.title(summary))
        field = self.query_one("#summary-day", Input)
        if not field.has_focus:
            field.value = summary.day.isoformat()
        sections = summary_text.sections(summary, self.session.settings.lists)
        self.sections = sections
        self._show_sections()
        self.query_one("#summary-sign-off", Static).update(_sign_off_section(sections[-1]))
        chart = self.query_one(HourChart)
        chart.show(summary.by_hour, summary_text.chart_hours(summary.by_hour))

    # -- sign-off -------------------------------------------------------------------------

    def action_sign_off(self) -> None:
        if not self.app.writable():
            return
        if not self.may_sign_off:
            self.notify(_("Only reviewers can sign a day off."), severity="warning")
            return
        if self.summary is None:
            return
        self.app.push_screen(SignOffScreen(self.summary), callback=self._signed)

    def _signed(self, sign_off: SignOff | None) -> None:
        if sign_off is not None:
            self.notify(_("{day} signed off.").format(day=self.day.isoformat()))
            self.wrote(None, what=Change.SIGN_OFF)


def _section(section: summary_text.Section, width: int) -> Text:
    """A section as lines of label and value, the values lined up by terminal cells, the
    labels cut to leave ``width`` cells for both."""
    values = max((cell_len(line.value) for line in section.lines), default=0)
    labels = max((cell_len(line.label) for line in section.lines), default=0)
    room = max(8, min(labels, width - values - 1))
    shown = Text(section.title + "\n", style="bold")
    for line in section.lines:
        label = line.label
        if cell_len(label) > room:
            label = set_cell_size(label, room - 1) + "…"
        pad = " " * (room + 1 - cell_len(label))
        style = "bold red" if line.warn else ""
        shown.append(f"{label}{pad}{line.value}\n", style=style)
    shown.rstrip()
    return shown


def _sign_off_section(section: summary_text.Section) -> Text:
    """The sign-offs: who and when in full, then the comment, wrapped below when long."""
    shown = Text(section.title + "\n", style="bold")
    for line in section.lines:
        shown.append(line.label, style="bold red" if line.warn else "bold")
        shown.append(f"  {line.value}\n" if line.value else "\n", style="red" if line.warn else "")
    shown.rstrip()
    return shown


class SignedOff(Message):
    def __init__(self, sign_off: SignOff) -> None:
        super().__init__()
        self.sign_off = sign_off


class SignOffScreen(LobbyModal):
    """The reviewer's comment, then the sign-off through the write queue."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="cancel_sign_off")]

    def __init__(self, summary: DaySummary) -> None:
        super().__init__(id="sign_off")
        self.summary = summary

    def compose(self) -> ComposeResult:
        day = self.summary.day.isoformat()
        with Vertical(id="sign-off-box", classes="box"):
            yield Static(_("Sign off {day}").format(day=day), classes="box-title")
            changed = len(self.summary.changed_after_sign_off)
            if changed:
                yield Static(
                    _("{n} entries changed since the last sign-off.").format(n=changed),
                    id="sign-off-changed",
                )
            comment = FieldSpec("comment", _("Comment"), max_length=COMMENT_MAX_LENGTH)
            yield Form([comment], on_submit=self.save, id="sign-off-form")
            yield Static(_("Enter or Ctrl+S: sign off · Esc: cancel"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(Form).focus_first()

    def save(self, fields: dict[str, str]) -> None:
        store, actor = self.session.store, self.session.actor
        run = partial(store.summary.sign_off, actor, self.summary.day, fields["comment"].strip())
        self.session.writes.put(
            WriteJob(run=run, reply_to=self, done=SignedOff, failed=WriteRefused)
        )

    @on(SignedOff)
    def _done(self, event: SignedOff) -> None:
        event.stop()
        self.dismiss(event.sign_off)

    @on(WriteRefused)
    def _refused(self, event: WriteRefused) -> None:
        event.stop()
        from lobby_tui.data.views import StoreError
        from lobby_tui.domain.validation import ValidationError

        error = event.error
        if isinstance(error, ValidationError):
            self.query_one(Form).set_error("comment", _(error.message))
        elif isinstance(error, StoreError):
            self.query_one(Form).set_error("comment", _(str(error)))
        else:
            self.report_failure(error)

"""How a complaint case reads on screen: its codes' labels, its status, its time left (red
within three days) and its timeline, shared by the desk, the open items, the case list, the
case and an entry's detail in the log browser."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from rich.text import Text

from lobby_tui import locale
from lobby_tui.domain import complaints
from lobby_tui.domain.complaint_steps import ACTION_LABELS, FREE_TEXT, STEPS, Action
from lobby_tui.domain.complaints import STATUS_LABELS, Status
from lobby_tui.domain.text import visible
from lobby_tui.locale import N_, _
from lobby_tui.widgets.choices import pairs

if TYPE_CHECKING:
    from lobby_tui.data.views import CaseActionView, CaseView

# Details of a step as shown in the timeline, in this order.
DETAIL_LABELS = {
    "reason": N_("reason"),
    "days": N_("days added"),
    "approver": N_("approved by"),
    "facts": N_("facts"),
    "decision": N_("decision"),
    "told_by": N_("customer told by"),
    "told_at": N_("told at"),
    "satisfaction": N_("satisfaction"),
    "handler_name": N_("handler"),
    "note": N_("note"),
}
CODED = {"told_by": "told_by", "satisfaction": "satisfaction"}


def axis_pairs(axis: str) -> tuple[tuple[str, str], ...]:
    """(code, label) pairs of a complaint axis (channel, business, cause, severity, ...)."""
    return pairs(complaints.AXES[axis])


def code_label(axis: str, code: str | None) -> str:
    """The label of a stored code; the code itself when unknown, "" for none."""
    choice = complaints.find(axis, code)
    return choice.label(locale.language()) if choice else (code or "")


def status_label(status: str) -> str:
    return _(STATUS_LABELS[Status(status)])


def action_label(action: str) -> str:
    return _(ACTION_LABELS[Action(action)])


SEVERITY_STYLES = {"red": "bold red", "yellow": "bold yellow", "green": "green"}


def severity_text(code: str) -> Text:
    return Text(code_label("severity", code), style=SEVERITY_STYLES.get(code, ""), end="")


def time_left(case: CaseView, now: datetime) -> Text:
    """ "due in 5 days", "due today", "2 days overdue", "paused, 9 days left", or the status of
    a case whose clock has stopped; bold red within three days of the due day."""
    clock = case.deadline
    if clock.stopped is not None or not case.open:
        return Text(status_label(case.status), end="")
    days = clock.days_left(now)
    if days < 0:
        shown = _("{n} days overdue").format(n=-days) if days < -1 else _("1 day overdue")
    elif days == 0:
        shown = _("due today")
    elif days == 1:
        shown = _("due tomorrow")
    else:
        shown = _("due in {n} days").format(n=days)
    if clock.paused:
        shown = _("paused, {left}").format(left=shown)
    return Text(shown, style="bold red" if clock.urgent(now) else "", end="")


def when(moment: datetime | None, zone: tzinfo) -> str:
    """A moment as the case screens show it, in branch time; "" for none."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def case_heading(case: CaseView, now: datetime) -> Text:
    """The case's number and status, and its time left while its clock runs."""
    title = Text(f"{case.number}  ", style="bold", end="")
    title.append(status_label(case.status), style="bold")
    if case.open and case.deadline.stopped is None:
        title.append("  ")
        title.append_text(time_left(case, now))
    return title


def steps_text(actions: list[CaseActionView], zone: tzinfo) -> Text:
    """Every step of a case, oldest first: what, when, who, then its details (masked)."""
    shown = Text()
    for step in actions:
        shown.append(f"{when(step.at, zone)}  {action_label(step.action)}", style="bold")
        shown.append(f" · {step.staff_name} ({step.staff_no})\n")
        for name, label in DETAIL_LABELS.items():
            value: Any = step.payload.get(name)
            if value is None or value == "":
                continue
            if name in CODED:
                value = code_label(CODED[name], value)
            elif name == "told_at":
                value = when(value, zone)
            shown.append(f"    {_(label)}: ")
            shown.append(visible(str(value)) + "\n")
        for field in STEPS[Action(step.action)].fields:  # a step's other texts, as it asks them
            value = step.payload.get(field.name)
            if value and field.name not in DETAIL_LABELS and field.kind in FREE_TEXT:
                shown.append(f"    {_(field.label)}: {visible(str(value))}\n")
        if step.payload.get("customer_told"):
            shown.append("    " + _("customer told of the extension") + "\n")
    return shown

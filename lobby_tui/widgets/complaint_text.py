"""How a complaint case reads on screen: its codes' labels, its status, and its time left
(red within three days), shared by the desk, the open items, the case list and the case."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text

from lobby_tui import locale
from lobby_tui.domain import complaints
from lobby_tui.domain.complaints import ACTION_LABELS, STATUS_LABELS, Action, Status
from lobby_tui.locale import _
from lobby_tui.widgets.choices import pairs

if TYPE_CHECKING:
    from lobby_tui.data.views import CaseView


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

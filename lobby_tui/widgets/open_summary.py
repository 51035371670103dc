"""What stays open, as the handover shows it: counts per kind, then the open complaints with
their time left, then the oldest other items."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich.text import Text

from lobby_tui.domain.kinds import KIND_LABELS, Kind
from lobby_tui.domain.lists import BranchLists
from lobby_tui.locale import N_, _
from lobby_tui.widgets.choices import label_of
from lobby_tui.widgets.complaint_text import time_left
from lobby_tui.widgets.timeline import plain

if TYPE_CHECKING:
    from lobby_tui.data.views import CaseView, OpenItem, OpenSummary

# Cells of a complaint's line, Chinese counted double: it fits the sign-out dialog.
LINE_WIDTH = 84
# Each kind of open item the handover lists, in the order it lists them.
OPEN_KIND_LABELS = {
    "complaint": N_("open complaints"),
    "handoff": N_("pending hand-offs"),
    "follow_up": N_("follow-ups due"),
}


def open_summary_text(
    summary: OpenSummary, zone: ZoneInfo, lists: BranchLists, now: datetime
) -> Text:
    """Counts per kind on one line, the complaints (time left at ``now``) and the oldest items
    below it; personal data masked."""
    if not summary.total:
        return Text(_("Nothing stays open."))
    order = [*OPEN_KIND_LABELS, *(kind for kind in summary.counts if kind not in OPEN_KIND_LABELS)]
    counts = [
        _("{what}: {n}").format(what=_(OPEN_KIND_LABELS.get(kind, kind)), n=summary.counts[kind])
        for kind in order
        if summary.counts.get(kind)
    ]
    shown = Text(" · ".join(counts), style="bold")
    if summary.overdue:
        shown.append("  " + _("{n} overdue").format(n=summary.overdue), style="bold red")
    for case in summary.complaints:
        shown.append("\n")
        shown.append_text(_case_line(case, zone, now))
    for item in summary.oldest:
        shown.append("\n")
        shown.append_text(_item_line(item, zone, lists))
    listed = len(summary.complaints) + len(summary.oldest)
    if summary.total > listed:
        more = summary.total - listed
        shown.append("\n" + _("… {n} more: F6").format(n=more))
    return shown


def _case_line(case: CaseView, zone: ZoneInfo, now: datetime) -> Text:
    # Received when, the case number, its time left (red when near or past), then the facts
    # in what is left of the line, as wide as the other items' lines.
    since = case.received_at.astimezone(zone).strftime("%m-%d %H:%M")
    line = Text(f"  {since:<11} {_('complaint')} {case.number} ")
    line.append_text(time_left(case, now))
    line.append("  ")
    facts = plain(case.facts, 200)
    facts.truncate(max(10, LINE_WIDTH - line.cell_len), overflow="ellipsis")
    line.append_text(facts)
    return line


def _item_line(item: OpenItem, zone: ZoneInfo, lists: BranchLists) -> Text:
    entry = item.entry
    if item.kind == "handoff":
        since = item.since.astimezone(zone).strftime("%m-%d %H:%M")
        where = label_of(lists, "target", entry.target, "handoff")
        what = f"{_('hand-off')} {entry.ticket or ''} → {where}"
    elif item.kind == "follow_up":
        since = item.since.astimezone(zone).strftime("%m-%d")
        what = f"{_('follow-up')} {entry.ticket or ''}"
    else:
        since = item.since.astimezone(zone).strftime("%m-%d")
        what = f"{_(KIND_LABELS[Kind(entry.kind)])} {entry.ticket or ''}"
    line = Text(f"  {since:<11} ", style="bold red" if item.overdue else "")
    line.append_text(plain(f"{what}  {entry.text or ''}", 70))
    return line

"""The day summary in words, in the session's language: the one source of its text and numbers
for the F8 screen and for ``lobby-tui report`` (Markdown).

Typed text (a reviewer's comment, masked by the data layer) is made one visible line; the caller
shows it as plain text, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from lobby_tui import locale
from lobby_tui.domain.checklists import CHECKLIST_SHORT, mark, problems_text
from lobby_tui.domain.day_summary import DaySummary
from lobby_tui.domain.kinds import KIND_LABELS, Kind
from lobby_tui.domain.lists import BranchLists
from lobby_tui.domain.text import one_line
from lobby_tui.locale import N_, _

# The hours the chart always shows (a branch's opening hours); earlier or later ones are added
# when entries were written then.
CHART_HOURS = range(8, 18)
BAR_WIDTH = 30
CHANGE_LABELS = {"revise": N_("revised"), "void": N_("voided")}


@dataclass(frozen=True)
class Line:
    label: str
    value: str
    warn: bool = False  # for the reviewer's attention: shown in bold, or red on screen


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[Line, ...]


def title(summary: DaySummary) -> str:
    return _("Day summary of {day}, {branch} ({code})").format(
        day=summary.day.isoformat(), branch=summary.branch_name, code=summary.branch_code
    )


def sections(summary: DaySummary, lists: BranchLists) -> list[Section]:
    """The summary's counts as titled lines, in the order both the screen and the report show."""
    zone = ZoneInfo(summary.time_zone)
    handoffs = summary.handoffs
    rate = handoffs.success_rate
    return [
        Section(
            _("Entries"),
            (
                *(Line(_(KIND_LABELS[kind]), str(summary.by_kind.get(kind, 0))) for kind in Kind),
                Line(_("total"), str(summary.total)),
                Line(_("void (not counted)"), str(summary.voided)),
            ),
        ),
        Section(_("Business type"), _counts(summary.by_business, lists, "business")),
        Section(_("Priority channel"), _counts(summary.by_priority, lists, "priority")),
        Section(
            _("Hand-offs"),
            (
                Line(_("still open"), str(handoffs.open)),
                Line(_("completed"), str(handoffs.completed)),
                Line(_("returned"), str(handoffs.returned)),
                Line(_("no-show"), str(handoffs.no_show)),
                Line(
                    _("success rate"),
                    _("{rate:.0%} ({completed}/{closed})").format(
                        rate=rate, completed=handoffs.completed, closed=handoffs.closed
                    )
                    if rate is not None
                    else _("none closed yet"),
                ),
                Line(_("with product interest"), str(summary.referrals)),
                Line(_("referrals sold"), str(summary.referrals_sold)),
            ),
        ),
        Section(
            _("Complaints"),
            (
                Line(_("opened"), str(summary.complaints.opened)),
                Line(_("closed"), str(summary.complaints.closed)),
                Line(_("overdue"), str(summary.complaints.overdue)),
            ),
        ),
        Section(
            _("Follow-ups due"),
            (
                Line(_("due"), str(summary.follow_ups.due)),
                Line(_("done"), str(summary.follow_ups.done)),
                Line(_("still open"), str(summary.follow_ups.open)),
            ),
        ),
        Section(_("Checks"), _checklists(summary)),
        Section(_("Sign-off"), _sign_offs(summary, zone)),
    ]


def _checklists(summary: DaySummary) -> tuple[Line, ...]:
    # "opening  ✓ · problems: 1": the desk's names and marks, and the problems found that day;
    # the short names leave the value room in a column of the F8 screen.
    return tuple(
        Line(
            _(CHECKLIST_SHORT[day.checklist]),
            " · ".join(filter(None, (mark(day), problems_text(day)))),
        )
        for day in summary.checklists
    )


def _counts(counts: dict[str, int], lists: BranchLists, list_name: str) -> tuple[Line, ...]:
    if not counts:
        return (Line(_("none"), "0"),)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(Line(_label(lists, list_name, code), str(count)) for code, count in ordered)


def _label(lists: BranchLists, list_name: str, code: str) -> str:
    # The code itself when the branch's list no longer has it.
    choice = lists.find(list_name, code)
    return choice.label(locale.language()) if choice else code


def _sign_offs(summary: DaySummary, zone: ZoneInfo) -> tuple[Line, ...]:
    if not summary.sign_offs:
        return (Line(_("not signed off yet"), ""),)
    lines = [
        Line(
            f"{sign_off.reviewer_name} ({sign_off.reviewer_no}) {_moment(sign_off.at, zone)}",
            one_line(sign_off.comment, 200),
        )
        for sign_off in summary.sign_offs
    ]
    for change in summary.changed_after_sign_off:
        lines.append(
            Line(
                _("#{id} {action} after the sign-off").format(
                    id=change.entry_id, action=_(CHANGE_LABELS.get(change.action, change.action))
                ),
                f"{_moment(change.at, zone)} {change.staff_no}",
                warn=True,
            )
        )
    return tuple(lines)


def _moment(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def chart_hours(by_hour: tuple[int, ...]) -> range:
    """The hours to chart: the opening hours, widened to any hour that has entries."""
    busy = [hour for hour, count in enumerate(by_hour) if count]
    first = min([CHART_HOURS.start, *busy])
    last = max([CHART_HOURS.stop - 1, *busy])
    return range(first, last + 1)


def bar(count: int, most: int, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of block characters, ``width`` long for ``most``, in eighths of a cell."""
    if not count or not most:
        return ""
    eighths = max(1, round(count * width * 8 / most))
    full, rest = divmod(eighths, 8)
    return "█" * full + ("" if not rest else " ▏▎▍▌▋▊▉"[rest])


def markdown(summary: DaySummary, lists: BranchLists) -> str:
    """The whole summary as a Markdown document (``lobby-tui report``)."""
    item, value, hour, count = _("item"), _("value"), _("hour"), _("count")
    out = [f"# {_md(title(summary))}", ""]
    for section in sections(summary, lists):
        out += [f"## {_md(section.title)}", "", f"| {item} | {value} |", "|---|---|"]
        for line in section.lines:
            label = f"**{_md(line.label)}**" if line.warn else _md(line.label)
            out.append(f"| {label} | {_md(line.value)} |")
        out.append("")
    most = max(summary.by_hour)
    flow = _("Entries per hour")
    out += [f"## {flow}", "", f"| {hour} | {count} | |", "|---|---:|---|"]
    for at_hour in chart_hours(summary.by_hour):
        entries = summary.by_hour[at_hour]
        out.append(f"| {at_hour:02d}:00 | {entries} | {bar(entries, most)} |")
    out.append("")
    return "\n".join(out)


# Typed text in the report is literal: a backslash or a pipe must not end a table cell, nor
# Markdown's own marks format it, and HTML (``<img onerror=…>``) must reach a browser as text.
# Markdown lets a backslash escape any ASCII punctuation; HTML is written as its entities.
# Asterisks stay as typed: a masked number (138****5678) must read the same in the source.
_MARKDOWN_LITERAL = str.maketrans(
    {
        **{mark: "\\" + mark for mark in "\\|_`[]"},
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
    }
)


def _md(text: str) -> str:
    """``text`` as the literal content of one Markdown table cell or heading: one visible line,
    Markdown and HTML escaped."""
    return one_line(text, 300).translate(_MARKDOWN_LITERAL)

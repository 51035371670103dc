"""The branch's lists as (code, label) pairs for pick fields, in the session's language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from lobby_tui import locale
from lobby_tui.domain.complaint_steps import ACTION_LABELS
from lobby_tui.domain.lists import BranchLists, Choice
from lobby_tui.locale import _

if TYPE_CHECKING:
    from lobby_tui.data.views import EntryView


def pairs(choices: Iterable[Choice]) -> tuple[tuple[str, str], ...]:
    language = locale.language()
    return tuple((choice.code, choice.label(language)) for choice in choices)


def yes_no() -> tuple[tuple[str, str], ...]:
    return (("yes", _("yes")), ("no", _("no")))


def label_of(lists: BranchLists, field: str, code: str | None, kind: str = "") -> str:
    """The label of a stored code of ``field`` (business, priority, topic, target); the code
    itself when the list no longer has it (the branch changed its lists since)."""
    if not code:
        return ""
    names = {"business": ["business"], "priority": ["priority"], "topic": ["topic"]}.get(field, [])
    if field == "target":
        # Either target list, the entry's own kind first (older entries may use the other).
        names = ["queue_target", "handoff_target"]
        if kind == "handoff":
            names.reverse()
    for name in names:
        if choice := lists.find(name, code):
            return choice.label(locale.language())
    return code


def summary(lists: BranchLists, entry: EntryView) -> str:
    """One line saying what an entry is about, for timelines and lists."""
    if entry.kind == "queue":
        business = label_of(lists, "business", entry.business)
        head = f"{business} → {label_of(lists, 'target', entry.target, entry.kind)}"
        if entry.priority and entry.priority != "none":
            head += f" [{label_of(lists, 'priority', entry.priority)}]"
    elif entry.kind == "enquiry":
        head = f"{label_of(lists, 'topic', entry.topic)}:"
    elif entry.kind == "handoff":
        head = f"→ {label_of(lists, 'target', entry.target, entry.kind)}"
    elif entry.kind == "complaint" and entry.complaint_no:
        action = ACTION_LABELS.get(entry.topic or "")
        head = f"{entry.complaint_no} {_(action) if action else ''}:".replace(" :", ":")
    else:
        head = ""
    text = entry.text or entry.outcome or ""
    return f"{head} {text}".strip()

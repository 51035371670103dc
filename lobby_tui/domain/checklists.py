"""The checklists (opening, mid-day, closing) of a day: whether each was walked and with how
many problems, and the names and marks that say so on the desk, in F8 and in the report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lobby_tui.locale import N_, _

CHECKLIST_NAMES = {
    "opening": N_("Opening check"),
    "midday": N_("Mid-day check"),
    "closing": N_("Closing check"),
}
CHECKLIST_SHORT = {
    "opening": N_("opening"),
    "midday": N_("mid-day"),
    "closing": N_("closing"),
}
DONE = "✓"
NOT_DONE = "–"


@dataclass(frozen=True)
class ChecklistDay:
    """One checklist (``opening``, ``midday``, ``closing``) on a branch day: whether it was
    walked, how many problems were found (over every walk of it that day), and who walked it
    last and when."""

    checklist: str
    done: bool
    problems: int = 0
    last_at: datetime | None = None
    staff_no: str | None = None
    staff_name: str | None = None


def mark(day: ChecklistDay) -> str:
    """✓ for a checklist walked that day, – for one not yet."""
    return DONE if day.done else NOT_DONE


def problems_text(day: ChecklistDay) -> str:
    """ "problems: 2"; "" for none (or a checklist not walked)."""
    return _("problems: {n}").format(n=day.problems) if day.problems else ""


def draft_name(checklist: str) -> str:
    """The draft a walk of ``checklist`` is kept in while it is answered, as a form keeps its
    own: left with Esc, or in a killed terminal, the walk goes on where it stopped."""
    return f"check_{checklist}"


def is_checklist_draft(name: str) -> bool:
    """True for the name of a checklist walk's draft (``draft_name``)."""
    return name.startswith("check_")

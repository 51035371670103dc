"""The checklists' names, and the few characters that say which were done today."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text

from lobby_tui.locale import N_, _

if TYPE_CHECKING:
    from lobby_tui.data.views import ChecklistDay

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


def day_marks(days: Sequence[ChecklistDay]) -> Text:
    """``opening ✓ mid-day – closing –``: ✓ done, – not yet; a ✓ with problems is yellow."""
    marks = Text()
    for day in days:
        if marks:
            marks.append(" ")
        marks.append(_(CHECKLIST_SHORT[day.checklist]) + " ")
        if not day.done:
            marks.append("–", style="dim")
        else:
            marks.append("✓", style="bold yellow" if day.problems else "bold green")
    return marks

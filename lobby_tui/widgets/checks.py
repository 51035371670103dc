"""The few characters that say which checklists were done today, coloured for the desk."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from lobby_tui.domain.checklists import CHECKLIST_SHORT, ChecklistDay, mark
from lobby_tui.locale import _


def day_marks(days: Sequence[ChecklistDay]) -> Text:
    """``opening ✓ mid-day – closing –``: ✓ done, – not yet; a ✓ with problems is yellow."""
    marks = Text()
    for day in days:
        if marks:
            marks.append(" ")
        marks.append(_(CHECKLIST_SHORT[day.checklist]) + " ")
        if not day.done:
            marks.append(mark(day), style="dim")
        else:
            marks.append(mark(day), style="bold yellow" if day.problems else "bold green")
    return marks

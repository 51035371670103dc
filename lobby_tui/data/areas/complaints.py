"""The complaints area: registering a case and recording its steps (complaint_steps.py, with
the named steps of complaint_steps_by_name.py), and reading cases, pages and timelines
(complaint_reads.py). One area in three files, for their size; one object,
``Store.complaints``."""

from __future__ import annotations

from lobby_tui.data.areas.complaint_reads import ComplaintReads
from lobby_tui.data.areas.complaint_steps import ComplaintSteps


class ComplaintArea(ComplaintSteps, ComplaintReads):
    """Complaint cases: their steps and their reads."""

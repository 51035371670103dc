"""Exports of the duty log and of the complaint cases: JSON Lines, CSV and xlsx workbooks,
personal data masked (the views the store hands out are masked already, data/entries.py).

One row per entry in its latest revision, or per complaint case as it stands. Times are ISO 8601
with the branch's offset; in a workbook they are real date-times in branch time (spreadsheets
know no zones).

The row contract is in data/export_rows.py, the writers in data/export_write.py; this module
reads the rows from the store (audited, permission checked) and so sits above it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from typing import Any

from lobby_tui.data.export_rows import COMPLAINT_FIELDS, FIELDS, complaint_row, export_row
from lobby_tui.data.export_write import (
    BINARY_FORMATS,
    FORMATS,
    csv_cell,
    printable,
    write,
    write_to,
    write_to_path,
    write_xlsx,
)
from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, BranchInfo, CaseView
from lobby_tui.domain.clock import branch_zone

__all__ = [
    "BINARY_FORMATS",
    "COMPLAINT_FIELDS",
    "FIELDS",
    "FORMATS",
    "complaint_row",
    "complaint_rows",
    "csv_cell",
    "export_row",
    "export_rows",
    "printable",
    "write",
    "write_to",
    "write_to_path",
    "write_xlsx",
]


def export_rows(
    store: Store, actor: Actor, first_day: date | None, last_day: date | None
) -> Iterator[dict[str, Any]]:
    """Rows of the entries from ``first_day`` to ``last_day`` inclusive, oldest first.

    Permission and audit happen now; the rows are read as they are consumed.
    """
    return itertools.starmap(export_row, store.log.between(actor, first_day, last_day))


def complaint_rows(
    store: Store, actor: Actor, first_day: date | None = None, last_day: date | None = None
) -> Iterator[dict[str, Any]]:
    """Rows of the complaint cases received from ``first_day`` to ``last_day`` inclusive (branch
    days; every case when None), in the order registered. Permission and audit happen now, as
    for entries."""
    cases = store.complaints.for_export(actor)
    now = store.clock()

    def wanted(case: CaseView, branch: BranchInfo) -> bool:
        day = case.received_at.astimezone(branch_zone(branch.time_zone)).date()
        return (first_day is None or day >= first_day) and (last_day is None or day <= last_day)

    return (complaint_row(case, branch, now) for case, branch in cases if wanted(case, branch))

"""Exports of the duty log: JSON Lines and CSV, personal data masked.

One row per entry in its latest revision. Times are ISO 8601 with the branch's offset.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, TextIO

from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, BranchInfo, EntryView, LogFilter
from lobby_tui.domain.clock import branch_zone
from lobby_tui.domain.masking import mask

FIELDS = (
    "id",
    "occurred_at",
    "recorded_at",
    "branch",
    "staff_no",
    "kind",
    "ticket",
    "business",
    "priority",
    "target",
    "topic",
    "text",
    "outcome",
    "complaint_no",
    "revision",
    "voided",
)
FORMATS = ("jsonl", "csv")


def export_row(entry: EntryView, branch: BranchInfo) -> dict[str, Any]:
    """The export contract for one entry: every field of ``FIELDS``, None where none applies."""
    zone = branch_zone(branch.time_zone)
    return {
        "id": entry.id,
        "occurred_at": entry.occurred_at.astimezone(zone).isoformat(timespec="seconds"),
        "recorded_at": entry.recorded_at.astimezone(zone).isoformat(timespec="seconds"),
        "branch": branch.code,
        "staff_no": entry.staff_no,
        "kind": str(entry.kind),
        "ticket": entry.ticket,
        "business": entry.business,
        "priority": entry.priority,
        "target": entry.target,
        "topic": entry.topic,
        "text": mask(entry.text),
        "outcome": mask(entry.outcome),
        "complaint_no": None,
        "revision": entry.revision,
        "voided": entry.voided,
    }


def export_rows(
    store: Store, actor: Actor, first_day: date | None, last_day: date | None
) -> Iterator[dict[str, Any]]:
    """Rows of the entries from ``first_day`` to ``last_day`` inclusive, oldest first.

    Permission and audit happen now; the rows are read as they are consumed.
    """
    entries = store.entries_between(actor, first_day, last_day)
    return (export_row(entry, branch) for entry, branch in entries)


def write(rows: Iterable[dict[str, Any]], out: TextIO, fmt: str) -> int:
    """Write ``rows`` to ``out`` as ``fmt``; return how many were written."""
    if fmt == "jsonl":
        return _write_jsonl(rows, out)
    if fmt == "csv":
        return _write_csv(rows, out)
    raise ValueError(f"unknown export format {fmt!r}")


def _write_jsonl(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def _write_csv(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    # A byte-order mark, so that spreadsheet programs read the file as UTF-8 and show Chinese.
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({k: _csv_value(v) for k, v in row.items()})
        count += 1
    return count


def _csv_value(value: Any) -> Any:
    # Booleans as in the JSON Lines export, so both read the same in a report.
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def log_rows(store: Store, actor: Actor, log_filter: LogFilter) -> Iterator[dict[str, Any]]:
    """Rows of the entries the log browser's filter shows (F7), oldest first.

    Permission and audit happen now; the rows are read as they are consumed.
    """
    entries = store.log_entries(actor, log_filter)
    branch = store.branch()
    return (export_row(entry, branch) for entry in entries)


def write_file(rows: Iterable[dict[str, Any]], path: str, fmt: str) -> int:
    """Write ``rows`` to a new file at ``path`` as ``fmt``; return how many were written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    with open(path, "w", encoding="utf-8", newline="") as out:
        return write(rows, out, fmt)

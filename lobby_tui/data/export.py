"""Exports of the duty log: JSON Lines, CSV and xlsx workbooks, personal data masked.

One row per entry in its latest revision. Times are ISO 8601 with the branch's offset; in a
workbook they are real date-times in branch time (spreadsheets know no zones).
"""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, BranchInfo, EntryView
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
FORMATS = ("jsonl", "csv", "xlsx")
# Formats written as bytes, never to a terminal.
BINARY_FORMATS = frozenset({"xlsx"})


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


# -- xlsx -------------------------------------------------------------------------------------

ENTRIES_SHEET = "entries"
SUMMARY_SHEET = "summary"
DATETIME_FIELDS = ("occurred_at", "recorded_at")
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DATE_FORMAT = "yyyy-mm-dd"
COLUMN_WIDTHS = {"occurred_at": 20, "recorded_at": 20, "text": 60, "outcome": 40}
# Characters the xlsx format cannot hold (C0 controls but tab and line feed; carriage return is
# kept as the format allows it), shown as their control pictures instead, as on screen.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def write_xlsx(rows: Iterable[dict[str, Any]], out: BinaryIO) -> int:
    """Write ``rows`` (``export_row`` dicts, any number) as a workbook to ``out``; return how
    many were written.

    Sheet ``entries`` has the columns of ``FIELDS``, times as date-times in branch time;
    sheet ``summary`` counts the entries per day and kind, voided ones apart. Written in
    openpyxl's streaming mode, so a large export holds no more than one row in memory.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(ENTRIES_SHEET)
    sheet.freeze_panes = "A2"
    for number, name in enumerate(FIELDS, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = COLUMN_WIDTHS.get(name, 12)
    sheet.append(FIELDS)
    per_day: Counter[tuple[date, str]] = Counter()
    count = 0
    try:
        for row in rows:
            cells = []
            for name in FIELDS:
                cell = WriteOnlyCell(sheet, value=_xlsx_value(name, row[name]))
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # typed text is never a formula, even if it starts with =
                elif name in DATETIME_FIELDS:
                    cell.number_format = DATETIME_FORMAT
                cells.append(cell)
            sheet.append(cells)
            day = datetime.fromisoformat(row["occurred_at"]).date()
            per_day[day, "voided" if row["voided"] else row["kind"]] += 1
            count += 1
    except BaseException:
        sheet.close()  # ends openpyxl's row stream now, not whenever it is garbage collected
        raise
    _summary_sheet(workbook, per_day)
    workbook.save(out)
    return count


def _xlsx_value(name: str, value: Any) -> Any:
    if name in DATETIME_FIELDS and value:
        # The branch's wall time: the offset in the row is the branch's own, dropped exactly.
        return datetime.fromisoformat(value).replace(tzinfo=None)
    if isinstance(value, str):
        return _XML_ILLEGAL.sub(lambda match: chr(0x2400 + ord(match.group())), value)
    return value


def _summary_sheet(workbook: Any, per_day: Counter[tuple[date, str]]) -> None:
    from openpyxl.cell import WriteOnlyCell

    from lobby_tui.domain.kinds import Kind

    kinds = [str(kind) for kind in Kind]
    sheet = workbook.create_sheet(SUMMARY_SHEET)
    sheet.column_dimensions["A"].width = 12
    sheet.append(["day", *kinds, "total", "voided"])
    for day in sorted({day for day, _ in per_day}):
        counts = [per_day[day, kind] for kind in kinds]
        cell = WriteOnlyCell(sheet, value=day)
        cell.number_format = DATE_FORMAT
        sheet.append([cell, *counts, sum(counts), per_day[day, "voided"]])


# -- files ------------------------------------------------------------------------------------


def write_to_path(rows: Iterable[dict[str, Any]], path: Path, fmt: str) -> int:
    """Write ``rows`` to the file ``path`` as ``fmt`` (any of ``FORMATS``); return how many.

    Written through a temporary file beside ``path``, put in place only once complete, so a
    failed export never leaves a file that looks like an empty or partial one.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        if fmt in BINARY_FORMATS:
            with os.fdopen(handle, "wb") as binary:
                count = write_xlsx(rows, binary)
        else:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as text:
                count = write(rows, text, fmt)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count

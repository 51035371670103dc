"""Exports of the duty log and of the complaint cases: JSON Lines, CSV and xlsx workbooks,
personal data masked (the views the store hands out are masked already, data/entries.py).

One row per entry in its latest revision, or per complaint case as it stands. Times are ISO 8601
with the branch's offset; in a workbook they are real date-times in branch time (spreadsheets
know no zones).
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

from lobby_tui.data import chain_export
from lobby_tui.data.chain_export import HeadReader
from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, BranchInfo, CaseView, EntryView
from lobby_tui.domain.clock import branch_zone, utcnow

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
    "handoff_outcome",
    "product_sold",
    "follow_up",
    "complaint_no",
    "revision",
    "voided",
)
FORMATS = ("jsonl", "csv", "xlsx")
# Formats written as bytes, never to a terminal.
BINARY_FORMATS = frozenset({"xlsx"})


_FOLLOW_UP = {"follow_up": "open", "done": "done"}


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
        "text": entry.text,
        "outcome": entry.outcome,
        # The state an entry reached after it was written (README "Command line"): a hand-off's
        # latest outcome, a follow-up open or done.
        "handoff_outcome": entry.status if entry.kind == "handoff" else None,
        "product_sold": entry.product_sold,
        "follow_up": _FOLLOW_UP.get(entry.status) if entry.kind == "enquiry" else None,
        "complaint_no": entry.complaint_no,
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


COMPLAINT_FIELDS = (
    "number",
    "branch",
    "received_at",
    "channel",
    "business",
    "cause",
    "severity",
    "complainant_name",
    "complainant_contact",
    "respondent_no",
    "ticket",
    "facts",
    "request",
    "registered_by",
    "handler_no",
    "status",
    "due",
    "days_allowed",
    "extensions",
    "pauses",
    "paused",
    "decided_at",
    "decision",
    "told_by",
    "told_at",
    "satisfaction",
    "closed_at",
    "withdraw_reason",
    "actions",
)


def complaint_row(case: CaseView, branch: BranchInfo, now: datetime) -> dict[str, Any]:
    """The export contract for one complaint case: every field of ``COMPLAINT_FIELDS``.

    ``due`` is the last day to decide on (branch time), as it stands at ``now`` for a paused
    clock; ``closed_at`` is when the case was closed or withdrawn.
    """
    zone = branch_zone(branch.time_zone)

    def when(moment: datetime | None) -> str | None:
        return moment.astimezone(zone).isoformat(timespec="seconds") if moment else None

    clock = case.deadline
    return {
        "number": case.number,
        "branch": branch.code,
        "received_at": when(case.received_at),
        "channel": case.channel,
        "business": case.business,
        "cause": case.cause,
        "severity": case.severity,
        "complainant_name": case.complainant_name,
        "complainant_contact": case.complainant_contact,
        "respondent_no": case.respondent_no,
        "ticket": case.ticket,
        "facts": case.facts,
        "request": case.request,
        "registered_by": case.registered_by_no,
        "handler_no": case.handler_no,
        "status": case.status,
        "due": clock.due_on(now).isoformat(),
        "days_allowed": clock.allowed_days,
        "extensions": clock.extensions,
        "pauses": clock.pauses,
        "paused": clock.paused,
        "decided_at": when(case.decided_at),
        "decision": case.decision,
        "told_by": case.told_by,
        "told_at": when(case.told_at),
        "satisfaction": case.satisfaction,
        "closed_at": when(case.closed_at),
        "withdraw_reason": case.withdraw_reason,
        "actions": case.actions,
    }


def complaint_rows(
    store: Store, actor: Actor, first_day: date | None = None, last_day: date | None = None
) -> Iterator[dict[str, Any]]:
    """Rows of the complaint cases received from ``first_day`` to ``last_day`` inclusive (branch
    days; every case when None), in the order registered. Permission and audit happen now, as
    for entries."""
    cases = store.complaints_for_export(actor)
    now = utcnow()

    def wanted(case: CaseView, branch: BranchInfo) -> bool:
        day = case.received_at.astimezone(branch_zone(branch.time_zone)).date()
        return (first_day is None or day >= first_day) and (last_day is None or day <= last_day)

    return (complaint_row(case, branch, now) for case, branch in cases if wanted(case, branch))


def write(
    rows: Iterable[dict[str, Any]],
    out: TextIO,
    fmt: str,
    fields: tuple[str, ...] = FIELDS,
    head: HeadReader | None = None,
) -> int:
    """Write ``rows`` to ``out`` as ``fmt`` (CSV columns: ``fields``), ended by the chain head
    that ``head`` reads once they are written (docs/integrity.md); return how many."""
    if fmt == "jsonl":
        count = _write_jsonl(rows, out)
    elif fmt == "csv":
        count = _write_csv(rows, out, fields)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    chain_export.end_text(out, fmt, fields, head)
    return count


def _write_jsonl(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def _write_csv(rows: Iterable[dict[str, Any]], out: TextIO, fields: tuple[str, ...]) -> int:
    # A byte-order mark, so that spreadsheet programs read the file as UTF-8 and show Chinese.
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
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
COMPLAINTS_SHEET = "complaints"
SUMMARY_SHEET = "summary"
DATETIME_FIELDS = (
    "occurred_at",
    "recorded_at",
    "received_at",
    "decided_at",
    "told_at",
    "closed_at",
)
DATE_FIELDS = ("due",)
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DATE_FORMAT = "yyyy-mm-dd"
COLUMN_WIDTHS = {"occurred_at": 20, "recorded_at": 20, "text": 60, "outcome": 40}
# Characters the xlsx format cannot hold (C0 controls but tab and line feed; carriage return is
# kept as the format allows it), shown as their control pictures instead, as on screen.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def write_xlsx(
    rows: Iterable[dict[str, Any]],
    out: BinaryIO,
    fields: tuple[str, ...] = FIELDS,
    head: HeadReader | None = None,
) -> int:
    """Write ``rows`` (``export_row`` or ``complaint_row`` dicts, any number, with the columns
    ``fields``) as a workbook to ``out``; return how many were written.

    Entries go to sheet ``entries``, times as date-times in branch time, and sheet ``summary``
    counts them per day and kind, voided ones apart; complaint cases go to sheet
    ``complaints``. Written in openpyxl's streaming mode, so a large export holds no more than
    one row in memory.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    entries = fields == FIELDS
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(ENTRIES_SHEET if entries else COMPLAINTS_SHEET)
    sheet.freeze_panes = "A2"
    for number, name in enumerate(fields, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = COLUMN_WIDTHS.get(name, 12)
    sheet.append(fields)
    per_day: Counter[tuple[date, str]] = Counter()
    count = 0
    try:
        for row in rows:
            cells = []
            for name in fields:
                cell = WriteOnlyCell(sheet, value=_xlsx_value(name, row[name]))
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # typed text is never a formula, even if it starts with =
                elif name in DATETIME_FIELDS:
                    cell.number_format = DATETIME_FORMAT
                elif name in DATE_FIELDS:
                    cell.number_format = DATE_FORMAT
                cells.append(cell)
            sheet.append(cells)
            if entries:
                day = datetime.fromisoformat(row["occurred_at"]).date()
                per_day[day, "voided" if row["voided"] else row["kind"]] += 1
            count += 1
    except BaseException:
        sheet.close()  # ends openpyxl's row stream now, not whenever it is garbage collected
        raise
    if entries:
        _summary_sheet(workbook, per_day)
    chain_export.end_workbook(workbook, head)
    workbook.save(out)
    return count


def _xlsx_value(name: str, value: Any) -> Any:
    if name in DATETIME_FIELDS and value:
        # The branch's wall time: the offset in the row is the branch's own, dropped exactly.
        return datetime.fromisoformat(value).replace(tzinfo=None)
    if name in DATE_FIELDS and value:
        return date.fromisoformat(value)
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


def write_to_path(
    rows: Iterable[dict[str, Any]],
    path: Path,
    fmt: str,
    fields: tuple[str, ...] = FIELDS,
    head: HeadReader | None = None,
) -> int:
    """Write ``rows`` (with the columns ``fields``) to the file ``path`` as ``fmt`` (any of
    ``FORMATS``); return how many.

    Written through a temporary file beside ``path``, put in place only once complete, so a
    failed export never leaves a file that looks like an empty or partial one.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        if fmt in BINARY_FORMATS:
            with os.fdopen(handle, "wb") as binary:
                count = write_xlsx(rows, binary, fields, head)
        else:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as text:
                count = write(rows, text, fmt, fields, head)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count

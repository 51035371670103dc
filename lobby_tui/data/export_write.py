"""Writing export rows (data/export_rows.py) as JSON Lines, CSV or an xlsx workbook, ended by
the chain head (docs/integrity.md), to a file, a device or standard output (data/export_file.py).

In a workbook times are real date-times in branch time (spreadsheets know no zones). Below the
store, as the row contract is: the log browser's export (data/areas/log.py) writes here.
"""

from __future__ import annotations

import csv
import io
import json
import operator
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from lobby_tui.data import chain_export, export_file
from lobby_tui.data.chain_export import HeadReader
from lobby_tui.data.export_rows import FIELDS

FORMATS = ("jsonl", "csv", "xlsx")
# Formats written as bytes, never to a terminal.
BINARY_FORMATS = frozenset({"xlsx"})


def write(
    rows: Iterable[dict[str, Any]],
    out: BinaryIO,
    fmt: str,
    fields: tuple[str, ...] = FIELDS,
    head: HeadReader | None = None,
) -> int:
    """Write ``rows`` (with the columns ``fields``) to ``out`` as ``fmt`` (any of ``FORMATS``),
    ended by the chain head that ``head`` reads once they are written (docs/integrity.md);
    return how many. Text formats are UTF-8."""
    if fmt in BINARY_FORMATS:
        return write_xlsx(rows, out, fields, head)
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    try:
        count = _write_jsonl(rows, text) if fmt == "jsonl" else _write_csv(rows, text, fields)
        chain_export.end_text(text, fmt, fields, head)
        return count
    finally:
        # ``out`` stays open for its owner: standard output is not ours to close.
        text.flush()
        text.detach()


def write_to(
    rows: Iterable[dict[str, Any]],
    target: str | os.PathLike[str] | None,
    fmt: str,
    fields: tuple[str, ...] = FIELDS,
    head: HeadReader | None = None,
) -> int:
    """Write ``rows`` to ``target`` as ``fmt``; return how many. ``target``: a file (replaced
    only once complete), a device or FIFO (written in place), or None or ``-`` for standard
    output; see ``export_file``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    with export_file.opened(target) as out:
        return write(rows, out, fmt, fields, head)


def write_to_path(
    rows: Iterable[dict[str, Any]],
    path: Path,
    fmt: str,
    fields: tuple[str, ...] = FIELDS,
    head: HeadReader | None = None,
) -> int:
    """``write_to`` a path (the log browser's export): never standard output, even for a
    file named ``-``, which the app's own terminal is not to receive."""
    return write_to(rows, Path(path).absolute(), fmt, fields, head)


def _write_jsonl(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    for row in rows:
        out.write(dumps(row) + "\n")
        count += 1
    return count


def _write_csv(rows: Iterable[dict[str, Any]], out: TextIO, fields: tuple[str, ...]) -> int:
    # A byte-order mark, so that spreadsheet programs read the file as UTF-8 and show Chinese.
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(fields)
    count = 0
    write_row, cell = writer.writerow, csv_cell
    # The columns taken in one C call rather than looked up one by one in Python, which costs
    # more than writing the row.
    values = operator.itemgetter(*fields)
    for row in rows:
        write_row(map(cell, values(row)))
        count += 1
    return count


# A spreadsheet program reads a cell that starts with one of these as a formula
# (=HYPERLINK(...), +, -, @ for functions; tab and carriage return hide the sign before them).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters that act on a terminal or break a file format rather than show: the C0 controls
# but tab and line feed (carriage return included: it rewrites a terminal line), DEL and the C1
# controls (an 8-bit CSI starts an escape sequence on some terminals).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with every control character but tab and line feed shown as its picture, as on
    screen: ESC as ␛, BEL as ␇, carriage return as ␍, DEL as ␡; a C1 control as �. The one rule
    for text cells of CSV and xlsx (JSON Lines escapes them instead, as JSON does)."""
    if _UNPRINTABLE.search(text) is None:
        return text
    return _UNPRINTABLE.sub(_picture, text)


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else "\ufffd"


def csv_cell(value: Any) -> Any:
    """One value as a CSV cell: empty for None, booleans as in JSON Lines, numbers as they are;
    text printable and, when it starts like a formula, after a single quote (OWASP's rule for
    CSV injection), so that no spreadsheet program runs what a customer or staff member typed.
    """
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value.__class__ is str:
        if value.startswith(FORMULA_STARTS):
            value = "'" + value
        return printable(value)
    return value


# -- xlsx -------------------------------------------------------------------------------------

ENTRIES_SHEET = "entries"
COMPLAINTS_SHEET = "complaints"
SUMMARY_SHEET = "summary"
DATETIME_FIELDS = frozenset(
    {"occurred_at", "recorded_at", "received_at", "decided_at", "told_at", "closed_at"}
)
DATE_FIELDS = frozenset({"due"})
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DATE_FORMAT = "yyyy-mm-dd"
COLUMN_WIDTHS = {"occurred_at": 20, "recorded_at": 20, "text": 60, "outcome": 40}


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
    ``complaints``. Text is always a text cell, never a formula. Written by xlsxwriter in its
    constant-memory mode: each row goes to a temporary file as it comes, so a large export holds
    one row in memory.
    """
    import xlsxwriter

    entries = fields == FIELDS
    per_day: Counter[tuple[str, str]] = Counter()
    count = 0
    # xlsxwriter's row files in a folder of their own, removed whatever happens: a failed
    # export is left unfinished (never a partial workbook on standard output) and leaves nothing.
    with tempfile.TemporaryDirectory(prefix="lobby-tui-xlsx-") as scratch:
        workbook = xlsxwriter.Workbook(
            out,
            {
                "constant_memory": True,
                "tmpdir": scratch,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
            },
        )
        sheet = workbook.add_worksheet(ENTRIES_SHEET if entries else COMPLAINTS_SHEET)
        sheet.freeze_panes(1, 0)
        for number, name in enumerate(fields):
            sheet.set_column(number, number, COLUMN_WIDTHS.get(name, 12))
            sheet.write_string(0, number, name)
        cells = _cell_writers(workbook, sheet, fields)
        for count, row in enumerate(rows, start=1):
            for column, (name, put) in enumerate(cells):
                value = row[name]
                if value is not None:
                    put(count, column, value)
            if entries:
                # The branch day is the date part of the branch-time ISO 8601 string.
                per_day[row["occurred_at"][:10], "voided" if row["voided"] else row["kind"]] += 1
        if entries:
            _summary_sheet(workbook, per_day)
        chain_export.end_workbook(workbook, head)
        workbook.close()
    return count


def _cell_writers(workbook: Any, sheet: Any, fields: tuple[str, ...]) -> list[tuple[str, Any]]:
    """For each column, its name and how a value of it is written."""
    moment = workbook.add_format({"num_format": DATETIME_FORMAT})
    day = workbook.add_format({"num_format": DATE_FORMAT})

    def put_datetime(row: int, column: int, value: str) -> None:
        # The branch's wall time: the offset in the row is the branch's own, dropped exactly.
        sheet.write_datetime(row, column, datetime.fromisoformat(value[:19]), moment)

    def put_date(row: int, column: int, value: str) -> None:
        sheet.write_datetime(row, column, datetime.fromisoformat(value), day)

    def put_value(row: int, column: int, value: Any) -> None:
        if isinstance(value, str):  # a status or another code (StrEnum) is text too
            sheet.write_string(row, column, printable(str(value)))
        elif isinstance(value, bool):
            sheet.write_boolean(row, column, value)
        else:
            sheet.write_number(row, column, value)

    def put(name: str) -> Any:
        if name in DATETIME_FIELDS:
            return put_datetime
        return put_date if name in DATE_FIELDS else put_value

    return [(name, put(name)) for name in fields]


def _summary_sheet(workbook: Any, per_day: Counter[tuple[str, str]]) -> None:
    from lobby_tui.domain.kinds import Kind

    kinds = [str(kind) for kind in Kind]
    day_format = workbook.add_format({"num_format": DATE_FORMAT})
    sheet = workbook.add_worksheet(SUMMARY_SHEET)
    sheet.set_column(0, 0, 12)
    sheet.write_row(0, 0, ["day", *kinds, "total", "voided"])
    for number, day in enumerate(sorted({day for day, _ in per_day}), start=1):
        counts = [per_day[day, kind] for kind in kinds]
        sheet.write_datetime(number, 0, datetime.fromisoformat(day), day_format)
        sheet.write_row(number, 1, [*counts, sum(counts), per_day[day, "voided"]])

"""The chain head an export was made from, written at its end and read back by ``verify``.

An export names the head of its branch's chain when it was written (docs/integrity.md): every
record it holds is covered by that link, and ``lobby-tui verify --export FILE`` finds the link
in the database. The forms keep each format readable by its usual readers: a last CSV row whose
first field starts with ``# integrity``, a last JSON Lines record ``{"integrity": {...}}``, a
workbook sheet ``integrity``.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Connection, text

from lobby_tui.data import chain

SHEET = "integrity"
_CSV_MARK = re.compile(r"# integrity branch=(\d+) seq=(\d+) head=([0-9a-f]{64})")


@dataclass(frozen=True)
class Mark:
    """A chain head as an export names it."""

    branch_id: int
    seq: int
    head: str

    def csv_text(self) -> str:
        return f"# integrity branch={self.branch_id} seq={self.seq} head={self.head}"


def current_mark(connection: Connection, branch_id: int | None = None) -> Mark | None:
    """The head of the branch's chain now (the database's first branch if none is named), or
    None before its chain starts."""
    if branch_id is None:
        branch_id = connection.execute(text("SELECT min(id) FROM branch")).scalar()
    found = chain.head(connection, branch_id) if branch_id is not None else None
    return Mark(branch_id, *found) if found else None


# Reads the head when an export has written its rows: every row it wrote is covered by it.
HeadReader = Callable[[], "Mark | None"]


def end_text(out: TextIO, fmt: str, fields: tuple[str, ...], head: HeadReader | None) -> None:
    """End a CSV or JSON Lines export with the head ``head`` reads (none: nothing)."""
    mark = head() if head else None
    if mark is None:
        return
    if fmt == "csv":
        blank = [""] * (len(fields) - 1)
        csv.writer(out, lineterminator="\r\n").writerow([mark.csv_text(), *blank])
    else:
        record = {"branch": mark.branch_id, "seq": mark.seq, "head": mark.head}
        out.write(json.dumps({"integrity": record}) + "\n")


def end_workbook(workbook: Any, head: HeadReader | None) -> None:
    """Add the sheet ``integrity`` with the head ``head`` reads to a workbook being written."""
    mark = head() if head else None
    if mark is None:
        return
    sheet = workbook.add_worksheet(SHEET)  # xlsxwriter
    for row, (name, value) in enumerate(
        (("branch", mark.branch_id), ("seq", mark.seq), ("head", mark.head))
    ):
        sheet.write_string(row, 0, name)
        if isinstance(value, int):
            sheet.write_number(row, 1, value)
        else:
            sheet.write_string(row, 1, value)


def read_mark(path: Path) -> Mark | None:
    """The mark an export file ends with, or None when it has none."""
    if path.suffix.lower() == ".xlsx":
        return _read_sheet(path)
    last = _last_line(path)
    if last.startswith("{"):
        try:
            found = json.loads(last).get("integrity")
        except (ValueError, AttributeError):
            return None
        if isinstance(found, dict):
            return Mark(int(found["branch"]), int(found["seq"]), str(found["head"]))
        return None
    match = _CSV_MARK.search(last)
    return Mark(int(match[1]), int(match[2]), match[3]) if match else None


def _last_line(path: Path) -> str:
    with path.open("rb") as file:
        size = file.seek(0, 2)
        file.seek(max(0, size - 4096))
        tail = file.read().decode("utf-8", errors="replace")
    lines = [line for line in tail.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _read_sheet(path: Path) -> Mark | None:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        if SHEET not in workbook.sheetnames:
            return None
        values = {row[0]: row[1] for row in workbook[SHEET].iter_rows(values_only=True)}
    finally:
        workbook.close()
    try:
        return Mark(int(values["branch"]), int(values["seq"]), str(values["head"]))
    except (KeyError, TypeError, ValueError):
        return None

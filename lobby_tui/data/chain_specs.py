"""What the hash chain covers and the canonical form of a record (docs/integrity.md): which
columns of which table, in which order, and how each value is written into a record's line.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from hashlib import sha256
from typing import Any

from sqlalchemy import Boolean, Date
from sqlmodel import SQLModel

from lobby_tui.data import models  # noqa: F401  (registers the tables on the metadata)
from lobby_tui.data.types import UTCDateTime

GENESIS = "0" * 64
START = "chain_start"
# Records whose branch is unknown (an audit event of the console before any branch) are
# linked in a chain of their own, numbered 0.
NO_BRANCH = 0


@dataclass(frozen=True)
class Spec:
    """What one kind of link covers: ``columns`` of ``table`` (alias ``t``), in this order.

    ``branch`` and ``written`` are SQL over ``t``: the record's branch and the time it was
    written. ``present`` limits a part of a row (a shift's sign-out, its acknowledgement) to
    the rows where that part has been written.
    """

    name: str
    table: str
    columns: tuple[str, ...]
    branch: str
    written: str
    present: str = ""

    @cached_property
    def converters(self) -> tuple[tuple[int, Callable[[Any], Any]], ...]:
        """(position, converter) for the columns whose stored value is not canonical as read."""
        table = SQLModel.metadata.tables[self.table]
        found = []
        for index, column in enumerate(self.columns):
            kind = table.c[column].type
            if isinstance(kind, UTCDateTime):
                found.append((index, canonical_time))
            elif isinstance(kind, Boolean):
                found.append((index, _canonical_bool))
            elif isinstance(kind, Date):
                found.append((index, _canonical_date))
        return tuple(found)

    def record_sql(self, dialect: str) -> str:
        """The SQL that reads the record for its line: on SQLite the line itself, built by
        ``json_array`` (the same bytes as ``line``, many times quicker to read back); on
        other databases the columns, which ``line`` turns into it."""
        if dialect != "sqlite":
            return ", ".join(f"t.{column}" for column in self.columns)
        table = SQLModel.metadata.tables[self.table]
        parts = [f"'{self.name}'"]
        for column in self.columns:
            kind, value = table.c[column].type, f"t.{column}"
            if isinstance(kind, UTCDateTime):
                value = f"replace({value}, ' ', 'T') || 'Z'"
            elif isinstance(kind, Boolean):
                value = (
                    f"CASE WHEN {value} IS NULL THEN NULL "
                    f"WHEN {value} THEN json('true') ELSE json('false') END"
                )
            parts.append(value)
        return f"json_array({', '.join(parts)})"

    def written_sql(self, dialect: str) -> str:
        """The written time: canonical already on SQLite, else as the database gives it."""
        if dialect != "sqlite":
            return self.written
        return f"replace({self.written}, ' ', 'T') || 'Z'"

    def line_of(self, dialect: str) -> Callable[[list[Any]], str]:
        """How the values read by ``record_sql`` become the record's line."""
        return _first if dialect == "sqlite" else self.line

    def select(self, dialect: str, where: str = "") -> str:
        """The record's written time, id, branch and ``record_sql``, for rows ``where``."""
        condition = " AND ".join(part for part in (self.present, where) if part)
        return (
            f"SELECT {self.written_sql(dialect)} AS written, t.id, {self.branch} AS branch, "
            f"{self.record_sql(dialect)} FROM {self.table} t"
            + (f" WHERE {condition}" if condition else "")
        )

    def line(self, values: Iterable[Any]) -> str:
        """The canonical form of a record: a JSON array of the link's name and the values."""
        row = [self.name, *values]
        for index, convert in self.converters:
            row[index + 1] = convert(row[index + 1])
        return _ENCODER.encode(row)


def _first(values: list[Any]) -> str:
    return values[0]


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_BY_ENTRY = "(SELECT e.branch_id FROM entry e WHERE e.id = t.entry_id)"

# The order of this list breaks ties between records of one transaction written at the same
# microsecond; the columns are every column of the table, in the order they were created.
SPECS: tuple[Spec, ...] = (
    Spec(
        "entry",
        "entry",
        (
            "id",
            "branch_id",
            "staff_id",
            "shift_id",
            "kind",
            "occurred_at",
            "recorded_at",
            "ticket",
            "business",
            "priority",
            "target",
            "topic",
            "text",
            "outcome",
            "follow_up_due",
            "contact",
            "resolved",
            "referral",
            "complaint_id",
            "save_key",
        ),
        "t.branch_id",
        "t.recorded_at",
    ),
    Spec(
        "revision",
        "revision",
        (
            "id",
            "entry_id",
            "number",
            "action",
            "reason",
            "old_values",
            "new_values",
            "staff_id",
            "created_at",
        ),
        _BY_ENTRY,
        "t.created_at",
    ),
    Spec(
        "entry_event",
        "entry_event",
        ("id", "entry_id", "event", "product_sold", "note", "staff_id", "at"),
        _BY_ENTRY,
        "t.at",
    ),
    Spec(
        "complaint_case",
        "complaint_case",
        (
            "id",
            "branch_id",
            "number",
            "received_at",
            "channel",
            "business",
            "cause",
            "complainant_name",
            "complainant_contact",
            "respondent_id",
            "facts",
            "request",
            "severity",
            "ticket",
            "staff_id",
            "recorded_at",
        ),
        "t.branch_id",
        "t.recorded_at",
    ),
    # A step's ``at`` is when it happened (it may be given); it was written with its entry.
    Spec(
        "complaint_action",
        "complaint_action",
        ("id", "case_id", "action", "payload", "staff_id", "at", "entry_id"),
        "(SELECT c.branch_id FROM complaint_case c WHERE c.id = t.case_id)",
        "(SELECT e.recorded_at FROM entry e WHERE e.id = t.entry_id)",
    ),
    Spec(
        "check_result",
        "check_result",
        (
            "id",
            "branch_id",
            "shift_id",
            "checklist",
            "item",
            "ok",
            "note",
            "entry_id",
            "staff_id",
            "at",
        ),
        "t.branch_id",
        "t.at",
    ),
    Spec(
        "review",
        "review",
        ("id", "branch_id", "day", "reviewer_id", "comment", "at", "sealed_seq", "sealed_hash"),
        "t.branch_id",
        "t.at",
    ),
    Spec(
        "audit_event",
        "audit_event",
        ("id", "at", "action", "actor", "staff_id", "branch_id", "detail"),
        f"COALESCE(t.branch_id, {NO_BRANCH})",
        "t.at",
    ),
    # A shift is written in three steps, each kept as written once done (the triggers of 0006
    # and 0008): each step is a link of its own, so that every link stays checkable.
    Spec(
        "shift",
        "shift",
        ("id", "branch_id", "staff_id", "signed_in_at"),
        "t.branch_id",
        "t.signed_in_at",
    ),
    Spec(
        "shift_out",
        "shift",
        ("id", "signed_out_at", "handover_note"),
        "t.branch_id",
        "t.signed_out_at",
        present="t.signed_out_at IS NOT NULL",
    ),
    Spec(
        "shift_ack",
        "shift",
        ("id", "acknowledged_by_id", "acknowledged_at"),
        "t.branch_id",
        "t.acknowledged_at",
        present="t.acknowledged_by_id IS NOT NULL",
    ),
)
SPEC_BY_NAME = {spec.name: spec for spec in SPECS}


def canonical_time(value: str | datetime | None) -> str | None:
    """A stored time as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (UTC), whatever the database gave."""
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) == 27 and value[10] == "T" and value[26] == "Z":  # canonical already
            return value
        if len(value) == 26 and value[10] == " ":  # SQLite's own form of a UTC wall time
            return f"{value[:10]}T{value[11:]}Z"
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(sep="T", timespec="microseconds") + "Z"


def _canonical_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _canonical_date(value: str | date | None) -> str | None:
    return value if value is None or isinstance(value, str) else value.isoformat()


def link_hash(prev: str, line: str) -> str:
    """The hash of a link: SHA-256 of the previous hash, a newline and the record's line."""
    return sha256(f"{prev}\n{line}".encode()).hexdigest()


def start_line(branch_id: int) -> str:
    """The line of a branch's first link, which starts its chain."""
    return json.dumps([START, branch_id], separators=(",", ":"))

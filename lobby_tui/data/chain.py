"""The hash chain over every append-only record (issue 11): tampering is detected, not only
discouraged. The canonical form of a record and the link rule are in docs/integrity.md.

Every write transaction links, just before it commits, the records it added and the shift
states it completed: one hook on the write session (``ChainedSession``), so that no command has
to remember to. The rows are found in the database, not in the session, so rows written with
plain Core inserts (the demo's bulk entries) are linked as well. Writes hold the write lock from
their first statement (``BEGIN IMMEDIATE``), so each branch's chain stays one line.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache, cached_property
from hashlib import sha256
from typing import Any

from sqlalchemy import Boolean, Connection, Date, TextClause, event, insert, text
from sqlmodel import Session, SQLModel

from lobby_tui.data import models
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
_MAIN = tuple(spec for spec in SPECS if not spec.present)


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


def head(connection: Connection, branch_id: int) -> tuple[int, str] | None:
    """The branch's last link (seq, hash), or None before its chain starts."""
    row = connection.execute(_HEAD, {"branch": branch_id}).first()
    return (row[0], row[1]) if row else None


_HEAD = text("SELECT seq, hash FROM chain_link WHERE branch_id = :branch ORDER BY seq DESC LIMIT 1")
_INSERT = insert(models.ChainLink)


@cache
def _newer(spec: Spec, dialect: str) -> TextClause:
    """The records of ``spec`` after id ``:after``, in the order they were written."""
    return text(spec.select(dialect, "t.id > :after") + " ORDER BY written, t.id")


@cache
def _behind_query() -> TextClause:
    parts = ", ".join(
        f"(SELECT COALESCE(max(record_id), 0) FROM chain_link WHERE record_table = '{spec.name}'),"
        f" (SELECT COALESCE(max(id), 0) FROM {spec.table})"
        for spec in _MAIN
    )
    return text(f"SELECT {parts}")


def link_pending(
    connection: Connection, shift_ids: Iterable[int] = (), *, everything: bool = False
) -> int:
    """Link every record not yet linked, in the order they were written; return how many.

    Records are found after the last one of their kind that is linked; a shift's sign-out and
    acknowledgement, written later by an UPDATE, among ``shift_ids`` (or every shift with
    ``everything``, as the migration and the demo do).
    """
    streams = []
    dialect = connection.dialect.name
    behind = _unlinked_after(connection)
    for index, spec in enumerate(SPECS):
        if spec.present:
            ids = sorted({int(i) for i in shift_ids})
            if not (ids or everything):
                continue
            where = (
                "NOT EXISTS (SELECT 1 FROM chain_link l "
                f"WHERE l.record_table = '{spec.name}' AND l.record_id = t.id)"
            )
            if not everything:
                where += f" AND t.id IN ({', '.join(map(str, ids))})"
            # Read whole before any link is written: a link changes what this query finds.
            rows: Iterable = connection.execute(text(spec.select(dialect, where))).all()
        elif spec.name in behind:
            rows = connection.execute(_newer(spec, dialect), {"after": behind[spec.name]})
        else:
            continue
        streams.append(_keyed(rows, index, spec, spec.line_of(dialect)))
    if not streams:
        return 0
    return _write_links(connection, heapq.merge(*streams))


def _unlinked_after(connection: Connection) -> dict[str, int]:
    """For each kind of record with rows not linked yet: the last id that is linked."""
    values = connection.execute(_behind_query()).one()
    return {
        spec.name: linked
        for spec, linked, last in zip(_MAIN, values[0::2], values[1::2], strict=True)
        if last > linked
    }


def _keyed(
    rows: Iterable, index: int, spec: Spec, line: Callable[[list[Any]], str]
) -> Iterator[tuple]:
    keyed = (
        (canonical_time(written) or "", index, record_id, branch, spec.name, line(values))
        for written, record_id, branch, *values in rows
    )
    # Parts (few rows, read whole) are sorted here; the other kinds come sorted by SQL.
    return iter(sorted(keyed, key=lambda row: row[:3])) if spec.present else keyed


def _write_links(connection: Connection, records: Iterator[tuple]) -> int:
    heads: dict[int, tuple[int, str]] = {}
    batch: list[dict[str, Any]] = []
    count = 0
    for written, _index, record_id, branch, name, line in records:
        seq, prev = heads.get(branch) or head(connection, branch) or _start(connection, branch)
        digest = link_hash(prev, line)
        batch.append(
            {
                "branch_id": branch,
                "seq": seq + 1,
                "record_table": name,
                "record_id": record_id,
                "at": written or None,
                "hash": digest,
            }
        )
        heads[branch] = (seq + 1, digest)
        count += 1
        if len(batch) >= 10_000:
            connection.execute(_INSERT, batch)
            batch = []
    if batch:
        connection.execute(_INSERT, batch[0] if len(batch) == 1 else batch)
    return count


def _start(connection: Connection, branch_id: int) -> tuple[int, str]:
    digest = link_hash(GENESIS, start_line(branch_id))
    connection.execute(
        insert(models.ChainLink),
        {
            "branch_id": branch_id,
            "seq": 1,
            "record_table": START,
            "record_id": branch_id,
            "at": None,
            "hash": digest,
        },
    )
    return 1, digest


class ChainedSession(Session):
    """The write session: links what it wrote just before it commits.

    ``session.info["chain"] = False`` leaves the records unlinked, for a builder that writes a
    past in bulk and links it at the end in the order it was written (the demo).
    """


@event.listens_for(ChainedSession, "after_begin")
def _note_changes(session: Session, _transaction, connection: Connection) -> None:
    session.info["chain_changes"] = _changes(connection)


def _changes(connection: Connection) -> int | None:
    """SQLite's count of rows written on this connection: a transaction that wrote nothing has
    nothing to link. None on other databases (always looked at)."""
    driver = connection.connection.driver_connection
    return getattr(driver, "total_changes", None) if connection.dialect.name == "sqlite" else None


@event.listens_for(ChainedSession, "after_flush")
def _note_shifts(session: Session, _context) -> None:
    for row in (*session.new, *session.dirty):
        if isinstance(row, models.Shift):
            session.info.setdefault("chain_shifts", set()).add(row.id)


@event.listens_for(ChainedSession, "before_commit")
def _link_before_commit(session: Session) -> None:
    if not session.info.get("chain", True):
        return
    session.flush()
    connection = session.connection()
    before = session.info.get("chain_changes")
    if before is not None and before == _changes(connection):
        return
    link_pending(connection, session.info.pop("chain_shifts", ()))

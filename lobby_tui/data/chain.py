"""The hash chain over every append-only record (issue 11): tampering is detected, not only
discouraged. What is linked and the canonical form of a record are in ``chain_specs`` and
docs/integrity.md.

Every write transaction links, just before it commits, the records it added and the shift
states it completed: one hook on the write session (``ChainedSession``), so that no command has
to remember to. The rows are found in the database, not in the session, so rows written with
plain Core inserts (the demo's bulk entries) are linked as well. Writes hold the write lock from
their first statement (``BEGIN IMMEDIATE``), so each branch's chain stays one line.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any

from sqlalchemy import Connection, TextClause, event, insert, text
from sqlmodel import Session

from lobby_tui.data import models
from lobby_tui.data.chain_specs import (
    GENESIS,
    SPECS,
    START,
    Spec,
    canonical_time,
    link_hash,
    start_line,
)

_MAIN = tuple(spec for spec in SPECS if not spec.present)


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
    if "chain_changes" not in session.info:
        return  # no statement ran: no transaction to begin (and no write lock to take) now
    connection = session.connection()
    before = session.info["chain_changes"]
    if before is not None and before == _changes(connection):
        return
    link_pending(connection, session.info.pop("chain_shifts", ()))

"""The log browser's queries (F7): any page of the whole log, filtered, by keyset.

A page is found from the key ``(occurred_at, id)`` of the row next to it, never by OFFSET, so
the last page of a million entries costs what the first does; rows that share a timestamp are
told apart by their id. Filters and search read ``entry_current`` (see ``log_index``), whose
indexes all end in ``(occurred_at, entry_id)``; the page's rows are then read in their latest
revision.

A complaint-status filter is read from the case side: the few cases in that status (the
``open_complaint`` table for open ones, their last action for closed or withdrawn ones), then
their steps' entries, looked up by id and sorted. Complaint steps are a sliver of the log, so
this beats walking the log's index for the rare rows that match.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, select, true, tuple_
from sqlmodel import Session

from lobby_tui.data import entries
from lobby_tui.data.access import audit, authorize, branch_info, reader_branch, the_branch
from lobby_tui.data.engine import Database
from lobby_tui.data.models import (
    Branch,
    ComplaintAction,
    ComplaintCase,
    Entry,
    EntryCurrent,
    OpenComplaint,
    Staff,
)
from lobby_tui.data.search import TextMatch, search_terms, unindexed
from lobby_tui.data.views import Actor, BranchInfo, EntryView, LogFilter, LogPage
from lobby_tui.domain.clock import branch_zone, day_bounds
from lobby_tui.domain.complaints import Action, Status
from lobby_tui.domain.roles import Permission

PAGE_SIZE = 100
EXPORT_BATCH = 1000
MARKERS = ("revised", "void")
COMPLAINT_STATUSES = ("open", *Status)
# A finished case's status is its last action's: nothing can be recorded after it.
_ENDED_BY = {Status.CLOSED: Action.CLOSE, Status.WITHDRAWN: Action.WITHDRAW}
Key = tuple[datetime, int]


def key_of(entry: EntryView) -> Key:
    """Where an entry sits in the log's order, to ask for the page before or after it."""
    return entry.occurred_at, entry.id


class LogQueries:
    db: Database

    def log_page(
        self,
        actor: Actor,
        log_filter: LogFilter,
        *,
        before: Key | None = None,
        after: Key | None = None,
        oldest: bool = False,
        size: int = PAGE_SIZE,
    ) -> LogPage:
        """A page of the entries matching ``log_filter``, newest first.

        By default the newest; ``before``: the entries just older than that key (the next page
        down); ``after``: those just newer (the page up); ``oldest``: the last page of all.
        """
        if before is not None and after is not None:
            raise ValueError("a page is either before or after a key")
        upward = after is not None or oldest
        with self.db.read() as session:
            connection = session.connection()
            branch = reader_branch(connection, actor, Permission.READ_LOG)
            query = _page_query(
                connection, branch, log_filter, after if upward else before, upward, size
            )
            views, more = _page_views(session, query, upward, size)
        if upward:
            views.reverse()
            return LogPage(views, newer=more, older=after is not None)
        return LogPage(views, newer=before is not None, older=more)

    def log_entries(self, actor: Actor, log_filter: LogFilter) -> Iterator[EntryView]:
        """Every entry matching ``log_filter``, oldest first, for an export from F7.

        An export: the permission check and the audit event happen at the call, before the
        first row; the rows are read in batches as they are consumed.
        """
        with self.db.write() as session:
            staff = authorize(session, actor, Permission.EXPORT)
            branch = session.get(Branch, staff.branch_id) if staff else the_branch(session)
            info = branch_info(branch)
            shown = {k: str(v) for k, v in dataclasses.asdict(log_filter).items() if v}
            audit(session, "export", actor, branch_id=branch.id, source="log", **shown)
        return self._log_batches(info, log_filter)

    @property
    def export_formats(self) -> tuple[str, ...]:
        """The formats an export from F7 can be written in: those of ``lobby-tui export``."""
        from lobby_tui.data.export import FORMATS

        return FORMATS

    def export_log(self, actor: Actor, log_filter: LogFilter, path: str, fmt: str) -> int:
        """Write the entries matching ``log_filter`` to a new file; how many were written.

        Audited as an export, like ``lobby-tui export``; refused to roles without EXPORT.
        """
        from lobby_tui.data import export

        return export.write_to_path(export.log_rows(self, actor, log_filter), Path(path), fmt)

    def _log_batches(self, branch: BranchInfo, log_filter: LogFilter) -> Iterator[EntryView]:
        after: Key | None = None
        while True:
            with self.db.read() as session:
                query = _page_query(
                    session.connection(), branch, log_filter, after, True, EXPORT_BATCH
                )
                views, more = _page_views(session, query, True, EXPORT_BATCH)
            yield from views
            if not more:
                return
            after = key_of(views[-1])


def _page_ids(
    connection: Connection,
    branch: BranchInfo,
    log_filter: LogFilter,
    key: Key | None,
    upward: bool,
    size: int,
) -> tuple[list[int], bool]:
    """Up to ``size`` entry ids from ``key`` on (excluded), newest first unless ``upward``; and
    whether more lie beyond them."""
    query = _page_query(connection, branch, log_filter, key, upward, size)
    ids = list(connection.execute(query).scalars())
    return ids[:size], len(ids) > size


def _page_query(
    connection: Connection,
    branch: BranchInfo,
    log_filter: LogFilter,
    key: Key | None,
    upward: bool,
    size: int,
) -> Select[tuple[int]]:
    """The keyset query: the ids of up to ``size + 1`` entries from ``key`` on (excluded),
    newest first unless ``upward``."""
    terms = search_terms(log_filter.text)
    match = TextMatch(connection.dialect.name, terms) if terms else None
    # With few matches no index is used: the matches are looked up by id and sorted. A
    # complaint status always matches few: the steps of some complaint cases.
    few = bool(log_filter.complaint_status) and connection.dialect.name == "sqlite"
    few = few or bool(match and match.few(connection))
    column: Callable[[Any], Any] = unindexed if few else _same
    conditions = _conditions(connection, branch, log_filter, column)
    if match is not None:
        conditions.append(match.condition())
    order = (column(EntryCurrent.occurred_at), column(EntryCurrent.entry_id))
    if key is not None:
        position = tuple_(*order)
        conditions.append(position > key if upward else position < key)
    return (
        select(EntryCurrent.entry_id)
        .where(*conditions)
        .order_by(*(c.asc() if upward else c.desc() for c in order))
        .limit(size + 1)
    )


def _same(element: Any) -> Any:
    return element


def _conditions(
    connection: Connection,
    branch: BranchInfo,
    log_filter: LogFilter,
    column: Callable[[Any], Any],
) -> list[ColumnElement[bool]]:
    zone = branch_zone(branch.time_zone)
    found = [column(EntryCurrent.branch_id) == branch.id]
    if log_filter.first_day:
        found.append(column(EntryCurrent.occurred_at) >= day_bounds(log_filter.first_day, zone)[0])
    if log_filter.last_day:
        found.append(column(EntryCurrent.occurred_at) < day_bounds(log_filter.last_day, zone)[1])
    if log_filter.staff_no:
        staff_id = connection.execute(
            select(Staff.id).where(Staff.staff_no == log_filter.staff_no)
        ).scalar()
        found.append(column(EntryCurrent.staff_id) == (staff_id or -1))
    for name in ("kind", "business", "priority"):
        value = getattr(log_filter, name)
        if value:
            found.append(column(getattr(EntryCurrent, name)) == value)
    if log_filter.marker == "revised":
        found.append(column(EntryCurrent.revised) == true())
    elif log_filter.marker == "void":
        found.append(column(EntryCurrent.voided) == true())
    elif log_filter.marker is not None:
        raise ValueError(f"marker must be one of {MARKERS}, not {log_filter.marker!r}")
    if log_filter.complaint_status:
        steps = select(ComplaintAction.entry_id).where(
            ComplaintAction.case_id.in_(_cases_in(branch, log_filter.complaint_status))
        )
        found.append(EntryCurrent.entry_id.in_(steps))
    return found


def _cases_in(branch: BranchInfo, status: str) -> Select:
    """The ids of the branch's complaint cases whose status is ``status`` now."""
    if status in _ENDED_BY:
        return (
            select(ComplaintAction.case_id)
            .join(ComplaintCase, ComplaintCase.id == ComplaintAction.case_id)
            .where(
                (ComplaintAction.action == _ENDED_BY[Status(status)])
                & (ComplaintCase.branch_id == branch.id)
            )
        )
    if status not in COMPLAINT_STATUSES:
        raise ValueError(f"complaint status must be one of {COMPLAINT_STATUSES}, not {status!r}")
    cases = select(OpenComplaint.case_id).where(OpenComplaint.branch_id == branch.id)
    return cases if status == "open" else cases.where(OpenComplaint.status == status)


# The statement that reads a page's rows, but for its WHERE: built once, as it never changes.
_PAGE_ROWS = (
    select(Entry.__table__, Staff.staff_no, Staff.name, EntryCurrent.revised, EntryCurrent.voided)
    .join(Staff, Staff.id == Entry.staff_id)
    .join(EntryCurrent, EntryCurrent.entry_id == Entry.id)
)


def _page_views(
    session: Session, page: Select[tuple[int]], upward: bool, size: int
) -> tuple[list[EntryView], bool]:
    """The entries the keyset query ``page`` finds, in its order and their latest revision;
    and whether more lie beyond the first ``size`` of them.

    One statement reads the page's rows: the keyset query runs as a subquery, and each row
    carries the entry's columns, its author's number and name (so it serves as both), and
    whether ``entry_current`` says it has revisions. Only those are replayed.
    """
    connection = session.connection()
    result = connection.execute(_PAGE_ROWS.where(Entry.id.in_(page.scalar_subquery())))
    # Dicts once, rather than a Row's slower attribute lookup for each field of each row.
    names = list(result.keys())
    rows = [dict(zip(names, row, strict=True)) for row in result]
    # The subquery's order is not the result's: put the rows back in the log's order, (time, id).
    rows.sort(key=lambda row: (row["occurred_at"], row["id"]), reverse=not upward)
    more = len(rows) > size
    del rows[size:]
    revisions, events = entries.steps_of(
        connection,
        [row["id"] for row in rows if row["revised"] or row["voided"]],
        [row["id"] for row in rows],
    )
    cases = {row["complaint_id"] for row in rows if row["complaint_id"]}
    numbers = entries.complaint_numbers(session, cases)
    views = [
        entries.view_of_row(
            row,
            revisions.get(row["id"], []),
            events.get(row["id"], []),
            numbers.get(row["complaint_id"]),
        )
        for row in rows
    ]
    return views, more

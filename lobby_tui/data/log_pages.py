"""A page of the log (F7, data/areas/log.py), filtered, by keyset: the statements that read it.

A page is found from the key ``(occurred_at, id)`` of the row next to it, never by OFFSET, so
the last page of a million entries costs what the first does; rows that share a timestamp are
told apart by their id. Filters and search read ``entry_current`` (see ``log_index``), whose
indexes all end in ``(occurred_at, entry_id)``; the page's rows are then read in their latest
revision.

Each statement is built once for each shape of filter (``Shape``: which filters are set, the
direction, few matches or many) with bind parameters, and kept: a page only binds its values.

A complaint-status filter is read from the case side: the few cases in that status (the
``open_complaint`` table for open ones, their last action for closed or withdrawn ones), then
their steps' entries, looked up by id and sorted. Complaint steps are a sliver of the log, so
this beats walking the log's index for the rare rows that match.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Connection, Integer, Select, bindparam, func, select, true, tuple_

from lobby_tui.data import entries, page_views, raw_rows, search
from lobby_tui.data.models import (
    ComplaintAction,
    ComplaintCase,
    Entry,
    EntryCurrent,
    OpenComplaint,
    Staff,
)
from lobby_tui.data.search import (
    TextMatch,
    like_condition,
    match_condition,
    search_terms,
    unindexed,
)
from lobby_tui.data.views import BranchInfo, EntryView, LogFilter
from lobby_tui.domain.clock import branch_zone, day_end, day_start
from lobby_tui.domain.complaint_steps import Action
from lobby_tui.domain.complaints import Status

MARKERS = ("revised", "void")
COMPLAINT_STATUSES = ("open", *Status)
# A finished case's status is its last action's: nothing can be recorded after it.
_ENDED_BY = {Status.CLOSED: Action.CLOSE, Status.WITHDRAWN: Action.WITHDRAW}
Key = tuple[datetime, int]


def key_of(entry: EntryView) -> Key:
    """Where an entry sits in the log's order, to ask for the page before or after it."""
    return entry.occurred_at, entry.id


class Shape(NamedTuple):
    """What a page's statements depend on besides the values they run with. They are built
    once for each shape and kept: reading a page then only binds its values, rather than
    building, keying and adapting a statement each time."""

    names: tuple[str, ...]  # the values bound, sorted
    marker: str | None  # revised, void
    cases: str | None  # how complaint cases are picked: open, in_status, ended
    upward: bool  # oldest first, from the key or the oldest entry
    few: bool  # so few match that they are looked up by id and sorted, not found by index
    # A search on PostgreSQL: whether its page is found by walking the log's order (its terms
    # then checked by ILIKE alone) or from the text indexes (search.probe); None otherwise.
    walk: bool | None = None


def page_rows(
    connection: Connection,
    branch: BranchInfo,
    log_filter: LogFilter,
    key: Key | None,
    upward: bool,
    size: int,
) -> tuple[list[Sequence[Any]], bool]:
    """The page query: the rows of up to ``size`` entries matching ``log_filter`` from ``key``
    on (excluded), newest first unless ``upward``, as written (see ``_PAGE_ROWS``), as columns
    (one sequence of values for each of its columns); and whether more entries match.

    One statement, that of the filter's shape, run with the filter's values: the keyset query
    finds the ids of the page and one more as a subquery, and the rows are read by those ids
    and sorted.
    """
    values: dict[str, Any] = {"branch_id": branch.id, "size": size + 1}
    zone = branch_zone(branch.time_zone)
    # A day at the edge of the calendar (year 1, year 9999) may start or end at an instant a
    # datetime cannot hold; no entry is that far out, so such a day limits nothing.
    if log_filter.first_day and (first_at := day_start(log_filter.first_day, zone)):
        values["first_at"] = first_at
    if log_filter.last_day and (last_at := day_end(log_filter.last_day, zone)):
        values["last_at"] = last_at
    if log_filter.staff_no:
        asked = {"staff_no": log_filter.staff_no, "branch_id": branch.id}
        found = connection.execute(_STAFF_ID, asked).scalar()
        values["staff_id"] = found or -1
    values.update((name, getattr(log_filter, name)) for name in _SAME if getattr(log_filter, name))
    if log_filter.marker is not None and log_filter.marker not in MARKERS:
        raise ValueError(f"marker must be one of {MARKERS}, not {log_filter.marker!r}")
    cases = _cases_picked(log_filter.complaint_status, values)
    terms = search_terms(log_filter.text)
    match = TextMatch(connection.dialect.name, terms) if terms else None
    if match is not None:
        values.update(match.values())
    # With few matches no index is used: the matches are looked up by id and sorted. A
    # complaint status always matches few: the steps of some complaint cases.
    few = cases is not None and connection.dialect.name == "sqlite"
    few = few or bool(match and match.few(connection))
    if key is not None:
        values["key_at"], values["key_id"] = key
    shape = Shape(tuple(sorted(values)), log_filter.marker, cases, upward, few)
    if connection.dialect.name == "sqlite":  # straight through the driver (data/raw_rows.py)
        return raw_rows.columns(connection, _page_rows(shape), values, size)
    if match is None:
        rows = connection.execute(_page_rows(shape), values).all()
    else:
        # A search on PostgreSQL: how the page is found is settled by a look at the log
        # first, not by the server's estimate of how common the term is (search.probe).
        walk = search.probe(connection, _probe(shape), values)
        with search.planned(connection, walk=walk):
            rows = connection.execute(_page_rows(shape._replace(walk=walk)), values).all()
    return raw_rows.columns_of(rows[:size]), len(rows) > size


# Staff numbers are unique per branch (0011): the number is the branch's.
_STAFF_ID = select(Staff.id).where(
    (Staff.staff_no == bindparam("staff_no")) & (Staff.branch_id == bindparam("branch_id"))
)
_SAME = ("kind", "business", "priority")  # filters that keep the entries with that value
_MARKED = {"revised": EntryCurrent.revised, "void": EntryCurrent.voided}


def _cases_picked(status: str | None, values: dict[str, Any]) -> str | None:
    """How the complaint cases in ``status`` are picked (see ``_cases``), with the values
    that picking needs added to ``values``; None for no status."""
    if not status:
        return None
    if status in _ENDED_BY:
        values["ended_by"] = _ENDED_BY[Status(status)]
        return "ended"
    if status not in COMPLAINT_STATUSES:
        raise ValueError(f"complaint status must be one of {COMPLAINT_STATUSES}, not {status!r}")
    if status == "open":
        return "open"
    values["case_status"] = status
    return "in_status"


@lru_cache(maxsize=256)
def _keyset(shape: Shape) -> Select[tuple[int]]:
    """The keyset query of a shape: the ids of the entries on a page and one more."""
    column: Callable[[Any], Any] = unindexed if shape.few else _same
    conditions, order = _walk(shape, column)
    # Walking the log, each entry is checked by ILIKE alone: the index of characters would
    # only cost a call for each entry (search.match_condition).
    if shape.walk:
        match = like_condition(shape.names, EntryCurrent.search_text)
    else:
        match = match_condition(shape.names)
    if match is not None:
        conditions.append(match)
    return (
        select(EntryCurrent.entry_id)
        .where(*conditions)
        .order_by(*(c.asc() if shape.upward else c.desc() for c in order))
        .limit(bindparam("size"))
    )


@lru_cache(maxsize=256)
def _probe(shape: Shape) -> tuple[Select[tuple[int]], Select[tuple[int]]]:
    """PostgreSQL's look at the log before a search (``search.probe``), over the next
    ``probe_rows`` entries that the page's other filters keep, from its key on: how many of
    them the search matches, up to ``size``; and how many there are."""
    conditions, order = _walk(shape, _same)

    def window(*columns: Any) -> Any:
        return (
            select(*columns)
            .where(*conditions)
            .order_by(*(c.asc() if shape.upward else c.desc() for c in order))
            .limit(bindparam("probe_rows"))
            .subquery()
        )

    texts = window(EntryCurrent.search_text)
    matches = (
        select(texts.c.search_text)
        .where(like_condition(shape.names, texts.c.search_text))
        .limit(bindparam("size"))
        .subquery()
    )
    seen = window(EntryCurrent.entry_id)  # the log's order index alone
    return select(func.count()).select_from(matches), select(func.count()).select_from(seen)


def _walk(shape: Shape, column: Callable[[Any], Any]) -> tuple[list[Any], tuple[Any, Any]]:
    """The keyset query's conditions but the search's, and the log's order."""
    names = shape.names
    conditions = [column(EntryCurrent.branch_id) == bindparam("branch_id")]
    if "first_at" in names:
        conditions.append(column(EntryCurrent.occurred_at) >= bindparam("first_at"))
    if "last_at" in names:
        conditions.append(column(EntryCurrent.occurred_at) < bindparam("last_at"))
    for name in ("staff_id", *_SAME):
        if name in names:
            conditions.append(column(getattr(EntryCurrent, name)) == bindparam(name))
    if shape.marker:
        conditions.append(column(_MARKED[shape.marker]) == true())
    if shape.cases:
        steps = select(ComplaintAction.entry_id).where(
            ComplaintAction.case_id.in_(_cases(shape.cases))
        )
        conditions.append(EntryCurrent.entry_id.in_(steps))
    order = (column(EntryCurrent.occurred_at), column(EntryCurrent.entry_id))
    if "key_at" in names:
        position = tuple_(*order)
        key = tuple_(
            bindparam("key_at", type_=EntryCurrent.occurred_at.type),
            bindparam("key_id", type_=Integer()),
        )
        conditions.append(position > key if shape.upward else position < key)
    return conditions, order


def _same(element: Any) -> Any:
    return element


def _cases(picked: str) -> Select:
    """The ids of the branch's complaint cases picked as ``_cases_picked`` says: open ones,
    open ones in one status, or those ended by one action."""
    if picked == "ended":
        return (
            select(ComplaintAction.case_id)
            .join(ComplaintCase, ComplaintCase.id == ComplaintAction.case_id)
            .where(
                (ComplaintAction.action == bindparam("ended_by"))
                & (ComplaintCase.branch_id == bindparam("branch_id"))
            )
        )
    cases = select(OpenComplaint.case_id).where(OpenComplaint.branch_id == bindparam("branch_id"))
    if picked == "in_status":
        return cases.where(OpenComplaint.status == bindparam("case_status"))
    return cases


# The statement that reads a page's rows, but for its WHERE. Its columns are
# ``entries.ROW_COLUMNS``; then whether ``entry_current`` says the entry has revisions or is
# void, and the number of its complaint case if it has one.
_PAGE_ROWS = (
    select(
        *(getattr(Entry, name) for name in entries.ROW_COLUMNS[: entries.STAFF_AT]),
        Staff.staff_no,
        Staff.name.label("staff_name"),
        *(getattr(Entry, name) for name in entries.REVISABLE),
        EntryCurrent.revised,
        EntryCurrent.voided,
        ComplaintCase.number,
    )
    .join(Staff, Staff.id == Entry.staff_id)
    .join(EntryCurrent, EntryCurrent.entry_id == Entry.id)
    .outerjoin(ComplaintCase, ComplaintCase.id == Entry.complaint_id)
)
# Where a page's row holds what is read of it, by position: a Row's attributes are slower.
_REVISED = len(entries.ROW_COLUMNS)
_VOIDED, _NUMBER = _REVISED + 1, _REVISED + 2


@lru_cache(maxsize=256)
def _page_rows(shape: Shape) -> Select:
    """The statement that reads the rows of a page of this shape, in the log's order."""
    order = (EntryCurrent.occurred_at, EntryCurrent.entry_id)
    return _PAGE_ROWS.where(Entry.id.in_(_keyset(shape).scalar_subquery())).order_by(
        *(c.asc() if shape.upward else c.desc() for c in order)
    )


@lru_cache(maxsize=4)
def _from_to_rows(first: bool, last: bool) -> Select:
    """The rows of every entry of a branch, from ``first_at`` and to ``last_at`` when asked,
    oldest first, read along the index of the log's order (no sort)."""
    conditions = [EntryCurrent.branch_id == bindparam("branch_id")]
    if first:
        conditions.append(EntryCurrent.occurred_at >= bindparam("first_at"))
    if last:
        conditions.append(EntryCurrent.occurred_at < bindparam("last_at"))
    return _PAGE_ROWS.where(*conditions).order_by(EntryCurrent.occurred_at, EntryCurrent.entry_id)


def _views_of(connection: Connection, columns: list[Sequence[Any]]) -> list[EntryView]:
    """The entries of a page's rows, given as columns, in their latest revision.

    Only the entries that ``entry_current`` says are revised or void are replayed, and only those
    whose events can change them (hand-offs, open follow-ups; any revised entry, whose latest
    values are not known yet) have their events read.
    """
    return page_views.views_of(connection, columns, _REVISED, _VOIDED, _NUMBER)

"""The log's pages and exports read on SQLite straight through the driver: the same
statements, the same values out, without SQLAlchemy's work per statement and per row.

A page is a few statements and a hundred rows; through SQLAlchemy each statement is looked up
in its cache, its parameters processed and its result set up, and each row's values pass its
type processors one at a time. Here each statement is compiled once (``prepared``) and run on
the transaction's own driver connection, and the rows are read as columns (``columns``), each
typed at once as SQLAlchemy would type its values (``UTCDateTime``'s reading for times;
booleans): the views of a page are built a column at a time (``page_views``).

The engine's ``before_cursor_execute`` listeners still see every statement run here, as
SQLAlchemy would show it to them (with no execution context), so whatever watches the
statements the store runs (tests of query plans, the bench) sees these too. A read's BEGIN
is not among them: the dialect sends it (``engine._begin_reads``).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator, Sequence
from datetime import datetime
from itertools import repeat
from typing import Any, NamedTuple

from sqlalchemy import Boolean, Connection, Select

from lobby_tui.data.types import UTCDateTime


class Prepared(NamedTuple):
    """A statement compiled for SQLite: its SQL, the names of its parameters in order with the
    values of those it binds itself, the processor of each, and its columns' processors."""

    sql: str
    names: tuple[str, ...]
    defaults: dict[str, Any]
    binds: dict[str, Any]
    times: tuple[int, ...]  # columns holding UTCDateTime text
    booleans: tuple[int, ...]  # columns holding 0 / 1
    named: type[tuple[Any, ...]]  # a row with its columns by name, as SQLAlchemy's Row has them


_PREPARED: dict[int, tuple[Select, Prepared]] = {}


def prepared(statement: Select, connection: Connection) -> Prepared:
    """``statement`` compiled for ``connection``'s dialect, once (statements are built once and
    kept, see log_queries; the statement is held here so its id stays its own)."""
    found = _PREPARED.get(id(statement))
    if found is not None and found[0] is statement:
        return found[1]
    dialect = connection.dialect
    compiled = statement.compile(dialect=dialect)
    names = tuple(compiled.positiontup or ())
    defaults, binds = {}, {}
    for bind, name in compiled.bind_names.items():
        if bind.value is not None or not bind.required:
            defaults[name] = bind.effective_value
        processor = bind.type._cached_bind_processor(dialect)
        if processor is not None:
            binds[name] = processor
    columns = list(statement.selected_columns)
    times = tuple(i for i, c in enumerate(columns) if isinstance(c.type, UTCDateTime))
    booleans = tuple(i for i, c in enumerate(columns) if isinstance(c.type, Boolean))
    named = namedtuple("Row", [c.key for c in statement.selected_columns], rename=True)
    found_now = Prepared(compiled.string, names, defaults, binds, times, booleans, named)
    _PREPARED[id(statement)] = (statement, found_now)
    return found_now


def execute(connection: Connection, sql: str, parameters: Sequence[Any]) -> list[tuple[Any, ...]]:
    """``sql`` run with ``parameters`` on the driver connection of ``connection``'s
    transaction; its rows as the driver gives them."""
    cursor = _cursor(connection, sql, parameters)
    try:
        return cursor.fetchall()
    finally:
        cursor.close()


def _cursor(connection: Connection, sql: str, parameters: Sequence[Any]) -> Any:
    """A driver cursor of ``connection``'s transaction that has run ``sql`` with
    ``parameters``, the engine's listeners told first; the caller closes it."""
    parameters = tuple(parameters)  # as SQLAlchemy hands them to listeners and the driver
    cursor = connection.connection.driver_connection.cursor()
    try:
        if connection._has_events or connection.engine._has_events:
            connection.dispatch.before_cursor_execute(
                connection, cursor, sql, parameters, None, False
            )
        cursor.execute(sql, parameters)
    except BaseException:
        cursor.close()
        raise
    return cursor


def columns(
    connection: Connection, statement: Select, values: dict[str, Any], size: int
) -> tuple[list[Sequence[Any]], bool]:
    """The first ``size`` rows of ``statement`` run with ``values`` as columns, one sequence
    of values for each of its columns, typed as SQLAlchemy types them (aware UTC datetimes,
    booleans); and whether it had more rows.

    A page's rows are built into views a column at a time (``page_views``): read so, each
    column is typed in one C-level ``map``, rather than each row in a loop of Python.
    """
    plan = prepared(statement, connection)
    read = execute(connection, plan.sql, _parameters(plan, values))
    more = len(read) > size
    del read[size:]
    return _typed(connection, plan, columns_of(read)), more


def batches(
    connection: Connection, statement: Select, values: dict[str, Any], size: int
) -> Iterator[list[Sequence[Any]]]:
    """Every row of ``statement`` run with ``values``, ``size`` rows at a time, each batch as
    ``columns`` gives a page: columns, typed as SQLAlchemy types them. One statement read
    to its end (an export), its rows never all in memory at once."""
    plan = prepared(statement, connection)
    cursor = _cursor(connection, plan.sql, _parameters(plan, values))
    try:
        while rows := cursor.fetchmany(size):
            yield _typed(connection, plan, columns_of(rows))
    finally:
        cursor.close()


def columns_of(rows: Sequence[Sequence[Any]]) -> list[Sequence[Any]]:
    """``rows`` as columns: for each column, its values in the rows' order."""
    return list(zip(*rows, strict=True))


def _parameters(plan: Prepared, values: dict[str, Any]) -> list[Any]:
    parameters = []
    for name in plan.names:
        value = values[name] if name in values else plan.defaults[name]
        processor = plan.binds.get(name)
        parameters.append(value if processor is None or value is None else processor(value))
    return parameters


def _typed(
    connection: Connection, plan: Prepared, found: list[Sequence[Any]]
) -> list[Sequence[Any]]:
    """``found``, columns as the driver read them, with their times and booleans typed."""
    if not found:
        return found
    for at in plan.times:
        column = found[at]
        try:
            # UTCDateTime's reading of SQLite's UTC wall time (types.py), without a call of
            # Python for each value.
            if None in column:
                found[at] = [None if v is None else _fromisoformat(v + "+00:00") for v in column]
            else:
                found[at] = list(map(_fromisoformat, map(_add, column, repeat("+00:00"))))
        except (TypeError, ValueError):  # text naming its zone: each read UTCDateTime's own way
            to_time = _to_time(connection)
            found[at] = [None if v is None else to_time(v) for v in column]
    for at in plan.booleans:
        column = found[at]
        try:
            found[at] = list(map(_BOOLEANS.__getitem__, column))
        except KeyError:  # a value other than 0, 1 and NULL: truth as Python sees it
            found[at] = [None if v is None else bool(v) for v in column]
    return found


_BOOLEANS = {0: False, 1: True, None: None}
_add = str.__add__


def first(connection: Connection, statement: Select, values: dict[str, Any]) -> Any:
    """The first row of ``statement`` as ``columns`` types it, its columns also by name; or
    None. On another database than SQLite, through SQLAlchemy."""
    if connection.dialect.name != "sqlite":
        return connection.execute(statement, values).first()
    found, _ = columns(connection, statement, values, 1)
    if not found:
        return None
    return prepared(statement, connection).named._make([column[0] for column in found])


_fromisoformat = datetime.fromisoformat


_TO_TIME: dict[str, Any] = {}


def _to_time(connection: Connection) -> Any:
    """UTCDateTime's own reading of a stored time on this dialect."""
    dialect = connection.dialect
    found = _TO_TIME.get(dialect.name)
    if found is None:
        found = _TO_TIME[dialect.name] = UTCDateTime().result_processor(dialect, None)
    return found


def in_list(connection: Connection, sql: str, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """``sql`` with its ``IN ({})`` filled with one parameter for each of ``ids``."""
    return execute(connection, sql.format(", ".join("?" * len(ids))), list(ids))


def steps(
    connection: Connection, revised_ids: list[int], event_ids: list[int]
) -> tuple[dict[int, list[Any]], dict[int, list[Any]]]:
    """``entries.steps_of`` on SQLite: the revisions of ``revised_ids`` and the events of
    ``event_ids``, as rows with the names ``view_of_row`` reads."""
    revisions: dict[int, list[Any]] = {}
    events: dict[int, list[Any]] = {}
    if revised_ids:
        for row in in_list(connection, _REVISION_SQL, revised_ids):
            revisions.setdefault(row[0], []).append(_RevisionStep._make(row))
    if event_ids:
        for entry_id, event, sold in in_list(connection, _EVENT_SQL, event_ids):
            step = (entry_id, event, None if sold is None else bool(sold))
            events.setdefault(entry_id, []).append(_new_step(_EventStep, step))
    return revisions, events


# entries.steps_of's two statements: the ids go where ``{}`` is.
_REVISION_SQL = (
    "SELECT entry_id, action, new_values FROM revision WHERE entry_id IN ({})"
    " ORDER BY entry_id, number"
)
_EVENT_SQL = (
    "SELECT entry_id, event, product_sold FROM entry_event WHERE entry_id IN ({}) ORDER BY id"
)


class _RevisionStep(NamedTuple):
    entry_id: int
    action: str
    new_values: str


class _EventStep(NamedTuple):
    entry_id: int
    event: str
    product_sold: bool | None


_new_step = tuple.__new__  # as NamedTuple._make, without its length check

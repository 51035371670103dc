"""What the log browser filters and searches on: ``entry_current`` and the text search index.

Both are derived from the entries and their revisions. The store keeps them current in the
transaction of every write (``sync``); the migration and the demo fill them in bulk (``fill``).
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, insert, select, text, update
from sqlmodel import Session

from lobby_tui.data import search
from lobby_tui.data.models import Entry, EntryCurrent, Revision
from lobby_tui.data.views import EntryView

BATCH = 1000
SHOWN = ("ticket", "text", "outcome", "business", "priority")
_INSERT_CURRENT = insert(EntryCurrent.__table__)


def current_values(entry: Entry, view: EntryView) -> dict:
    """The ``entry_current`` row of an entry as ``view`` shows it now."""
    return {
        "entry_id": entry.id,
        "branch_id": entry.branch_id,
        "occurred_at": entry.occurred_at,
        "staff_id": entry.staff_id,
        "kind": entry.kind,
        "business": view.business,
        "priority": view.priority,
        "revised": view.revision > 1,
        "voided": view.voided,
        "search_text": search.searchable_text(view.ticket, view.text, view.outcome),
    }


def sync(session: Session, entry: Entry, view: EntryView, *, new: bool = False) -> None:
    """Make ``entry_current`` and the search index agree with ``view``, the entry as it is now.

    Called after every write that adds or changes an entry, in its transaction. ``new``: the
    entry was inserted by this transaction and has no row yet (a save: one SELECT fewer).
    """
    values = current_values(entry, view)
    if new:
        # One INSERT of the table's own (Core), without an ORM object to flush nor the ORM's
        # bulk insert around it: a save at rush hour (issue 15).
        connection = session.connection()
        connection.execute(_INSERT_CURRENT, values)
        search.index_text(connection, entry.id, None, values["search_text"])
        return
    row = session.get(EntryCurrent, entry.id)
    old_text = row.search_text if row is not None else None
    if row is None:
        row = EntryCurrent(**values)
    elif all(getattr(row, name) == value for name, value in values.items()):
        return
    else:
        for name, value in values.items():
            setattr(row, name, value)
    session.add(row)
    session.flush()
    search.index_text(session.connection(), entry.id, old_text, values["search_text"])


def fill(connection: Connection, *, rebuild_indexes: bool = False) -> None:
    """Derive ``entry_current`` and the search index for every entry (both empty before).

    In bulk: the database copies the entries' columns, and only entries with revisions are
    read back into Python to replay them. ``rebuild_indexes``: drop the indexes of
    ``entry_current`` first (on a server, its GIN search indexes too) and build them after, one
    sort each (for a demo of a million).
    """
    indexes = EntryCurrent.__table__.indexes if rebuild_indexes else ()
    for index in indexes:
        index.drop(connection)
    server_indexes = _server_indexes(connection) if rebuild_indexes else []
    for name, _definition in server_indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    search.register_functions(connection, [("lobby_search_text", search.searchable_text)])
    columns = [
        Entry.id,
        Entry.branch_id,
        Entry.occurred_at,
        Entry.staff_id,
        Entry.kind,
        Entry.business,
        Entry.priority,
    ]
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(
            "INSERT INTO entry_current (entry_id, branch_id, occurred_at, staff_id, kind, "
            "business, priority, revised, voided, search_text) "
            "SELECT id, branch_id, occurred_at, staff_id, kind, business, priority, 0, 0, "
            "lobby_search_text(ticket, text, outcome) FROM entry"
        )
    else:
        last = 0
        while True:
            rows = connection.execute(
                select(*columns, Entry.ticket, Entry.text, Entry.outcome)
                .where(Entry.id > last)
                .order_by(Entry.id)
                .limit(BATCH)
            ).all()
            if not rows:
                break
            connection.execute(
                insert(EntryCurrent),
                [
                    {
                        "entry_id": r.id,
                        "branch_id": r.branch_id,
                        "occurred_at": r.occurred_at,
                        "staff_id": r.staff_id,
                        "kind": r.kind,
                        "business": r.business,
                        "priority": r.priority,
                        "revised": False,
                        "voided": False,
                        "search_text": search.searchable_text(r.ticket, r.text, r.outcome),
                    }
                    for r in rows
                ],
            )
            last = rows[-1].id
    _replay_revisions(connection)
    for index in indexes:
        index.create(connection)
    for _name, definition in server_indexes:
        connection.exec_driver_sql(definition)
    search.fill(connection)


def _server_indexes(connection: Connection) -> list[tuple[str, str]]:
    """The search indexes a PostgreSQL server keeps on ``entry_current`` beside the models' (its
    trigrams, migration 0009), as (name, definition): a GIN index is built in one pass many
    times faster than it is kept up to date row by row."""
    if connection.dialect.name != "postgresql":
        return []
    known = {index.name for index in EntryCurrent.__table__.indexes}
    rows = connection.execute(
        text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = 'entry_current' AND indexdef LIKE '% USING gin %'"
        )
    ).all()
    return [(name, definition) for name, definition in rows if name not in known]


def _replay_revisions(connection: Connection) -> None:
    # Plain columns rather than the models: a later release's migration may add columns to
    # ``entry`` that this one's database does not have yet.
    steps: dict[int, list[tuple[str, str]]] = {}
    for entry_id, action, new_values in connection.execute(
        select(Revision.entry_id, Revision.action, Revision.new_values).order_by(
            Revision.entry_id, Revision.number
        )
    ):
        steps.setdefault(entry_id, []).append((action, new_values))
    ids = list(steps)
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        rows = connection.execute(
            select(Entry.id, *(getattr(Entry, name) for name in SHOWN)).where(Entry.id.in_(batch))
        ).all()
        for entry_id, *first in rows:
            values = dict(zip(SHOWN, first, strict=True))
            for action, new_values in steps[entry_id]:
                if action != "void":
                    changed = json.loads(new_values)
                    values.update((k, v) for k, v in changed.items() if k in values)
            connection.execute(
                update(EntryCurrent)
                .where(EntryCurrent.entry_id == entry_id)
                .values(
                    business=values["business"],
                    priority=values["priority"],
                    revised=any(action == "revise" for action, _ in steps[entry_id]),
                    voided=any(action == "void" for action, _ in steps[entry_id]),
                    search_text=search.searchable_text(
                        values["ticket"], values["text"], values["outcome"]
                    ),
                )
            )

"""The log area (F7): any page of the whole log, filtered, by keyset (the statements in
data/log_pages.py), the entries between two days, and the log's export.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from lobby_tui.data.access import audit, authorized_branch, branch_info, reader_branch
from lobby_tui.data.areas.base import Area, Context
from lobby_tui.data.areas.integrity import IntegrityArea
from lobby_tui.data.log_pages import Key, _from_to_rows, _views_of, key_of, page_rows
from lobby_tui.data.raw_rows import batches, columns_of
from lobby_tui.data.views import Actor, BranchInfo, EntryView, LogFilter, LogPage
from lobby_tui.domain.clock import branch_zone, day_end, day_start
from lobby_tui.domain.roles import Permission

PAGE_SIZE = 100
EXPORT_BATCH = 1000


class LogArea(Area):
    """The whole log, paged, filtered and exported (F7)."""

    def __init__(self, context: Context, integrity: IntegrityArea) -> None:
        super().__init__(context)
        self._integrity = integrity  # an export names the head of the chain at its end

    def page(
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
        with self.db.read_rows() as connection:
            branch = reader_branch(connection, actor, Permission.READ_LOG)
            key = after if upward else before
            columns, more = page_rows(connection, branch, log_filter, key, upward, size)
            views = _views_of(connection, columns)
        if upward:
            views.reverse()
            return LogPage(views, newer=more, older=after is not None)
        return LogPage(views, newer=before is not None, older=more)

    def entries(self, actor: Actor, log_filter: LogFilter) -> Iterator[EntryView]:
        """Every entry matching ``log_filter``, oldest first, for an export from F7.

        An export: the permission check and the audit event happen at the call, before the
        first row; the rows are read in batches as they are consumed.
        """
        return self._log_batches(self._log_export(actor, log_filter), log_filter)

    def between(
        self, actor: Actor, first_day: date | None, last_day: date | None
    ) -> Iterator[tuple[EntryView, BranchInfo]]:
        """Every entry from ``first_day`` to ``last_day`` (branch days, inclusive; None: no
        limit), oldest first, with its branch, for ``lobby-tui export``.

        The permission check and the audit event happen at the call, before the first row; the
        rows are read as the log browser's export reads them, a batch at a time by keyset.
        """
        with self.db.audited() as session:
            branch = authorized_branch(session, actor, Permission.EXPORT)
            audit(
                session,
                "export",
                actor,
                branch_id=branch.id,
                first_day=first_day.isoformat() if first_day else None,
                last_day=last_day.isoformat() if last_day else None,
            )
            info = branch_info(branch)
        return zip(self._entries_from_to(info, first_day, last_day), itertools.repeat(info))

    def _entries_from_to(
        self, branch: BranchInfo, first_day: date | None, last_day: date | None
    ) -> Iterator[EntryView]:
        # One statement walking the log's index in order, its rows fetched a batch at a time,
        # in one read transaction: the export is the log as it stood at one moment, and each
        # row costs the same whether it is the first or the millionth (no OFFSET, no keyset
        # to find again). Writers go on meanwhile (WAL).
        zone = branch_zone(branch.time_zone)
        values: dict[str, Any] = {"branch_id": branch.id}
        if first_day and (first_at := day_start(first_day, zone)):
            values["first_at"] = first_at
        if last_day and (last_at := day_end(last_day, zone)):
            values["last_at"] = last_at
        statement = _from_to_rows("first_at" in values, "last_at" in values)
        with self.db.read_rows() as connection:
            if connection.dialect.name == "sqlite":  # straight through the driver (raw_rows)
                for columns in batches(connection, statement, values, EXPORT_BATCH):
                    yield from _views_of(connection, columns)
                return
            result = connection.execution_options(yield_per=EXPORT_BATCH).execute(statement, values)
            for rows in result.partitions():
                yield from _views_of(connection, columns_of(rows))

    @property
    def export_formats(self) -> tuple[str, ...]:
        """The formats an export from F7 can be written in: those of ``lobby-tui export``."""
        from lobby_tui.data.export_write import FORMATS

        return FORMATS

    def export(
        self,
        actor: Actor,
        log_filter: LogFilter,
        path: str,
        fmt: str,
        written: Callable[[int, bool], object] | None = None,
    ) -> int:
        """Write the entries matching ``log_filter`` to a new file; how many were written.
        ``written``, if given, is told how many have been handed to the file so far after each
        batch that is read (``EXPORT_BATCH``), and whether that was the last: a long export's
        progress (after the last, the file is finished and closed).

        Audited as an export, like ``lobby-tui export``; refused to roles without EXPORT.
        """
        from lobby_tui.data.export_rows import export_row
        from lobby_tui.data.export_write import write_to_path

        branch = self._log_export(actor, log_filter)
        views = self._log_batches(branch, log_filter, written)
        rows = (export_row(e, branch) for e in views)
        return write_to_path(rows, Path(path), fmt, head=self._integrity.chain_mark)

    def _log_export(self, actor: Actor, log_filter: LogFilter) -> BranchInfo:
        """The branch ``actor`` exports from, after the permission check; the export audited."""
        with self.db.audited() as session:
            branch = authorized_branch(session, actor, Permission.EXPORT)
            shown = {k: str(v) for k, v in dataclasses.asdict(log_filter).items() if v}
            audit(session, "export", actor, branch_id=branch.id, source="log", **shown)
            return branch_info(branch)

    def _log_batches(
        self,
        branch: BranchInfo,
        log_filter: LogFilter,
        written: Callable[[int, bool], object] | None = None,
    ) -> Iterator[EntryView]:
        after: Key | None = None
        count = 0
        while True:
            with self.db.read_rows() as connection:
                columns, more = page_rows(connection, branch, log_filter, after, True, EXPORT_BATCH)
                views = _views_of(connection, columns)
            yield from views
            if written is not None:  # the batch's last row has been taken
                count += len(views)
                written(count, not more)
            if not more:
                return
            after = key_of(views[-1])

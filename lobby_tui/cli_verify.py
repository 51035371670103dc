"""``lobby-tui verify``: walk the hash chain, print what it found, exit non-zero on a problem."""

from __future__ import annotations

import sys
from pathlib import Path

from lobby_tui.data.chain_export import read_mark
from lobby_tui.data.chain_verify import TRIGGER_MISSING, Problem, find_head, verify
from lobby_tui.data.store import Store
from lobby_tui.locale import _


def run_verify(store: Store, export: Path | None) -> int:
    """Verify ``store``'s database (and the head ``export`` names); the exit status."""
    with store.db.read_rows() as connection:
        report = verify(connection)
        problems = [describe(problem) for problem in report.problems]
        if export is not None:
            problems += _check_export(connection, export)
    for line in problems:
        print(line)
    for branch_id, (seq, digest) in sorted(report.heads.items()):
        print(
            _("chain {branch}: {seq} links, head {hash}").format(
                branch=branch_id, seq=seq, hash=digest
            )
        )
    if problems:
        print(
            _("{records} records, {count} problems").format(
                records=report.records, count=len(problems)
            )
        )
        return 1
    print(_("{records} records: OK").format(records=report.records))
    return 0


def describe(problem: Problem) -> str:
    """One problem as a line: the table and record (or the trigger), and what happened."""
    if problem.kind == TRIGGER_MISSING:
        return _("trigger {name}: missing").format(name=problem.table)
    where = _("{table} #{id}").format(table=problem.table, id=problem.record_id)
    if problem.seq is not None:
        where += " " + _("(link {seq})").format(seq=problem.seq)
    return f"{where}: {_(problem.kind)}"


def _check_export(connection, export: Path) -> list[str]:
    try:
        mark = read_mark(export)
    except OSError as error:
        return [f"{export}: {error.strerror}"]
    if mark is None:
        return [_("{path}: names no chain head").format(path=export)]
    found = find_head(connection, mark.head)
    if found != (mark.branch_id, mark.seq):
        return [_("{path}: its head is not in this database's chain").format(path=export)]
    print(
        _("{path}: head {seq} is in the chain").format(path=export, seq=mark.seq), file=sys.stderr
    )
    return []

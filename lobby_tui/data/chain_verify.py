"""Walk the hash chain and say what does not hold (``lobby-tui verify``, the app's start check).

Each link is checked against its record and the link before it, one kind of record at a time
in one joined query, so that a million entries are checked in a few seconds. The rules are in
docs/integrity.md.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from hashlib import sha256

from sqlalchemy import Connection, text

from lobby_tui.data.chain import head
from lobby_tui.data.chain_specs import (
    GENESIS,
    NO_BRANCH,
    SPECS,
    START,
    Spec,
    canonical_time,
    link_hash,
    start_line,
)
from lobby_tui.locale import N_

# How much earlier than the link before it a record may say it was written: the clocks of two
# terminals writing to one database may differ by this much.
CLOCK_SKEW = timedelta(minutes=5)
# The quick check at sign-in reads no further back than this many links of a branch (a few
# months of a busy lobby) when its last seal is older.
QUICK_LINKS = 50_000

# The tables the database refuses to change, and the shift's own guards.
APPEND_ONLY = (
    "entry",
    "revision",
    "audit_event",
    "entry_event",
    "complaint_case",
    "complaint_action",
    "review",
    "check_result",
    "chain_link",
)
SHIFT_TRIGGERS = ("shift_handover_kept", "shift_no_delete", "shift_signed_kept")

CHANGED = N_("changed")
DELETED = N_("deleted")
UNLINKED = N_("inserted without a link")
OUT_OF_SEQUENCE = N_("link out of sequence")
BACK_DATED = N_("back-dated")
TRIGGER_MISSING = N_("trigger missing")
SEAL_BROKEN = N_("seal does not match the chain")
UNKNOWN_LINK = N_("link to an unknown table")


@dataclass(frozen=True)
class Problem:
    """One thing found wrong: the table (or trigger) and record, and what happened to it."""

    table: str
    record_id: int | None
    kind: str
    seq: int | None = None


@dataclass
class Report:
    """What a walk of the chain found: the records linked, each branch's head, the problems."""

    records: int = 0
    heads: dict[int, tuple[int, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def expected_triggers(dialect: str) -> list[str]:
    """The names of the triggers that keep the records as written, for ``dialect``."""
    if dialect == "sqlite":
        names = [f"{table}_no_{verb}" for table in APPEND_ONLY for verb in ("update", "delete")]
    elif dialect == "postgresql":
        names = [f"{table}_append_only" for table in APPEND_ONLY]
    else:
        return []
    return [*names, *SHIFT_TRIGGERS]


def missing_triggers(connection: Connection) -> list[str]:
    """The triggers that should be there and are not (dropped by hand: never restored)."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    elif dialect == "postgresql":
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    else:
        return []
    present = set(connection.execute(text(query)).scalars())
    return [name for name in expected_triggers(dialect) if name not in present]


def verify(
    connection: Connection,
    *,
    since_last_seal: bool = False,
    branches: Collection[int] | None = None,
) -> Report:
    """Check every link, every record's link, every seal and the triggers.

    With ``since_last_seal`` only the links after each branch's last seal (at most the last
    ``QUICK_LINKS``) are checked, and the records written after the last linked one: the quick
    check the app makes when a reviewer signs in, which must not keep a processor busy for long.

    With ``branches`` only the chains of those branches and of the records of no branch are
    walked (the triggers are the whole database's, checked always): what a reviewer of those
    branches is told, and nothing of another branch. None (``lobby-tui verify``) walks all.
    """
    report = Report()
    for name in missing_triggers(connection):
        report.problems.append(Problem(name, None, TRIGGER_MISSING))
    only = None if branches is None else (NO_BRANCH, *branches)
    if branches is None:
        branches = connection.execute(text("SELECT id FROM branch")).scalars().all()
    for branch_id in (NO_BRANCH, *branches):
        found = head(connection, branch_id)
        if found:
            report.heads[branch_id] = found
    after = None
    if since_last_seal:
        seals = _last_seals(connection)
        after = {
            branch_id: max(seals.get(branch_id, 0), seq - QUICK_LINKS, 0)
            for branch_id, (seq, _hash) in report.heads.items()
        }
    else:
        _check_starts(connection, only, report)
        _check_unknown(connection, only, report)
    for spec in SPECS:
        deleted = _check_links(connection, spec, after, only, report)
        _check_unlinked(connection, spec, deleted, since_last_seal, only, report)
    _check_seals(connection, only, report)
    return report


def _within(branch: str, only: Collection[int] | None) -> str:
    """SQL that keeps the rows whose ``branch`` (an SQL expression) is one of ``only``; empty
    when every branch is walked."""
    if only is None:
        return ""
    return f"{branch} IN ({', '.join(str(int(b)) for b in only)})"


def _where(*conditions: str) -> str:
    joined = " AND ".join(f"({part})" for part in conditions if part)
    return f" WHERE {joined}" if joined else ""


def _last_seals(connection: Connection) -> dict[int, int]:
    rows = connection.execute(
        text(
            "SELECT branch_id, max(sealed_seq) FROM review "
            "WHERE sealed_seq IS NOT NULL GROUP BY branch_id"
        )
    )
    return {branch_id: seq for branch_id, seq in rows}


def _check_starts(connection: Connection, only: Collection[int] | None, report: Report) -> None:
    for branch_id, seq, record_id, digest in connection.execute(
        text(
            "SELECT branch_id, seq, record_id, hash FROM chain_link"
            + _where(f"record_table = '{START}'", _within("branch_id", only))
        )
    ):
        if seq != 1 or record_id != branch_id:
            report.problems.append(Problem(START, record_id, OUT_OF_SEQUENCE, seq))
        elif digest != link_hash(GENESIS, start_line(branch_id)):
            report.problems.append(Problem(START, record_id, CHANGED, seq))


def _check_links(
    connection: Connection,
    spec: Spec,
    after: dict[int, int] | None,
    only: Collection[int] | None,
    report: Report,
) -> int:
    """Check the links of ``spec``'s records (of the chains ``after`` names, after their seq; of
    the chains ``only`` names, all); return how many point at a deleted record."""
    dialect = connection.dialect.name
    query = (
        f"SELECT l.seq, l.record_id, l.hash, l.at, p.hash, p.at, t.id, "
        f"{spec.written_sql(dialect)}, "
        f"{spec.record_sql(dialect)} FROM chain_link l "
        "LEFT JOIN chain_link p ON p.branch_id = l.branch_id AND p.seq = l.seq - 1 "
        f"LEFT JOIN {spec.table} t ON t.id = l.record_id "
    )
    if after is not None:
        # The last links of a branch, found by seq: on SQLite the unary + keeps the planner off
        # the (record_table, record_id) index, which would read every link of the kind.
        kind = "+l.record_table" if dialect == "sqlite" else "l.record_table"
        where = f"WHERE {kind} = '{spec.name}' AND l.branch_id = :branch AND l.seq > :after"
        batches: Iterable = (
            _rows(connection, query + where, {"branch": branch_id, "after": seq})
            for branch_id, seq in after.items()
        )
    else:
        where = _where(f"l.record_table = '{spec.name}'", _within("l.branch_id", only))
        batches = (_rows(connection, query + where, {}),)
    if dialect != "sqlite":
        batches = (_canonical(rows, spec) for rows in batches)
    deleted = 0
    problems = report.problems
    for rows in batches:
        for seq, record_id, digest, at, prev, prev_at, found, written, line in rows:
            report.records += 1
            if found is None:
                problems.append(Problem(spec.table, record_id, DELETED, seq))
                deleted += 1
            elif prev is None:
                problems.append(Problem(spec.table, record_id, OUT_OF_SEQUENCE, seq))
            elif digest != sha256(f"{prev}\n{line}".encode()).hexdigest() or written != at:
                problems.append(Problem(spec.table, record_id, CHANGED, seq))
            elif prev_at and written and written < prev_at and _too_early(written, prev_at):
                problems.append(Problem(spec.table, record_id, BACK_DATED, seq))
    return deleted


def _rows(connection: Connection, sql: str, params: dict[str, int]) -> Iterable[tuple]:
    """The rows of ``sql``; on SQLite straight from the driver's cursor, in the same
    transaction: a million rows are checked without a result object built for each."""
    if connection.dialect.name == "sqlite":
        return connection.connection.driver_connection.execute(sql, params)
    return connection.execute(text(sql), params)


def _canonical(rows: Iterable[tuple], spec: Spec) -> Iterator[tuple]:
    """Rows read from another database as SQLite's give them: the written time canonical, the
    record's columns made into its line."""
    for row in rows:
        yield (*row[:7], canonical_time(row[7]), spec.line(row[8:]))


def _too_early(written: str, before: str) -> bool:
    return datetime.fromisoformat(written) < datetime.fromisoformat(before) - CLOCK_SKEW


def _check_unlinked(
    connection: Connection,
    spec: Spec,
    deleted: int,
    quick: bool,
    only: Collection[int] | None,
    report: Report,
) -> None:
    """Records with no link: written outside the app, or their link deleted (of the branches
    ``only`` names, or of any)."""
    # A record whose branch is not known (its entry gone) is no branch's: everyone's concern.
    mine = _within(f"COALESCE({spec.branch}, {NO_BRANCH})", only)
    links = _where(f"record_table = '{spec.name}'", _within("branch_id", only))
    linked = (
        f"SELECT 1 FROM chain_link l WHERE l.record_table = '{spec.name}' AND l.record_id = t.id"
    )
    if quick:
        where = _where(
            spec.present,
            "t.id > (SELECT COALESCE(max(l.record_id), 0) FROM chain_link l "
            f"WHERE l.record_table = '{spec.name}')",
            mine,
        )
    else:
        counts = connection.execute(
            text(
                f"SELECT (SELECT count(*) FROM {spec.table} t{_where(spec.present, mine)}), "
                f"(SELECT count(*) FROM chain_link{links})"
            )
        ).one()
        if counts[0] == counts[1] - deleted:
            return
        where = _where(spec.present, f"NOT EXISTS ({linked})", mine)
    for (record_id,) in connection.execute(text(f"SELECT t.id FROM {spec.table} t{where}")):
        report.problems.append(Problem(spec.table, record_id, UNLINKED))


def _check_unknown(connection: Connection, only: Collection[int] | None, report: Report) -> None:
    names = ", ".join(f"'{name}'" for name in (START, *(spec.name for spec in SPECS)))
    for name, record_id, seq in connection.execute(
        text(
            "SELECT record_table, record_id, seq FROM chain_link"
            + _where(f"record_table NOT IN ({names})", _within("branch_id", only))
        )
    ):
        report.problems.append(Problem(name, record_id, UNKNOWN_LINK, seq))


def _check_seals(connection: Connection, only: Collection[int] | None, report: Report) -> None:
    """Every sign-off's seal (of the branches ``only`` names) names a link of its branch's
    chain before its own."""
    for review_id, sealed_seq, sealed_hash, found, own in connection.execute(
        text(
            "SELECT r.id, r.sealed_seq, r.sealed_hash, l.hash, o.seq FROM review r "
            "LEFT JOIN chain_link l ON l.branch_id = r.branch_id AND l.seq = r.sealed_seq "
            "LEFT JOIN chain_link o ON o.record_table = 'review' AND o.record_id = r.id "
            + _where(
                "r.sealed_seq IS NOT NULL OR r.sealed_hash IS NOT NULL",
                _within("r.branch_id", only),
            )
        )
    ):
        if sealed_seq is None or found != sealed_hash or (own is not None and own <= sealed_seq):
            report.problems.append(Problem("review", review_id, SEAL_BROKEN, sealed_seq))


def find_head(connection: Connection, digest: str) -> tuple[int, int] | None:
    """The (branch, seq) of the link with hash ``digest``, or None: is an export's head ours?"""
    row = connection.execute(
        text("SELECT branch_id, seq FROM chain_link WHERE hash = :hash"), {"hash": digest}
    ).first()
    return (row[0], row[1]) if row else None

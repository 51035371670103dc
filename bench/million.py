"""The 1,000,000-entry demo database that the §6 budgets are measured on: built once, then copied.

`lobby_tui.data.demo.build_demo` writes it into bench/out/million.sqlite (15–20 s). It is reused
while it holds 1,000,000 entries and its days end where a build now would end them: the desk shows
one branch day, and a cache from an earlier day would leave today nearly empty, flattering every
measure of the desk. A section measures on a fresh copy, so its own writes never reach the cache.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path
from typing import NamedTuple

from results import BenchError

ENTRIES = 1_000_000
DAYS = 365
CACHE = Path(__file__).with_name("out") / "million.sqlite"
# build_demo ends its days on today only once the branch has been open an hour (see its
# `_last_days`); before then a build would end yesterday too, so yesterday is not stale.
DEMO_DAY_STARTS = time(10)


@dataclass(frozen=True)
class Million:
    """A working copy of the cached database, and what it holds."""

    path: Path
    entries: int
    entries_today: int
    # Why the cache was (re)built by this run, or "" when it was reused.
    built_because: str


@contextlib.contextmanager
def working_copy(rebuild: bool = False) -> Iterator[Million]:
    """A copy of the cache (built first when missing, stale or asked for), removed afterwards."""
    reason = "--rebuild-million was given" if rebuild else _stale(CACHE)
    if reason:
        _build(CACHE, reason)
    # Beside the cache rather than in the system's temp directory, which may be a RAM disk: a
    # save's fsync must cost what it costs on the disk the app would use.
    with tempfile.TemporaryDirectory(dir=CACHE.parent, prefix="million-") as workdir:
        copy = Path(workdir) / CACHE.name
        try:
            shutil.copyfile(CACHE, copy)
        except OSError as error:
            raise BenchError(f"cannot copy {CACHE}: {error}") from error
        contents = _inspect(copy)
        yield Million(copy, contents.entries, contents.entries_today, reason or "")


def _stale(path: Path) -> str | None:
    """Why the cache at `path` cannot be used, or None when it can."""
    from lobby_tui.data.migrate import HEAD

    if not path.exists():
        return "it did not exist yet"
    try:
        contents = _inspect(path)
    except Exception as error:  # an unreadable or foreign file is rebuilt, not reported
        return f"it could not be read ({type(error).__name__})"
    if contents.revision != HEAD:
        return f"its schema is at revision {contents.revision}, the app's at {HEAD}"
    # The demo's complaint cases add their own few entries on top of the million.
    if contents.entries < ENTRIES:
        return f"it held {contents.entries:,} entries"
    last_day = _demo_last_day()
    if contents.newest_day is None or contents.newest_day < last_day:
        return f"its last day was {contents.newest_day}, a build now ends on {last_day}"
    return None


class _Contents(NamedTuple):
    entries: int
    newest_day: date | None
    entries_today: int
    revision: str | None


def _inspect(path: Path) -> _Contents:
    """What the database at `path` holds: entries, its last day, today's entries, its schema."""
    from sqlalchemy import create_engine, func, select

    from lobby_tui.data.migrate import current_revision
    from lobby_tui.data.models import Branch, Entry
    from lobby_tui.domain.clock import branch_today, branch_zone, day_bounds

    # A plain engine, not Store.open: opening the store would migrate the cache in place.
    engine = create_engine(f"sqlite:///{path}")
    try:
        revision = current_revision(engine)
        with engine.connect() as connection:
            zone = branch_zone(connection.execute(select(Branch.time_zone)).scalar())
            entries = connection.execute(select(func.count()).select_from(Entry)).scalar() or 0
            newest = connection.execute(select(func.max(Entry.occurred_at))).scalar()
            start, end = day_bounds(branch_today(zone), zone)
            today = connection.execute(
                select(func.count())
                .select_from(Entry)
                .where((Entry.occurred_at >= start) & (Entry.occurred_at < end))
            ).scalar()
    finally:
        engine.dispose()
    newest_day = newest.astimezone(zone).date() if newest else None
    return _Contents(entries, newest_day, today or 0, revision)


def _demo_last_day() -> date:
    from lobby_tui.domain.clock import branch_zone, utcnow

    local = utcnow().astimezone(branch_zone(None))
    return local.date() if local.time() >= DEMO_DAY_STARTS else local.date() - timedelta(days=1)


def _build(path: Path, reason: str) -> None:
    """Build into a scratch file and move it into place, so an interrupted build leaves no cache."""
    from lobby_tui.data.demo import build_demo

    scratch = path.with_name(f"{path.stem}.building{path.suffix}")
    _remove(scratch)
    path.parent.mkdir(parents=True, exist_ok=True)
    _progress(f"building {path} ({ENTRIES:,} entries, {reason}) …")
    try:
        build_demo(str(scratch), days=DAYS, entries=ENTRIES)
        # One self-contained file: whatever is still in the write-ahead log goes into it.
        with contextlib.closing(sqlite3.connect(scratch)) as connection:
            connection.execute("PRAGMA journal_mode=DELETE")
    except Exception as error:
        _remove(scratch)
        first_line = (str(error).strip() or "no message").splitlines()[0]
        raise BenchError(
            f"cannot build the {ENTRIES:,}-entry database: {type(error).__name__}: {first_line}"
        ) from error
    finally:
        _progress("")
    _remove(path)
    scratch.replace(path)


def _remove(path: Path) -> None:
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        name.unlink(missing_ok=True)


def _progress(message: str) -> None:
    """A one-line status on an interactive stderr, overwritten in place; silent in CI logs."""
    if sys.stderr.isatty():
        sys.stderr.write(f"\r\x1b[2K{message}")
        sys.stderr.flush()

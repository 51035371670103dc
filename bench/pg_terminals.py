"""Section pg_terminals: 20 terminals saving at rush-hour pace for 60 s against one PostgreSQL
server holding 1,000,000 entries.

Budget (issue 12): p95 save ≤ 50 ms, 0 lost.

Each terminal is a process of its own, as a terminal of a branch is a machine of its own: it
opens the store on the server (``Store.open``), signs in as a lobby staff member of its own, and
saves the way a form's save goes (``data/pending.py``): the save is kept in the terminal's own
pending-saves journal, sent with its unique key (``pending.send`` → ``Store.entries.add``), and
marked done once the server has acknowledged it. A save that fails is sent again with the same
key, as the write queue sends it, until it lands or the run is over; its time runs from the
first try to the acknowledgement.

Rush-hour pace: a guidance entry is eight keys and Ctrl+S, so a person typing back to back
saves about every two seconds at most. Each terminal saves every ``--pg-terminals-pace``
seconds on average (uniformly between half and one and a half times that, so that the terminals
do not save in step), guidance entries and notes in turn. All terminals start together, once
every one is signed in and has made one untimed save of each form (a process's first save
builds the statements it sends, which a terminal does once a day).

Afterwards the server is asked, by save key, for every save a terminal saw acknowledged: a
save is lost when its entry is missing, or when the entry is missing from the log's current
view (what F7 and search read) or from the hash chain. Every journal must be left with no save
waiting.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import random
import tempfile
from pathlib import Path
from time import monotonic, perf_counter, sleep
from typing import Any

import pg_server
import save_latency as sqlite_save
from results import BenchError, Row, SectionResult, ms, percentile, verdict

BUDGET = 0.050  # seconds, p95 of every terminal's saves
TERMINALS = 20
SECONDS = 60.0
PACE = 2.0  # mean seconds between two saves of one terminal
PIN = "246810"
RETRY_SECONDS = 0.5  # between tries of a save that failed (the app's queue waits 2 s)
# Signing in 20 processes (imports, the schema check, a PIN hash each) on a busy machine.
START_TIMEOUT = 600.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("pg_terminals")
    group.add_argument(
        "--pg-terminals",
        type=_positive(int),
        default=TERMINALS,
        metavar="N",
        help=f"terminals saving at once (default: {TERMINALS})",
    )
    group.add_argument(
        "--pg-terminals-seconds",
        type=_positive(float),
        default=SECONDS,
        metavar="S",
        help=f"how long they save (default: {SECONDS:.0f})",
    )
    group.add_argument(
        "--pg-terminals-pace",
        type=_positive(float),
        default=PACE,
        metavar="S",
        help=f"mean seconds between two saves of one terminal (default: {PACE:.0f})",
    )


def _positive(kind: type) -> Any:
    def parse(text: str) -> Any:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError("must be more than 0")
        return value

    return parse


def run(args: argparse.Namespace) -> SectionResult:
    server = pg_server.server_million(args)
    url = str(server.db)
    count, seconds, pace = args.pg_terminals, args.pg_terminals_seconds, args.pg_terminals_pace
    staff = _add_staff(url, count)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="lobby-tui-terminals-") as state:
        results = _run_terminals(url, staff, seconds, pace, Path(state))
    load_after = os.getloadavg()[0]

    errors = [r["error"] for r in results if r.get("error")]
    if errors:
        raise BenchError(f"{len(errors)} of {count} terminals failed: {errors[0]}")
    saves = [save for r in results for save in r["saves"]]
    if not saves:
        raise BenchError("no terminal saved anything")
    latencies = [s["seconds"] for s in saves]
    acknowledged = {s["key"] for s in saves if s["acknowledged"]}
    unacknowledged = len(saves) - len(acknowledged)
    # The warm-up saves are not timed, but they must have landed too.
    warmup = [s for r in results for s in r.get("warmup", [])]
    unacknowledged += sum(1 for s in warmup if not s["acknowledged"])
    acknowledged |= {s["key"] for s in warmup if s["acknowledged"]}
    waiting = sum(r["waiting"] for r in results)
    check = _count_landed(url, acknowledged)
    lost = check["missing"]
    retried = sum(1 for s in saves if s["tries"] > 1)
    p95 = percentile(latencies, 95)
    rate = len(saves) / seconds
    rows = [
        *server.rows(),
        Row("terminals × seconds, pace", f"{count} × {seconds:.0f} s, a save every ~{pace:g} s"),
        Row(
            "saves made / acknowledged (and 2 warm-up saves per terminal, untimed)",
            f"{len(saves):,} / {sum(s['acknowledged'] for s in saves):,} ({rate:.1f}/s)",
        ),
        Row(
            "save, first try → acknowledged (p50 / p95 / max)",
            f"{ms(percentile(latencies, 50))} / {ms(p95)} / {ms(max(latencies))}",
            f"p95 ≤ {ms(BUDGET)}",
            verdict(p95 <= BUDGET),
        ),
        Row("saves that needed another try", f"{retried}"),
        Row(
            "never acknowledged (still waiting in a journal)",
            f"{unacknowledged} ({waiting})",
            "0",
            verdict(unacknowledged == 0 and waiting == 0),
        ),
        Row(
            "lost: acknowledged, not in the entries, current view or chain",
            f"{lost} (entries {check['entries']:,}, current view {check['current']:,},"
            f" chain {check['chained']:,})",
            "0",
            verdict(lost == 0),
        ),
    ]
    notes = [
        f"each terminal a process, Store.entries.add with a save key through pending.send;"
        f" load average {load_before:.1f} before, {load_after:.1f} after",
        *server.notes(),
    ]
    if busy := sqlite_save._busy_machine(load_before):
        notes.append(busy)
    data = {
        "terminals": count,
        "seconds": seconds,
        "pace_seconds": pace,
        "saves": len(saves),
        "acknowledged": len(acknowledged),
        "retried": retried,
        "unacknowledged": unacknowledged,
        "journals_waiting": waiting,
        "lost": lost,
        "landed": check,
        "save_ms": sqlite_save._summary(latencies),
        "per_terminal_p95_ms": {
            r["staff_no"]: percentile([s["seconds"] for s in r["saves"]], 95) * 1000
            for r in results
            if r["saves"]
        },
        "load_average": {"before": load_before, "after": load_after},
    }
    return SectionResult(rows, data, notes)


def _add_staff(url: str, count: int) -> list[str]:
    """Lobby staff numbers for the terminals, added to the demo branch (once per server)."""
    from lobby_tui.data.store import Store
    from lobby_tui.data.views import Actor, StoreError
    from lobby_tui.domain.roles import Role

    numbers = [f"T{n:02d}" for n in range(1, count + 1)]
    store = Store.open(url)
    try:
        for number in numbers:
            # Already there when an earlier run of this section used this server.
            with contextlib.suppress(StoreError):
                store.staff.add(Actor.console(), number, f"Terminal {number}", Role.LOBBY, PIN)
    finally:
        store.close()
    return numbers


def _run_terminals(
    url: str, staff: list[str], seconds: float, pace: float, state: Path
) -> list[dict[str, Any]]:
    """Start a process per terminal, let them all sign in, start them together, collect."""
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(len(staff) + 1)
    found = context.Queue()
    processes = [
        context.Process(
            target=_terminal,
            args=(url, number, seconds, pace, state, index, ready, found),
            name=f"terminal-{number}",
            daemon=True,
        )
        for index, number in enumerate(staff)
    ]
    for process in processes:
        process.start()
    results: list[dict[str, Any]] = []
    try:
        try:
            ready.wait(timeout=START_TIMEOUT)
        except Exception as error:
            why = f"after {START_TIMEOUT:.0f} s"
            with contextlib.suppress(Exception):  # a terminal that failed says why
                why = found.get(timeout=5).get("error") or why
            raise BenchError(f"the {len(staff)} terminals did not all sign in: {why}") from error
        deadline = monotonic() + seconds + START_TIMEOUT
        while len(results) < len(staff):
            try:
                results.append(found.get(timeout=max(1.0, deadline - monotonic())))
            except Exception as error:
                raise BenchError(
                    f"only {len(results)} of {len(staff)} terminals reported back"
                ) from error
    finally:
        # Every terminal has reported (or the run is over): none may outlive the section.
        ended = monotonic() + 10
        for process in processes:
            process.join(timeout=max(0.0, ended - monotonic()))
            if process.is_alive():
                process.kill()
    return results


def _terminal(
    url: str,
    staff_no: str,
    seconds: float,
    pace: float,
    state: Path,
    seed: int,
    ready: Any,
    found: Any,
) -> None:
    """One terminal: sign in, wait for the others, save at the pace until time is up."""
    result: dict[str, Any] = {"staff_no": staff_no, "saves": [], "waiting": 0}
    try:
        _save_for(url, staff_no, seconds, pace, state, seed, ready, result)
    except BaseException as error:
        ready.abort()  # the others, and the bench, stop waiting for this one
        first_line = (str(error).strip() or "no message").splitlines()[0]
        result["error"] = f"{staff_no}: {type(error).__name__}: {first_line}"
    found.put(result)


def _save_for(
    url: str,
    staff_no: str,
    seconds: float,
    pace: float,
    state: Path,
    seed: int,
    ready: Any,
    result: dict[str, Any],
) -> None:
    from lobby_tui.data import pending
    from lobby_tui.data.store import Store
    from lobby_tui.domain.clock import utcnow

    rng = random.Random(seed)
    store = Store.open(url)
    try:
        actor = store.staff.sign_in(staff_no, PIN)
        journal = pending.PendingSaves(pending.journal_path(state / staff_no, url))
        journal.path.parent.mkdir(parents=True, exist_ok=True)
        forms = [sqlite_save.FORMS["guidance"], sqlite_save.FORMS["note"]]
        number = seed * 100_000

        def save_one(end: float) -> dict[str, Any]:
            nonlocal number
            number += 1
            kind, values = forms[number % 2].values(number)
            save = pending.PendingSave.new(
                form="bench", command="entry", kind=kind, actor=actor, values=values,
                fields={}, at=utcnow(),
            )  # fmt: skip
            journal.add(save)
            return _send(store, save, journal, end)

        # One save of each form first, untimed, as the other sections warm up: a process's
        # first save builds the statements it sends, which a terminal does once a day.
        result["warmup"] = [save_one(monotonic() + START_TIMEOUT) for _ in forms]
        ready.wait(timeout=START_TIMEOUT)
        started = monotonic()
        due = started + rng.uniform(0, pace)  # the terminals start out of step
        while due < started + seconds:
            sleep(max(0.0, due - monotonic()))
            result["saves"].append(save_one(started + seconds))
            due += pace * rng.uniform(0.5, 1.5)
        result["waiting"] = len(journal.load()[0])
    finally:
        store.close()


def _send(store: Any, save: Any, journal: Any, end: float) -> dict[str, Any]:
    """Send ``save`` until the server acknowledges it (or the run is over, plus a grace)."""
    from lobby_tui.data import pending

    tries = 0
    first = perf_counter()
    error = ""
    while True:
        tries += 1
        try:
            pending.send(store, save)
        except Exception as failed:
            error = f"{type(failed).__name__}: {(str(failed).strip() or '-').splitlines()[0]}"
            if monotonic() > end + 30:
                return {"key": save.key, "seconds": perf_counter() - first, "tries": tries,
                        "acknowledged": False, "error": error}  # fmt: skip
            sleep(RETRY_SECONDS)
            continue
        seconds = perf_counter() - first
        journal.done(save.key)
        return {"key": save.key, "seconds": seconds, "tries": tries, "acknowledged": True,
                "error": error}  # fmt: skip


def _count_landed(url: str, keys: set[str]) -> dict[str, int]:
    """How many of the saves ``keys`` are entries, in the log's current view, in the chain."""
    from sqlalchemy import bindparam, create_engine, text

    statement = text(
        "SELECT count(*), count(c.entry_id), count(l.record_id) FROM entry e"
        " LEFT JOIN entry_current c ON c.entry_id = e.id"
        " LEFT JOIN chain_link l ON l.record_table = 'entry' AND l.record_id = e.id"
        " WHERE e.save_key IN :keys"
    ).bindparams(bindparam("keys", expanding=True))
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            entries, current, chained = connection.execute(statement, {"keys": list(keys)}).one()
    finally:
        engine.dispose()
    missing = len(keys) - min(entries, current, chained)
    return {"entries": entries, "current": current, "chained": chained, "missing": missing}

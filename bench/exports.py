"""Section export: `lobby-tui export` against the file formats' own speed.

Budgets: CSV ≤ 1.5 × Python's `csv` module fed straight from `sqlite3`, XLSX
≤ 1.2 × xlsxwriter's `constant_memory` mode on the same rows, a flat cost per row up to
1,000,000 entries, and ≤ 150 MB peak RSS for an export of 1,000,000.

- The app: `lobby-tui export --format csv|xlsx --out FILE` itself (`cli.main`), its modules
  imported before the clock starts, timed from the call to the file in place.
- The anchors, below: one plain `sqlite3` query of the same entries in the same order, the
  revisions replayed, the same values made of them with the program's own rules for a value
  (masking, ISO 8601 in branch time, the CSV cell rule), then `csv.writer` or xlsxwriter with
  `constant_memory`. So the two do the same work on every value and the ratio is what the app's
  reading and writing costs above the format's own. The CSV of both must be the same bytes:
  the section refuses to measure otherwise.
- Each measure runs in a process of its own, which reports its wall and processor time and its
  peak RSS (VmHWM). The verdicts are on processor time: on a machine shared with others the
  wall time of either side swings with their load, the work done does not.
- 100,000 entries: a demo database built once into bench/out/ (30 days). 1,000,000 entries,
  with `--export-million`: a copy of the million-entry database that the other sections use.
  The cost per row at both sizes shows whether it stays flat.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
from contextlib import closing
from datetime import datetime
from pathlib import Path
from time import perf_counter
from typing import Any
from zoneinfo import ZoneInfo

import million
from results import BenchError, Row, SectionResult, verdict

CSV_RATIO, XLSX_RATIO, FLAT_RATIO, MEMORY_MB = 1.5, 1.2, 1.25, 150
SMALL = 100_000
SMALL_CACHE = Path(__file__).with_name("out") / "export-100k.sqlite"
WAYS = ("app", "anchor")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options only this section reads."""
    group = parser.add_argument_group("export")
    group.add_argument(
        "--export-million",
        action="store_true",
        help="also export the 1,000,000-entry database (one run of each; heavy)",
    )
    # Five: on this project's shared 2-core machines the processor time of the same export
    # swings by a third from one run to the next; the median of three followed the swing.
    group.add_argument(
        "--export-runs", type=int, default=5, help="runs of each export of 100,000 (default: 5)"
    )


def run(args: argparse.Namespace) -> SectionResult:
    """Each format, app and anchor taking turns, at 100,000 entries and optionally 1,000,000."""
    sizes: dict[str, dict[str, Any]] = {}
    _small_database()
    sizes["100k"] = _measure(SMALL_CACHE, max(1, args.export_runs))
    if args.export_million:
        with million.working_copy(args.rebuild_million) as db:
            sizes["1M"] = _measure(db.path, 1)

    rows: list[Row] = []
    notes: list[str] = []
    for found in sizes.values():
        entries = found["entries"]
        for fmt, budget in (("csv", CSV_RATIO), ("xlsx", XLSX_RATIO)):
            app, anchor = found[fmt]["app"], found[fmt]["anchor"]
            # The verdict on processor time: both are single-threaded and bound by it, and it
            # does not change with what the other users of a shared machine run meanwhile.
            ratio = app["cpu_seconds"] / anchor["cpu_seconds"]
            wall = app["seconds"] / anchor["seconds"]
            anchor_name = "csv module" if fmt == "csv" else "xlsxwriter constant_memory"
            rows.append(
                Row(
                    f"{fmt.upper()} {entries:,}: app / {anchor_name}, CPU",
                    f"{ratio:.2f}× ({app['cpu_seconds']:.2f} s / {anchor['cpu_seconds']:.2f} s)",
                    f"≤ {budget}×",
                    verdict(ratio <= budget),
                )
            )
            rows.append(
                Row(
                    f"{fmt.upper()} {entries:,}: app / {anchor_name}, wall",
                    f"{wall:.2f}× ({app['seconds']:.2f} s / {anchor['seconds']:.2f} s)",
                )
            )
            rows.append(
                Row(
                    f"{fmt.upper()} {entries:,}: CPU per row (app / anchor)",
                    f"{_per_row(app, entries):.1f} / {_per_row(anchor, entries):.1f} µs",
                )
            )
            rows.append(Row(f"{fmt.upper()} {entries:,}: app peak RSS", f"{app['peak_mb']:.0f} MB"))
    if "1M" in sizes:
        small, large = sizes["100k"], sizes["1M"]
        for fmt in ("csv", "xlsx"):
            growth = _per_row(large[fmt]["app"], large["entries"]) / _per_row(
                small[fmt]["app"], small["entries"]
            )
            rows.append(
                Row(
                    f"{fmt.upper()} CPU per row, 1,000,000 / 100,000",
                    f"{growth:.2f}×",
                    f"≤ {FLAT_RATIO}×",
                    verdict(growth <= FLAT_RATIO),
                )
            )
            peak = large[fmt]["app"]["peak_mb"]
            rows.append(
                Row(
                    f"{fmt.upper()} 1,000,000: app peak RSS",
                    f"{peak:.0f} MB",
                    f"≤ {MEMORY_MB} MB",
                    verdict(peak <= MEMORY_MB),
                )
            )
    else:
        notes.append("1,000,000 entries not exported: ask with --export-million")
    return SectionResult(rows, data=sizes, notes=notes)


def _per_row(measured: dict[str, float], entries: int) -> float:
    """Processor time per row, in microseconds."""
    return measured["cpu_seconds"] / entries * 1e6


def _measure(db: Path, runs: int) -> dict[str, Any]:
    """Each format's app and anchor times, wall and CPU (the medians of ``runs``), and peak RSS
    on ``db``."""
    found: dict[str, Any] = {}
    out = db.with_name(f"{db.stem}-export")
    digests: dict[str, str] = {}
    for fmt in ("csv", "xlsx"):
        samples: dict[str, list[dict[str, Any]]] = {way: [] for way in WAYS}
        for _ in range(runs):
            for way in WAYS:
                target = out.with_suffix(f".{way}.{fmt}")
                samples[way].append(_child(way, fmt, db, target))
                if fmt == "csv":
                    digests[way] = hashlib.sha256(target.read_bytes()).hexdigest()
                target.unlink()
        if fmt == "csv" and digests["app"] != digests["anchor"]:
            raise BenchError("the app's CSV and the anchor's differ: the ratio would mean nothing")
        found[fmt] = {
            way: {
                "seconds": statistics.median(s["seconds"] for s in taken),
                "cpu_seconds": statistics.median(s["cpu_seconds"] for s in taken),
                "peak_mb": max(s["peak_mb"] for s in taken),
                "rows": taken[0]["rows"],
            }
            for way, taken in samples.items()
        }
    found["entries"] = found["csv"]["app"]["rows"]
    return found


def _child(way: str, fmt: str, db: Path, target: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, way, fmt, str(db), str(target)],
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if done.returncode:
        raise BenchError(f"the {way}'s {fmt} export failed", done.stderr.strip())
    return json.loads(done.stdout)


def _small_database() -> None:
    """bench/out/export-100k.sqlite, built once by the demo builder (and again on a schema
    change)."""
    from lobby_tui.data.demo import build_demo
    from lobby_tui.data.migrate import HEAD

    if SMALL_CACHE.exists():
        with closing(sqlite3.connect(SMALL_CACHE)) as connection:
            found = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        if found and found[0] == HEAD:
            return
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SMALL_CACHE}{suffix}").unlink(missing_ok=True)
    SMALL_CACHE.parent.mkdir(parents=True, exist_ok=True)
    build_demo(str(SMALL_CACHE), days=30, entries=SMALL)


# -- in the child process -------------------------------------------------------------------


def _app(fmt: str, db: Path, target: str) -> int:
    """``lobby-tui export`` itself, its modules imported before the clock starts as the
    anchor's are; the count read from its closing line."""
    import contextlib
    import io

    import lobby_tui.data.export
    import lobby_tui.data.store  # noqa: F401
    from lobby_tui.cli import main

    said = io.StringIO()
    with contextlib.redirect_stderr(said):
        status = main(
            ["export", "--lang", "en", "--db", str(db), "--format", fmt, "--out", str(target)]
        )
    if status:
        raise SystemExit(f"lobby-tui export failed ({status}): {said.getvalue().strip()}")
    return int(said.getvalue().split()[0])


ANCHOR_QUERY = """
SELECT e.id, e.occurred_at, e.recorded_at, s.staff_no, e.kind, e.ticket, e.business,
       e.priority, e.target, e.topic, e.text, e.outcome, e.follow_up_due, e.resolved, c.number
FROM entry e JOIN staff s ON s.id = e.staff_id LEFT JOIN complaint_case c ON c.id = e.complaint_id
WHERE e.branch_id = ? ORDER BY e.occurred_at, e.id
"""
REVISED = (
    "ticket", "business", "priority", "target", "topic", "text", "outcome", "follow_up_due",
    "resolved",
)  # fmt: skip


def _anchor_rows(db: Path) -> Any:
    """The export's values, straight from ``sqlite3``, with the program's rules for a value."""
    from lobby_tui.domain.masking import mask
    from lobby_tui.domain.validation import HANDOFF_EVENTS

    connection = sqlite3.connect(db)
    branch_id, code, zone_name = connection.execute(
        "SELECT id, code, time_zone FROM branch ORDER BY id"
    ).fetchone()
    zone = ZoneInfo(zone_name or "Asia/Shanghai")
    revisions: dict[int, list[tuple[str, str | None]]] = {}
    for entry_id, action, new_values in connection.execute(
        "SELECT entry_id, action, new_values FROM revision ORDER BY entry_id, number"
    ):
        revisions.setdefault(entry_id, []).append((action, new_values))
    # A hand-off's outcomes, a follow-up done, a product sold: few rows, read whole.
    events: dict[int, list[tuple[str, int | None]]] = {}
    for entry_id, event, sold in connection.execute(
        "SELECT entry_id, event, product_sold FROM entry_event ORDER BY id"
    ):
        events.setdefault(entry_id, []).append((event, sold))

    def when(text: str) -> str:
        moment = datetime.fromisoformat(text + "+00:00").astimezone(zone)
        return moment.isoformat(timespec="seconds")

    for row in connection.execute(ANCHOR_QUERY, (branch_id,)):
        entry_id = row[0]
        values = dict(zip(REVISED, row[5:14], strict=True))
        number, voided = 1, False
        for action, new_values in revisions.get(entry_id, ()):
            if action == "void":
                voided = True
                continue
            number += action == "revise"
            values.update((k, v) for k, v in json.loads(new_values).items() if k in values)
        outcome, sold, follow_up = _steps(row[4], values, events.get(entry_id, ()), HANDOFF_EVENTS)
        yield (
            entry_id,
            when(row[1]),
            when(row[2]),
            code,
            row[3],
            row[4],
            values["ticket"],
            values["business"],
            values["priority"],
            values["target"],
            values["topic"],
            mask(values["text"]),
            mask(values["outcome"]),
            outcome,
            sold,
            follow_up,
            row[14],
            number,
            voided,
        )


def _chain_head(db: Path) -> tuple[int, int, str] | None:
    """The branch's last chain link, which an export names at its end (docs/integrity.md)."""
    with closing(sqlite3.connect(db)) as connection:
        row = connection.execute(
            "SELECT branch_id, seq, hash FROM chain_link"
            " WHERE branch_id = (SELECT min(id) FROM branch) ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    return tuple(row) if row else None


def _steps(
    kind: str, values: dict[str, Any], events: Any, handoff_events: Any
) -> tuple[str | None, bool | None, str | None]:
    """A hand-off's latest outcome, whether a product was sold, an enquiry's follow-up open or
    done: the program's rules (`entries.status_of`, `view_of_row`, `export_row`) on plain rows."""
    follows_up = (
        kind == "enquiry" and values["follow_up_due"] is not None and not values["resolved"]
    )
    if kind != "handoff" and not follows_up:
        return None, None, None  # the program reads no events for these
    sold = next((bool(sold) for _event, sold in reversed(events) if sold is not None), None)
    if kind == "handoff":
        steps = [event for event, _sold in events if event in handoff_events]
        return (steps[-1] if steps else "pending"), sold, None
    done = any(event == "follow_up_done" for event, _sold in events)
    return None, sold, "done" if done else "open"


def _anchor(fmt: str, db: Path, target: str) -> int:
    from lobby_tui.data.export import FIELDS, csv_cell, printable

    count = 0
    if fmt == "csv":
        with open(target, "w", encoding="utf-8", newline="") as out:
            out.write("\ufeff")
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(FIELDS)
            for values in _anchor_rows(db):
                writer.writerow([csv_cell(value) for value in values])
                count += 1
            if head := _chain_head(db):
                mark = f"# integrity branch={head[0]} seq={head[1]} head={head[2]}"
                writer.writerow([mark, *[""] * (len(FIELDS) - 1)])
        return count
    import xlsxwriter

    workbook = xlsxwriter.Workbook(target, {"constant_memory": True})
    sheet = workbook.add_worksheet("entries")
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, FIELDS)
    per_day: dict[tuple[str, str], int] = {}
    # Each column written by the method of its type, chosen once: the tightest use of the API.
    text = sheet.write_string
    put = [sheet.write_number, *[text] * 16, sheet.write_number, sheet.write_boolean]
    put[FIELDS.index("product_sold")] = sheet.write_boolean
    for count, values in enumerate(_anchor_rows(db), start=1):
        sheet.write_number(count, 0, values[0])
        for column in (1, 2):
            sheet.write_datetime(count, column, datetime.fromisoformat(values[column][:19]), moment)
        for column in range(3, len(FIELDS)):
            value = values[column]
            if value is not None:
                put[column](count, column, printable(value) if put[column] is text else value)
        key = (values[1][:10], "voided" if values[-1] else values[5])
        per_day[key] = per_day.get(key, 0) + 1
    summary = workbook.add_worksheet("summary")
    for number, (key, counted) in enumerate(sorted(per_day.items())):
        summary.write_row(number, 0, [*key, counted])
    if head := _chain_head(db):
        integrity = workbook.add_worksheet("integrity")
        for number, pair in enumerate(zip(("branch", "seq", "head"), head, strict=True)):
            integrity.write_row(number, 0, pair)
    workbook.close()
    return count


def _child_main(way: str, fmt: str, db: str, target: str) -> None:
    start, cpu = perf_counter(), _cpu_seconds()
    count = (_app if way == "app" else _anchor)(fmt, Path(db), target)
    seconds, cpu_seconds = perf_counter() - start, _cpu_seconds() - cpu
    peak_kb = next(
        int(line.split()[1])
        for line in Path("/proc/self/status").read_text().splitlines()
        if line.startswith("VmHWM:")
    )
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "peak_mb": peak_kb / 1024,
                "rows": count,
            }
        )
    )


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    # Run as a child: the repository root on the path, as `make bench` has it for the sections.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    _child_main(*sys.argv[1:5])

"""`make bench`: measure lobby-tui against the budgets each section states.

Each section measures one budget and is registered in SECTIONS; `--only NAME` runs one. The report
is printed as a table and written to bench/out/results.json. Exit status: 0 when every section
measured — a budget overrun is a FAIL in the report, not an error — and 1 when one could not.

To add a section: in a module of its own, write `run(args) -> SectionResult` that raises
BenchError when it cannot measure, and optionally `add_arguments(parser)` for its own options;
then append a Section to SECTIONS.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import browser
import exports
import first_frame
import keystrokes
import one_core
import pg_browser
import pg_save
import pg_server
import pg_terminals
import save_latency
import tmux_frame
import verify
from results import BenchError, Row, SectionResult

OUT = Path(__file__).with_name("out") / "results.json"


@dataclass(frozen=True)
class Section:
    """A named measurement the report can run."""

    name: str
    summary: str
    run: Callable[[argparse.Namespace], SectionResult]
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None


SECTIONS: list[Section] = [
    Section(
        "first_frame",
        "process start to the sign-in screen, against a bare Textual app",
        first_frame.run,
        first_frame.add_arguments,
    ),
    Section(
        "tmux_frame",
        "process start to the sign-in screen drawn in tmux, against a bare Textual app",
        tmux_frame.run,
        tmux_frame.add_arguments,
    ),
    Section(
        "keystrokes",
        "keys each form needs for a typical entry, replayed through the app and read back",
        keystrokes.run,
    ),
    Section(
        "save_latency",
        "Ctrl+S to the entry committed and on the desk's timeline, on 1,000,000 entries",
        save_latency.run,
        save_latency.add_arguments,
    ),
    Section(
        "browser",
        "the log browser (F7) on 1,000,000 entries: pages, filters, search, memory, raw SQL",
        browser.run,
    ),
    Section(
        "verify",
        "lobby-tui verify (the hash chain, seals, triggers) on 1,000,000 entries",
        verify.run,
    ),
    Section(
        "export",
        "CSV and XLSX exports against the csv module and xlsxwriter, at 100,000 (and 1,000,000)",
        exports.run,
        exports.add_arguments,
    ),
    Section(
        "pg_save",
        "the save_latency measure on a PostgreSQL server holding 1,000,000 entries",
        pg_save.run,
        pg_server.add_arguments,
    ),
    Section(
        "pg_browser",
        "the log browser (F7) on a PostgreSQL server holding 1,000,000 entries",
        pg_browser.run_browser,
    ),
    Section(
        "pg_search",
        "the log browser's text search on a PostgreSQL server holding 1,000,000 entries",
        pg_browser.run_search,
    ),
    Section(
        "pg_terminals",
        "20 terminals saving at rush-hour pace for 60 s against one PostgreSQL server",
        pg_terminals.run,
        pg_terminals.add_arguments,
    ),
]


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections, print the table, write the JSON; the exit status."""
    args = _parser().parse_args(argv)
    chosen = [s for s in SECTIONS if args.only is None or s.name in args.only]
    try:
        pinned = one_core.pin(args)
    except BenchError as error:
        print(f"cannot measure: {error}")
        return 1

    report: dict[str, Any] = {}
    table: list[tuple[str, Row]] = []
    notes: list[str] = [pinned] if pinned else []
    failures: list[tuple[str, BenchError]] = []
    for section in chosen:
        try:
            result = section.run(args)
        except BenchError as error:
            failures.append((section.name, error))
            report[section.name] = {"status": "error", "error": str(error), "detail": error.detail}
            continue
        table += [(section.name, row) for row in result.rows]
        notes += [f"{section.name}: {note}" for note in result.notes]
        report[section.name] = {
            "status": "measured",
            "rows": [asdict(row) for row in result.rows],
            "notes": result.notes,
            "data": result.data,
        }

    if table:
        _print_table(table)
    # Under the table rather than in it, so that a long note does not stretch the value column.
    for note in notes:
        print(note)
    for name, error in failures:
        print(f"{name}: cannot measure: {error}")
        if error.detail:
            print(error.detail)
    _write_json(report)
    print(f"results written to {os.path.relpath(OUT)}")
    return 1 if failures else 0


def _parser() -> argparse.ArgumentParser:
    """Options shared by all sections, then each section's own."""
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None,
        epilog="sections: " + "; ".join(f"{s.name} ({s.summary})" for s in SECTIONS),
    )
    parser.add_argument(
        "--only",
        metavar="NAME[,NAME…]",
        type=_section_names,
        help="run these sections only (comma-separated), in the table's order",
    )
    parser.add_argument(
        "--runs", type=_at_least(2), default=15, help="measured runs per case (default: 15)"
    )
    parser.add_argument(
        "--warmup", type=_at_least(0), default=2, help="unmeasured runs first (default: 2)"
    )
    one_core.add_arguments(parser)
    for section in SECTIONS:
        if section.add_arguments:
            section.add_arguments(parser)
    return parser


def _section_names(value: str) -> set[str]:
    """An argparse type: a comma-separated list of section names."""
    names = {name.strip() for name in value.split(",") if name.strip()}
    unknown = names - {s.name for s in SECTIONS}
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown section: {', '.join(sorted(unknown)) or value}")
    return names


def _at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type for an integer no smaller than `minimum`."""

    def parse(text: str) -> int:
        value = int(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}")
        return value

    return parse


def _print_table(table: list[tuple[str, Row]]) -> None:
    """The rows as aligned columns."""
    lines = [("section", "measure", "value", "budget", "verdict")]
    lines += [(name, r.measure, r.value, r.budget, r.verdict) for name, r in table]
    widths = [max(len(line[column]) for line in lines) for column in range(len(lines[0]))]
    for line in lines:
        cells = (cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        print("  ".join(cells).rstrip())


def _write_json(sections: dict[str, Any]) -> None:
    """bench/out/results.json: this run's sections and the machine they ran on."""
    try:
        textual = metadata.version("textual")
    except metadata.PackageNotFoundError:
        textual = None
    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "textual": textual,
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "sections": sections,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

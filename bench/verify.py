"""Section verify: `lobby-tui verify` on the 1,000,000-entry demo database.

Budget: ≤ 10 s. Timed as staff would run it, `lobby-tui verify --db FILE` in a
process of its own (interpreter start and imports included), on a copy of the cached million,
whose every record the demo builder linked. The run must also say OK: a chain that does not
verify is an error here, not a fast result.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from time import perf_counter

import million
from results import BenchError, Row, SectionResult, verdict

BUDGET_S = 10.0
RUNS = 2


def run(args: argparse.Namespace) -> SectionResult:
    with million.working_copy(args.rebuild_million) as db:
        times = []
        for _ in range(RUNS):
            start = perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "lobby_tui", "verify", "--db", str(db.path)],
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            times.append(perf_counter() - start)
            if done.returncode != 0:
                raise BenchError("lobby-tui verify did not say OK", done.stdout + done.stderr)
    records = re.search(r"(\d+) records: OK", done.stdout)
    best = min(times)
    rows = [
        Row(
            f"verify, {db.entries:,} entries ({records[1] if records else '?'} records)",
            f"{best:.2f} s",
            f"≤ {BUDGET_S:.0f} s",
            verdict(best <= BUDGET_S),
        )
    ]
    notes = [f"verify runs: {', '.join(f'{t:.2f} s' for t in times)} (best shown)"]
    if db.built_because:
        notes.append(f"the million was built first: {db.built_because}")
    return SectionResult(rows, {"verify_s": times}, notes)

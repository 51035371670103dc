"""The hash chain's cost on a save: Store.entries.add with and without the chain, p50 and p95.

Run as ``.venv/bin/python bench/chain_save_cost.py [ENTRIES]``: builds a demo of ENTRIES
entries (20,000 by default) in a temporary folder and a copy of it, then times saves
alternating between the one, whose store links them, and the copy, whose store leaves them
unlinked (``defer_chain``), so that both see the same machine load.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lobby_tui.data import chain
from lobby_tui.data.demo import build_demo
from lobby_tui.data.store import Store
from lobby_tui.domain.kinds import Kind

SAVES = 400
hook_ms: list[float] = []


def _timed(link):
    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return link(*args, **kwargs)
        finally:
            hook_ms.append((time.perf_counter() - start) * 1000)

    return timed


def main(entries: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.sqlite"
        build_demo(str(path), days=30, entries=entries)
        shutil.copy(path, Path(folder) / "copy.sqlite")
        stores = {True: Store.open(str(path)), False: Store.open(str(Path(folder) / "copy.sqlite"))}
        stores[False].db.defer_chain = True
        try:
            actors = {
                chained: store.staff.sign_in("1001", "111111") for chained, store in stores.items()
            }
            timings: dict[bool, list[float]] = {True: [], False: []}
            # The linking itself, timed where the commit hook calls it.
            chain.link_pending = _timed(chain.link_pending)
            for number in range(SAVES):
                chained = number % 2 == 0
                start = time.perf_counter()
                stores[chained].entries.add(
                    actors[chained], Kind.QUEUE, ticket="A023", business="deposit", text="存款"
                )
                timings[chained].append((time.perf_counter() - start) * 1000)
        finally:
            for store in stores.values():
                store.close()
    for chained, label in ((False, "without chain"), (True, "with chain")):
        values = sorted(timings[chained][5:])
        p95 = values[int(len(values) * 0.95)]
        print(f"{label:14} p50 {statistics.median(values):6.2f} ms  p95 {p95:6.2f} ms")
    extra = [a - b for a, b in zip(timings[True], timings[False], strict=True)][5:]
    print(f"chain's cost    p50 {statistics.median(extra):6.2f} ms (pairwise)")
    linked = sorted(hook_ms[5:])
    print(
        f"linking alone   p50 {statistics.median(linked):6.2f} ms  "
        f"p95 {linked[int(len(linked) * 0.95)]:6.2f} ms  ({len(linked)} saves)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)

"""`--one-core`: every section pinned to one CPU, as on a small branch PC.

The bench process is pinned before any section starts, so every thread it starts later and
every process it spawns (the apps raced by first_frame, the browsing process of browser, tmux
and what it runs) inherits the same single CPU: Linux hands a thread's CPU affinity on to the
threads and children it creates. A few budgets are looser there: the save's p95.
"""

from __future__ import annotations

import argparse
import os

from results import BenchError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--one-core",
        action="store_true",
        help="pin the bench and everything it starts to one CPU (as a small branch PC would be)",
    )


def pin(args: argparse.Namespace) -> str | None:
    """With --one-core, pin this process to one CPU; a note for the report saying which."""
    if not getattr(args, "one_core", False):
        return None
    if not hasattr(os, "sched_setaffinity"):
        raise BenchError("--one-core needs os.sched_setaffinity (Linux)")
    allowed = sorted(os.sched_getaffinity(0))
    # The last CPU: the first tends to take the machine's interrupts.
    cpu = allowed[-1]
    os.sched_setaffinity(0, {cpu})
    return f"one core: the bench and everything it started ran on CPU {cpu} only"


def on_one_core(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "one_core", False))

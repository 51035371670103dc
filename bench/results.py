"""What every bench section reports, and the statistics the sections share."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Row:
    """One line of the report table: what was measured, its value, its budget and the verdict."""

    measure: str
    value: str
    budget: str = ""
    # "PASS" or "FAIL" against the budget; empty for rows that only inform.
    verdict: str = ""


@dataclass
class SectionResult:
    """What a section measured: rows for the table, free-form detail for results.json."""

    rows: list[Row]
    data: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class BenchError(Exception):
    """A section could not measure at all (as opposed to measuring over budget).

    The message is one line for the reader; `detail` is optional diagnostic text printed under it.
    """

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


def verdict(within_budget: bool) -> str:
    """The table's word for a budget check."""
    return "PASS" if within_budget else "FAIL"


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100), interpolating between closest ranks.

    Interpolation (numpy's default) rather than nearest rank, so that the p90 of 15 runs is not
    simply the slowest run.
    """
    if not samples:
        raise ValueError("percentile of no samples")
    ordered = sorted(samples)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ms(seconds: float) -> str:
    """A duration for the table, in milliseconds."""
    return f"{seconds * 1000:.1f} ms"

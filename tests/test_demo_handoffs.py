"""The demo's hand-offs look like a lobby that follows them up: those older than an hour were
closed from F6, the last hour's are still the open items.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from lobby_tui.data.demo import build_demo
from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, EntryView
from lobby_tui.domain.clock import branch_zone

# The module's fixture is built once: under xdist (make test) its tests share one worker.
pytestmark = pytest.mark.xdist_group(__name__)

ZONE = branch_zone("Asia/Shanghai")
NOON = datetime(2026, 3, 20, 12, 0, tzinfo=ZONE)


@pytest.fixture(name="handoffs", scope="module")
def handoffs_fixture(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[EntryView], list]:
    """Every hand-off of a two-day demo built at noon, and the branch's open items."""
    path: Path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    build_demo(str(path), days=2, entries=600, now=NOON)
    store = Store.open(str(path))
    try:
        everything = [entry for entry, _ in store.log.between(Actor.console(), None, None)]
        return [e for e in everything if e.kind == "handoff"], store.handoffs.open_items(
            Actor.console()
        )
    finally:
        store.close()


def test_hand_offs_older_than_an_hour_are_closed(handoffs: tuple[list[EntryView], list]) -> None:
    entries, _ = handoffs
    old = [e for e in entries if e.occurred_at < NOON - timedelta(hours=1)]

    assert old
    assert Counter(e.status for e in old).keys() <= {"completed", "returned", "no_show"}
    assert Counter(e.status for e in old)["completed"] > len(old) / 2
    assert all(e.product_sold is None for e in old if e.status != "completed")
    assert any(e.product_sold for e in old if e.referral)


def test_the_last_hours_hand_offs_are_the_open_items(
    handoffs: tuple[list[EntryView], list],
) -> None:
    entries, items = handoffs
    recent = [e for e in entries if e.occurred_at >= NOON - timedelta(hours=1)]

    assert recent
    assert [item.entry.id for item in items] == [e.id for e in recent]
    assert {item.entry.status for item in items} <= {"pending", "accepted"}
    assert all(item.kind == "handoff" and not item.overdue for item in items)

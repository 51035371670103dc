"""The demo's complaint cases: every state a branch meets, one near its deadline, one overdue,
so that the desk and the open items show them."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from lobby_tui.data.demo import build_demo
from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor

NOW = datetime(2026, 3, 20, 10, 30, tzinfo=UTC)


def test_the_demo_has_complaints_in_every_state_with_one_near_its_deadline_and_one_overdue(
    tmp_path,
):
    path = tmp_path / "demo.sqlite"
    build_demo(str(path), days=3, entries=60, now=NOW)
    store = Store.open(str(path))
    try:
        console = Actor.console()
        cases = store.complaints.cases(console, now=NOW)
        still_open = store.complaints.open_cases(console, now=NOW)
        first = store.complaints.timeline(console, still_open[0].id)
    finally:
        store.close()

    assert Counter(c.status for c in cases) == {
        "in_progress": 3,
        "extended": 1,
        "closed": 1,
        "withdrawn": 1,
    }
    left = [case.deadline.days_left(NOW) for case in still_open]
    assert left == sorted(left)
    assert left[0] < 0  # overdue
    assert any(0 <= days <= 3 for days in left)  # near its deadline
    assert any(case.deadline.paused for case in still_open)
    assert all(step.at <= NOW for step in first.actions)
    assert [step.action for step in first.actions] == ["register", "start"]

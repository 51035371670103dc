"""The store tells the time by the clock it was opened with: a test that fixes "now" for the App
fixes it for what the database records too (docs/architecture.md, "The sign-in context")."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from lobby_tui.data.store import Store

# The *_fixture names are pytest fixtures: pytest finds them here.
from tests.store_fixtures import (  # noqa: F401
    CARD_COMPLAINT,
    LOBBY_NO,
    LOBBY_PIN,
    db_path_fixture,
    set_up_branch,
)

# Not today: a store that read the machine's clock anywhere would be found out.
FIXED = datetime(2031, 3, 4, 1, 30, tzinfo=UTC)


def test_entries_cases_and_deadlines_are_dated_by_the_stores_clock(db_path: Path) -> None:
    set_up_branch(db_path).close()
    store = Store.open(str(db_path), clock=lambda: FIXED)
    try:
        lobby = store.staff.sign_in(LOBBY_NO, LOBBY_PIN)
        note = store.entries.add_note(lobby, "Lights in the ATM room flicker")
        assert note.recorded_at == FIXED
        saved = store.complaints.register(lobby, **CARD_COMPLAINT)
        assert saved.case.received_at == FIXED
        assert saved.entry.recorded_at == FIXED
        # Its deadline runs from the store's now, not the machine's: none of it has passed.
        [case] = store.complaints.open_cases(lobby)
        assert case.id == saved.case.id and not case.deadline.overdue(FIXED)
        # A step is taken now by the store's clock (the machine's would be years before the
        # case was received, and refused).
        started = store.complaints.start(lobby, saved.case.id)
        assert started.entry.occurred_at == started.entry.recorded_at == FIXED
    finally:
        store.close()

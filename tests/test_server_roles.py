"""Least privilege on a PostgreSQL server: the terminals' role runs a whole duty day, and can
neither change, delete nor empty a record once written, nor change the schema."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, CheckAnswer
from lobby_tui.domain.clock import utcnow
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.roles import Role
from tests.cli_fixtures import Cli, cli_fixture  # noqa: F401 (fixture)
from tests.store_fixtures import (
    CARD_COMPLAINT,
    LOBBY_NO,
    LOBBY_PIN,
    REFUSED,
    REVIEWER_NO,
    REVIEWER_PIN,
    change,
    rows,
    set_up_branch,
)

APP_ROLE = "lobby_app"


@pytest.fixture(name="app_url")
def app_url_fixture(pg_cluster, cli: Cli) -> str:
    """A branch on the server, migrated by the owner; the URL the terminals use, as lobby_app."""
    owner_url = pg_cluster.new_database()
    store = set_up_branch(owner_url)
    store.staff.add(Actor.console(), REVIEWER_NO, "审核员", Role.REVIEWER, REVIEWER_PIN)
    store.close()
    existing = rows(owner_url, "SELECT count(*) FROM pg_roles WHERE rolname = ?", APP_ROLE)
    if existing == [(0,)]:
        change(owner_url, f"CREATE ROLE {APP_ROLE} LOGIN")
    granted = cli("--db", owner_url, "grant", APP_ROLE)
    assert granted.returncode == 0, granted.stderr
    assert "entry\tSELECT, INSERT\n" in granted.stdout
    return owner_url.replace(f"{pg_cluster.user}@", f"{APP_ROLE}@")


def test_the_terminals_role_runs_a_whole_duty_day(app_url: str) -> None:
    store = Store.open(app_url)
    try:
        lobby = store.staff.sign_in(LOBBY_NO, LOBBY_PIN)
        store.drafts.save(lobby, "note", {"text": "写到一半"})
        note = store.entries.add_note(lobby, "开门营业")
        store.drafts.clear(lobby, "note")
        store.entries.revise(lobby, note.id, {"text": "八点半开门营业"}, "时间写错")
        handoff = store.entries.add(lobby, Kind.HANDOFF, ticket="V001", target="vip_room")
        store.handoffs.update(lobby, handoff.id, "accepted")
        case = store.complaints.register(lobby, **CARD_COMPLAINT)
        store.complaints.start(lobby, case.case.id)
        store.checklists.record(lobby, "opening", [CheckAnswer("paper", "叫号纸", True)])
        store.shifts.hand_over(lobby, "明早补充叫号纸")
        reviewer = store.staff.sign_in(REVIEWER_NO, REVIEWER_PIN)
        store.summary.sign_off(reviewer, (utcnow() - timedelta(days=1)).date(), "已审阅")
        store.staff.sign_out(reviewer)
    finally:
        store.close()
    assert rows(app_url, "SELECT count(*) FROM entry") == [(4,)]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE entry SET text = 'rewritten'",
        "DELETE FROM entry",
        "TRUNCATE entry CASCADE",
        "TRUNCATE audit_event",
        "DROP TABLE review CASCADE",
        "ALTER TABLE entry DISABLE TRIGGER ALL",
        "UPDATE alembic_version SET version_num = '0001'",
    ],
)
def test_the_terminals_role_cannot_change_erase_or_reshape_the_log(
    app_url: str, statement: str
) -> None:
    store = Store.open(app_url)
    store.entries.add_note(store.staff.sign_in(LOBBY_NO, LOBBY_PIN), "留痕")
    store.close()
    before = rows(app_url, "SELECT id, text FROM entry ORDER BY id")

    with pytest.raises(REFUSED, match=r"permission denied|must be owner"):
        change(app_url, statement)

    assert rows(app_url, "SELECT id, text FROM entry ORDER BY id") == before


def test_not_even_the_owner_can_empty_an_append_only_table(pg_cluster) -> None:
    owner_url = pg_cluster.new_database()
    store = set_up_branch(owner_url)
    store.entries.add_note(store.staff.sign_in(LOBBY_NO, LOBBY_PIN), "留痕")
    store.close()

    for table in ("entry", "audit_event", "revision", "chain_link"):
        with pytest.raises(REFUSED, match="append-only"):
            change(owner_url, f"TRUNCATE {table} CASCADE")

    assert rows(owner_url, "SELECT text FROM entry") == [("留痕",)]

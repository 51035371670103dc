"""The check of the chain a reviewer is shown walks the branches they read (issue 12): a record of
another branch changed behind the app's back is not theirs to be told about, while its own
reviewer, a head-office reviewer granted it and ``lobby-tui verify`` (the whole database) name
it. What is no branch's (records of no branch, the triggers) concerns everyone. On both engines.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from lobby_tui.data.chain_verify import CHANGED, SEAL_BROKEN, UNLINKED, verify
from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor
from tests.cli_fixtures import Cli, cli_fixture  # noqa: F401
from tests.store_fixtures import (
    change,
    db_path_fixture,  # noqa: F401
    is_postgresql,
    rows,
    store_fixture,  # noqa: F401
)
from tests.test_branches import two_branches  # noqa: F401


def behind_the_app(db: Path | str, table: str, sql: str) -> None:
    """Run ``sql`` on ``table`` with its guard off for the moment, as the file's or the server's
    owner could, and the guard back on after: no trigger is left missing to give it away."""
    if is_postgresql(db):
        statements = [
            f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only",
            sql,
            f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only",
        ]
    else:
        name = f"{table}_no_update"
        [(create,)] = rows(db, "SELECT sql FROM sqlite_master WHERE name = ?", name)
        statements = [f"DROP TRIGGER {name}", sql, create]
    for statement in statements:
        change(db, statement)


def found(store: Store, actor: Actor, *, quick: bool = True) -> set[tuple[str, int | None, str]]:
    """What the quick check at ``actor``'s sign-in finds (or the full walk for them)."""
    report = store.integrity.verify(actor, since_last_seal=quick)
    return {(p.table, p.record_id, p.kind) for p in report.problems}


def everything(store: Store) -> set[tuple[str, int | None, str]]:
    with store.db.read_rows() as connection:
        return {(p.table, p.record_id, p.kind) for p in verify(connection).problems}


def cli_verify(cli: Cli, db: Path | str):
    return cli(f"verify --db {db}") if is_postgresql(db) else cli("verify --db", db)


def test_a_change_in_another_branch_is_named_to_its_readers_only(
    store: Store, db_path: Path | str, two: dict[str, Actor], cli: Cli
) -> None:
    theirs = two["theirs"].branch_id
    [(entry_id,)] = rows(db_path, "SELECT max(id) FROM entry WHERE branch_id = ?", theirs)
    for who in two:
        if who.endswith("reviewer") or who == "head":
            assert store.integrity.verify(two[who]).ok
    behind_the_app(db_path, "entry", f"UPDATE entry SET text = 'x' WHERE id = {entry_id}")

    for quick in (True, False):
        assert found(store, two["my_reviewer"], quick=quick) == set()
        assert ("entry", entry_id, CHANGED) in found(store, two["their_reviewer"], quick=quick)
        assert ("entry", entry_id, CHANGED) in found(store, two["head"], quick=quick)  # granted
    assert ("entry", entry_id, CHANGED) in everything(store)
    run = cli_verify(cli, db_path)
    assert run.returncode == 1
    assert f"entry #{entry_id}" in run.stdout


def test_another_branch_s_seals_and_unlinked_records_are_its_own(
    store: Store, db_path: Path | str, two: dict[str, Actor]
) -> None:
    their_reviewer = two["their_reviewer"]
    theirs = their_reviewer.branch_id
    store.summary.sign_off(their_reviewer, date.today(), "已阅")
    [(review_id,)] = rows(db_path, "SELECT id FROM review WHERE branch_id = ?", theirs)
    behind_the_app(db_path, "review", f"UPDATE review SET sealed_seq = 1 WHERE id = {review_id}")
    insert = (
        "INSERT INTO audit_event (at, action, actor, branch_id, detail) "
        "VALUES ('2026-01-01 00:00:00.000000', 'x', 'x', {}, '{{}}')"
    )
    change(db_path, insert.format(theirs))
    [(their_event,)] = rows(db_path, "SELECT max(id) FROM audit_event")

    for quick in (True, False):
        assert found(store, two["my_reviewer"], quick=quick) == set()
        for who in ("their_reviewer", "head"):
            assert {
                ("review", review_id, SEAL_BROKEN),
                ("audit_event", their_event, UNLINKED),
            } <= found(store, two[who], quick=quick)

    change(db_path, insert.format("NULL"))  # of no branch: everyone's concern
    [(no_branch_event,)] = rows(db_path, "SELECT max(id) FROM audit_event")
    for quick in (True, False):
        unlinked = {("audit_event", no_branch_event, UNLINKED)}
        assert found(store, two["my_reviewer"], quick=quick) == unlinked

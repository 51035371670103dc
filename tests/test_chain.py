"""The hash chain: a day written through the store verifies; a file changed behind the app's back
is caught, by ``verify`` and by ``lobby-tui verify``, with the table and record it touched.

Every tampering is done for real, with ``sqlite3`` on the closed database file, as someone
who can write the file would do it.
"""

from __future__ import annotations

import csv
import io
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from lobby_tui.data import chain, chain_specs, chain_verify
from lobby_tui.data.chain_export import read_mark
from lobby_tui.data.chain_verify import (
    BACK_DATED,
    CHANGED,
    DELETED,
    OUT_OF_SEQUENCE,
    SEAL_BROKEN,
    TRIGGER_MISSING,
    UNLINKED,
    Problem,
    Report,
    verify,
)
from lobby_tui.data.demo import build_demo
from lobby_tui.data.store import Store
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.roles import Role
from tests.cli_fixtures import Cli, cli_fixture  # noqa: F401
from tests.store_fixtures import (
    ADMIN_NO,
    ADMIN_PIN,
    CARD_COMPLAINT,
    LOBBY_NO,
    LOBBY_PIN,
    REVIEWER_NO,
    REVIEWER_PIN,
    add_staff,
    change,
    raw,
    rows,
    set_up_branch,
)
from tests.test_checklists import opening_walk

FIXTURES = Path(__file__).parent / "fixtures"


def check(path: Path, *, since_last_seal: bool = False) -> Report:
    store = Store.open(str(path))
    try:
        with store.db.read_rows() as connection:
            return verify(connection, since_last_seal=since_last_seal)
    finally:
        store.close()


def problems(path: Path) -> set[tuple[str, int | None, str]]:
    return {(p.table, p.record_id, p.kind) for p in check(path).problems}


@pytest.fixture(name="day")
def day_fixture(tmp_path: Path) -> Path:
    """A branch day written through the store, every kind of record in it, signed off."""
    return write_a_day(tmp_path / "lobby.sqlite")


def write_a_day(path: Path | str) -> Path | str:
    store = set_up_branch(path)
    try:
        add_staff(store, REVIEWER_NO, REVIEWER_PIN, Role.REVIEWER)
        lobby = store.staff.sign_in(LOBBY_NO, LOBBY_PIN)
        store.checklists.record(lobby, "opening", opening_walk("左侧屏幕不亮"))
        for ticket in ("A001", "A002", "A003"):
            store.entries.add(lobby, Kind.QUEUE, ticket=ticket, business="deposit", text="存款")
        handoff = store.entries.add(lobby, Kind.HANDOFF, ticket="A023", target="manager:wm")
        store.handoffs.update(lobby, handoff.id, "accepted")
        store.entries.revise(lobby, handoff.id, {"ticket": "A024"}, "票号看错")
        store.complaints.register(lobby, **CARD_COMPLAINT)
        store.shifts.hand_over(lobby, "ATM吞卡一张，卡在保险柜")
        store.shifts.acknowledge(store.staff.sign_in(ADMIN_NO, ADMIN_PIN), lobby.shift_id)
        reviewer = store.staff.sign_in(REVIEWER_NO, REVIEWER_PIN)
        store.summary.sign_off(reviewer, datetime.now(UTC).date(), "已阅")
    finally:
        store.close()
    return path


def tamper(path: Path, *statements: str) -> None:
    with raw(path) as connection:
        for statement in statements:
            connection.execute(statement)
        connection.commit()


def first_id(path: Path, sql: str) -> int:
    return rows(path, sql)[0][0]


def test_a_day_written_through_the_store_verifies_with_every_kind_of_record_linked(
    day: Path,
) -> None:
    report = check(day)

    assert report.ok, report.problems
    linked = {name for (name,) in rows(day, "SELECT DISTINCT record_table FROM chain_link")}
    assert linked == {chain_specs.START, *(spec.name for spec in chain_specs.SPECS)}
    seq, head = report.heads[1]
    assert rows(day, "SELECT count(*) FROM chain_link WHERE branch_id = 1") == [(seq,)]
    assert report.records == len(rows(day, "SELECT 1 FROM chain_link")) - len(report.heads)
    assert len(head) == 64


def test_a_dropped_trigger_and_a_changed_text_are_both_reported(day: Path) -> None:
    entry_id = first_id(day, "SELECT id FROM entry WHERE ticket = 'A002'")

    tamper(
        day,
        "DROP TRIGGER entry_no_update",
        f"UPDATE entry SET text = '取款' WHERE id = {entry_id}",
    )

    assert problems(day) == {
        ("entry_no_update", None, TRIGGER_MISSING),
        ("entry", entry_id, CHANGED),
    }


def test_a_deleted_entry_and_its_deleted_audit_rows_are_reported(day: Path) -> None:
    entry_id = first_id(day, "SELECT id FROM entry WHERE ticket = 'A001'")
    audit_id = first_id(day, "SELECT max(id) FROM audit_event")

    tamper(
        day,
        "DROP TRIGGER entry_no_delete",
        "DROP TRIGGER audit_event_no_delete",
        f"DELETE FROM entry_current WHERE entry_id = {entry_id}",
        f"DELETE FROM entry WHERE id = {entry_id}",
        f"DELETE FROM audit_event WHERE id = {audit_id}",
    )

    found = problems(day)
    assert ("entry", entry_id, DELETED) in found
    assert ("audit_event", audit_id, DELETED) in found


def test_a_row_inserted_without_a_link_is_reported(day: Path) -> None:
    tamper(
        day,
        "INSERT INTO entry (branch_id, staff_id, kind, occurred_at, recorded_at, text) "
        "VALUES (1, 2, 'note', '2026-01-05 02:00:00.000000', '2026-01-05 02:00:05.000000', "
        "'补记')",
    )
    entry_id = first_id(day, "SELECT max(id) FROM entry")

    assert problems(day) == {("entry", entry_id, UNLINKED)}


def test_a_back_dated_row_with_a_well_made_link_is_reported_as_back_dated(day: Path) -> None:
    # Someone who read docs/integrity.md appends a correct link: only the time gives it away.
    tamper(
        day,
        "INSERT INTO entry (branch_id, staff_id, kind, occurred_at, recorded_at, text) "
        "VALUES (1, 2, 'note', '2026-01-05 02:00:00.000000', '2026-01-05 02:00:05.000000', "
        "'补记')",
    )
    store = Store.open(str(day))
    try:
        with store.db.write() as session:  # the app's own linking, as a forger would copy it
            chain.link_pending(session.connection())
    finally:
        store.close()
    entry_id = first_id(day, "SELECT max(id) FROM entry")

    assert problems(day) == {("entry", entry_id, BACK_DATED)}


def test_two_entries_with_their_contents_swapped_are_both_reported(day: Path) -> None:
    (first,), (second,) = rows(day, "SELECT id FROM entry WHERE kind = 'queue' ORDER BY id LIMIT 2")
    tamper(
        day,
        "DROP TRIGGER entry_no_update",
        "UPDATE entry SET ticket = CASE ticket WHEN 'A001' THEN 'A002' ELSE 'A001' END "
        f"WHERE id IN ({first}, {second})",
    )

    found = problems(day) - {("entry_no_update", None, TRIGGER_MISSING)}
    assert found == {("entry", first, CHANGED), ("entry", second, CHANGED)}


def test_a_changed_sign_off_is_reported(day: Path) -> None:
    review_id = first_id(day, "SELECT id FROM review")

    tamper(
        day,
        "DROP TRIGGER review_no_update",
        f"UPDATE review SET comment = '未发现问题' WHERE id = {review_id}",
    )

    assert ("review", review_id, CHANGED) in problems(day)


def test_a_seal_that_names_another_head_is_reported(day: Path) -> None:
    review_id = first_id(day, "SELECT id FROM review")

    tamper(
        day,
        "DROP TRIGGER review_no_update",
        f"UPDATE review SET sealed_hash = '{'0' * 64}' WHERE id = {review_id}",
    )

    found = problems(day)
    assert ("review", review_id, SEAL_BROKEN) in found
    assert ("review", review_id, CHANGED) in found


def test_a_sign_off_seals_the_head_of_the_chain_before_it(day: Path) -> None:
    ((sealed_seq, sealed_hash, own_seq),) = rows(
        day,
        "SELECT r.sealed_seq, r.sealed_hash, l.seq FROM review r JOIN chain_link l "
        "ON l.record_table = 'review' AND l.record_id = r.id",
    )

    assert sealed_seq == own_seq - 1
    sealed = f"SELECT hash FROM chain_link WHERE branch_id = 1 AND seq = {sealed_seq}"
    assert rows(day, sealed) == [(sealed_hash,)]


def test_a_changed_handover_note_and_acknowledgement_are_reported(day: Path) -> None:
    shift_id = first_id(day, "SELECT id FROM shift WHERE handover_note IS NOT NULL")

    tamper(
        day,
        "DROP TRIGGER shift_handover_kept",
        f"UPDATE shift SET handover_note = '一切正常', acknowledged_at = "
        f"'2026-01-01 00:00:00.000000' WHERE id = {shift_id}",
    )

    assert problems(day) == {
        ("shift_handover_kept", None, TRIGGER_MISSING),
        ("shift", shift_id, CHANGED),
    }
    # Two links: the sign-out with its note, and the acknowledgement.
    assert len([p for p in check(day).problems if p.table == "shift"]) == 2


def test_a_deleted_link_leaves_the_next_one_out_of_sequence(day: Path) -> None:
    seq, record_table, record_id = rows(
        day,
        "SELECT seq, record_table, record_id FROM chain_link "
        "WHERE record_table = 'entry' ORDER BY seq LIMIT 1",
    )[0]
    link = "FROM chain_link WHERE branch_id = 1 AND seq = "
    after = rows(day, f"SELECT record_table, record_id {link}{seq + 1}")[0]

    tamper(day, "DROP TRIGGER chain_link_no_delete", f"DELETE {link}{seq}")

    found = problems(day) - {("chain_link_no_delete", None, TRIGGER_MISSING)}
    assert found == {
        (record_table, record_id, UNLINKED),
        (chain_specs.SPEC_BY_NAME[after[0]].table, after[1], OUT_OF_SEQUENCE),
    }


def test_the_quick_check_since_the_last_seal_sees_a_change_after_it(day: Path) -> None:
    store = Store.open(str(day))
    try:
        lobby = store.staff.sign_in(LOBBY_NO, LOBBY_PIN)
        late = store.entries.add(lobby, Kind.NOTE, text="闭店后补记")
    finally:
        store.close()
    assert check(day, since_last_seal=True).ok
    tamper(day, "DROP TRIGGER entry_no_update", f"UPDATE entry SET text = 'x' WHERE id = {late.id}")

    report = check(day, since_last_seal=True)

    assert Problem("entry", late.id, CHANGED, report.problems[-1].seq) in report.problems
    assert report.records < check(day).records


def test_a_new_database_and_the_release_0_1_0_log_verify(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.sqlite"
    Store.open(str(fresh)).close()
    old = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "release-0.1.0.sqlite", old)

    assert check(fresh).ok
    report = check(old)

    assert report.ok, report.problems
    entries = rows(old, "SELECT count(*) FROM entry")[0][0]
    assert entries == 12
    assert rows(old, "SELECT count(*) FROM chain_link WHERE record_table = 'entry'") == [(12,)]
    assert rows(old, "SELECT record_table FROM chain_link WHERE branch_id = 1 AND seq = 1") == [
        (chain_specs.START,)
    ]


def test_a_demo_database_verifies(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    build_demo(str(path), days=3, now=datetime(2026, 11, 27, 8, 0, tzinfo=UTC))

    report = check(path)

    assert report.ok, report.problems[:5]
    assert report.records > 120


def test_records_are_canonical_the_same_way_in_sql_and_in_python(tmp_path: Path) -> None:
    path = tmp_path / "lobby.sqlite"
    store = set_up_branch(path)
    awkward = 'tab\there "quoted" back\\slash\n新行 \x01\x1f\x7f emoji 😀 \u2028'
    try:
        lobby = store.staff.sign_in(LOBBY_NO, LOBBY_PIN)
        store.entries.add(lobby, Kind.ENQUIRY, text=awkward, resolved=False, topic="fees")
        store.entries.add(lobby, Kind.HANDOFF, ticket="A023", target="manager:wm", referral=True)
        with store.db.read_rows() as connection:
            for spec in chain_specs.SPECS:
                sql = connection.execute(text(spec.select("sqlite"))).all()
                python = connection.execute(text(spec.select("other"))).all()
                assert [row[3] for row in sql] == [spec.line(row[3:]) for row in python]
    finally:
        store.close()


def test_a_changed_record_makes_lobby_tui_verify_fail_and_name_it(cli: Cli, day: Path) -> None:
    entry_id = first_id(day, "SELECT id FROM entry WHERE ticket = 'A003'")
    ok = cli("verify --db", day)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.splitlines()[-1].endswith("records: OK")

    tamper(
        day,
        "DROP TRIGGER entry_no_update",
        f"UPDATE entry SET text = '取款' WHERE id = {entry_id}",
    )
    run = cli("verify --db", day)

    assert run.returncode == 1
    assert f"entry #{entry_id}" in run.stdout
    assert "changed" in run.stdout
    assert "trigger entry_no_update: missing" in run.stdout


def test_migrate_reports_a_dropped_trigger_and_does_not_restore_it(cli: Cli, day: Path) -> None:
    tamper(day, "DROP TRIGGER audit_event_no_update")

    run = cli("migrate --db", day)

    assert run.returncode == 1
    assert "audit_event_no_update" in run.stderr
    assert rows(day, "SELECT name FROM sqlite_master WHERE name = 'audit_event_no_update'") == []


def test_back_dating_allows_the_clocks_of_two_terminals_to_differ_a_little(day: Path) -> None:
    # A second terminal five minutes slow writes after the first: not back-dated.
    store = Store.open(str(day))
    try:
        lobby = store.staff.sign_in(LOBBY_NO, LOBBY_PIN)
        entry = store.entries.add(lobby, Kind.NOTE, text="第二台终端")
    finally:
        store.close()
    slow = datetime.now(UTC) - timedelta(minutes=4)
    stamp = slow.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    tamper(day, "DROP TRIGGER entry_no_update", "DROP TRIGGER chain_link_no_update")
    tamper(
        day,
        f"UPDATE entry SET recorded_at = '{stamp}' WHERE id = {entry.id}",
    )
    store = Store.open(str(day))
    try:
        with store.db.read_rows() as connection:
            row = connection.execute(
                text(chain_specs.SPEC_BY_NAME["entry"].select("sqlite", f"t.id = {entry.id}"))
            ).one()
            prev = connection.execute(
                text(
                    "SELECT p.hash FROM chain_link p JOIN chain_link l ON p.seq = l.seq - 1 "
                    f"WHERE l.record_table = 'entry' AND l.record_id = {entry.id}"
                )
            ).scalar()
    finally:
        store.close()
    tamper(
        day,
        f"UPDATE chain_link SET at = '{row[0]}', hash = '{chain_specs.link_hash(prev, row[3])}' "
        f"WHERE record_table = 'entry' AND record_id = {entry.id}",
    )

    found = problems(day) - {
        ("entry_no_update", None, TRIGGER_MISSING),
        ("chain_link_no_update", None, TRIGGER_MISSING),
    }
    # The audit event written after it in the same transaction is still linked to the old hash.
    assert ("entry", entry.id, BACK_DATED) not in found
    assert all(kind != BACK_DATED for _, _, kind in found)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_an_export_names_the_head_it_was_made_from_and_verify_finds_it(
    cli: Cli, day: Path, fmt: str
) -> None:
    out = day.parent / f"log.{fmt}"
    assert cli(f"export --format {fmt} --out", out, "--db", day).returncode == 0

    mark = read_mark(out)
    assert mark is not None
    assert rows(day, f"SELECT hash FROM chain_link WHERE branch_id = 1 AND seq = {mark.seq}") == [
        (mark.head,)
    ]
    assert cli("verify --export", out, "--db", day).returncode == 0


def test_an_export_whose_head_is_not_in_the_chain_is_refused(cli: Cli, day: Path) -> None:
    out = day.parent / "log.csv"
    assert cli("export --format csv --out", out, "--db", day).returncode == 0
    text = out.read_text(encoding="utf-8-sig")
    mark = read_mark(out)
    out.write_text(text.replace(mark.head, "f" * 64), encoding="utf-8-sig")

    run = cli("verify --export", out, "--db", day)

    assert run.returncode == 1
    assert "its head is not in this database's chain" in run.stdout


def test_a_csv_export_ends_with_a_row_that_csv_readers_read_as_a_row(cli: Cli, day: Path) -> None:
    run = cli("export --format csv --db", day)

    *entries, last = list(csv.reader(io.StringIO(run.stdout.lstrip("\ufeff"))))
    assert last[0].startswith("# integrity branch=1 seq=")
    assert len(last) == len(entries[0])


def test_the_quick_check_of_an_unsealed_log_reads_only_its_last_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lobby.sqlite"
    store = set_up_branch(path)
    try:
        lobby = store.staff.sign_in(LOBBY_NO, LOBBY_PIN)
        written = [store.entries.add(lobby, Kind.NOTE, text=f"第{n}条") for n in range(10)]
    finally:
        store.close()
    monkeypatch.setattr(chain_verify, "QUICK_LINKS", 4)
    newest, oldest = written[-1].id, written[0].id
    tamper(
        path,
        "DROP TRIGGER entry_no_update",
        f"UPDATE entry SET text = 'x' WHERE id IN ({newest}, {oldest})",
    )

    quick = {(p.table, p.record_id, p.kind) for p in check(path, since_last_seal=True).problems}

    assert ("entry", newest, CHANGED) in quick
    assert ("entry", oldest, CHANGED) not in quick  # left to lobby-tui verify
    assert ("entry", oldest, CHANGED) in problems(path)


def test_the_chain_works_the_same_on_a_postgresql_server(pg_cluster) -> None:
    """Written, linked and checked on a server as on a file; tampering by its owner (who may
    switch the row triggers off) is found, and so is a dropped trigger."""
    url = write_a_day(pg_cluster.new_database())
    assert check(url).ok, check(url).problems
    entry_id = first_id(url, "SELECT id FROM entry WHERE ticket = 'A002'")

    for statement in (
        "ALTER TABLE entry DISABLE TRIGGER entry_append_only",
        f"UPDATE entry SET text = '取款' WHERE id = {entry_id}",
        "DROP TRIGGER entry_append_only ON entry",
    ):
        change(url, statement)

    found = problems(url)
    assert ("entry", entry_id, CHANGED) in found
    assert any(kind == TRIGGER_MISSING for _table, _id, kind in found)

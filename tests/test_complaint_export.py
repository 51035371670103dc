"""``lobby-tui export --complaints``: one row per case with its codes, deadlines and counts,
contacts masked, through the same audit as the entry export."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lobby_tui.data.export import COMPLAINT_FIELDS, complaint_rows
from lobby_tui.data.store import Store
from lobby_tui.data.views import PermissionDenied
from tests.cli_fixtures import Cli, branch_db_fixture, cli_fixture  # noqa: F401 (fixtures)
from tests.store_fixtures import CARD_COMPLAINT, LOBBY_NO, LOBBY_PIN, audit_actions

CARD = {
    **CARD_COMPLAINT,
    "facts": "ATM吞卡，客户留电话13812345678，要求当天取回",
    "request": "当天取回卡",
    "ticket": "A023",
}


def a_swallowed_card_worked_to_the_end(path: Path) -> tuple[str, str]:
    """One case closed after an extension and a pause, one still open; their numbers."""
    store = Store.open(str(path))
    try:
        lobby = store.staff.sign_in(LOBBY_NO, LOBBY_PIN)
        received = datetime.now(UTC) - timedelta(days=2)
        case = store.complaints.register(lobby, received_at=received, **CARD).case
        store.complaints.start(lobby, case.id)
        store.complaints.extend(lobby, case.id, "需调取ATM监控")
        store.complaints.pause(lobby, case.id, "ATM厂商鉴定")
        store.complaints.resume(lobby, case.id)
        store.complaints.decide(lobby, case.id, "已取回卡，致歉", "phone", datetime.now(UTC))
        store.complaints.follow_up(lobby, case.id, "basically", "回访：基本满意")
        store.complaints.close(lobby, case.id)
        still_open = store.complaints.register(lobby, **{**CARD, "severity": "red"}).case
        return case.number, still_open.number
    finally:
        store.close()


def test_the_complaint_export_has_each_case_with_its_deadlines_and_masked_contacts(
    cli: Cli, branch_db: Path
) -> None:
    closed, still_open = a_swallowed_card_worked_to_the_end(branch_db)

    run = cli("export --complaints --format jsonl --db", branch_db)

    assert (run.returncode, run.stderr) == (0, ""), run.stderr
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    rows = [row for row in rows if "integrity" not in row]  # the chain head, last
    assert [row["number"] for row in rows] == [closed, still_open]
    first = rows[0]
    assert list(first) == list(COMPLAINT_FIELDS)
    received = datetime.fromisoformat(first["received_at"])
    assert first["due"] == (received.date() + timedelta(days=30)).isoformat()
    assert (first["days_allowed"], first["extensions"], first["pauses"]) == (30, 1, 1)
    assert (first["status"], first["satisfaction"], first["told_by"]) == (
        "closed",
        "basically",
        "phone",
    )
    assert (first["channel"], first["business"], first["cause"]) == (
        "on_site",
        "bank_cards",
        "facilities",
    )
    assert first["decided_at"] and first["closed_at"] and first["actions"] == 8
    assert first["complainant_contact"] == "138****5678"
    assert first["complainant_name"] == "王**"
    assert "13812345678" not in run.stdout
    assert (rows[1]["status"], rows[1]["severity"], rows[1]["closed_at"]) == (
        "received",
        "red",
        None,
    )


def test_the_csv_export_has_the_same_cases_and_columns(cli: Cli, branch_db: Path, tmp_path) -> None:
    a_swallowed_card_worked_to_the_end(branch_db)
    out = tmp_path / "投诉.csv"

    run = cli("export --complaints --format csv --out", out, "--db", branch_db)

    assert run.returncode == 0
    assert run.stderr.strip() == f"2 complaint cases written to {out}."
    text = out.read_text(encoding="utf-8-sig")
    table = [
        row
        for row in csv.DictReader(io.StringIO(text))
        if not row["number"].startswith("# integrity")  # the chain head, last
    ]
    assert list(table[0]) == list(COMPLAINT_FIELDS)
    assert [row["status"] for row in table] == ["closed", "received"]
    assert table[0]["paused"] == "false"


def test_a_complaint_export_is_audited_and_refused_to_the_lobby_manager(
    cli: Cli, branch_db: Path
) -> None:
    a_swallowed_card_worked_to_the_end(branch_db)

    cli("export --complaints --db", branch_db)

    [(actor, _, detail)] = audit_actions(branch_db, "export")
    assert actor.startswith("console:") and json.loads(detail)["what"] == "complaints"
    store = Store.open(str(branch_db))
    try:
        lobby = store.staff.sign_in(LOBBY_NO, LOBBY_PIN)
        with pytest.raises(PermissionDenied):
            complaint_rows(store, lobby)
    finally:
        store.close()

"""The xlsx export, read back with openpyxl as a spreadsheet program would open it.

Two days at the branch: a late-evening note on the 27th, then on the 28th an old customer's
deposit (revised), a note typed twice and voided, a note that starts like a spreadsheet formula
and one full of control characters. The real ``lobby-tui export --format xlsx`` writes them.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from lobby_tui.data.export import export_rows, write_to_path
from lobby_tui.data.views import Actor
from lobby_tui.domain.kinds import Kind
from tests.cli_fixtures import Cli
from tests.store_fixtures import LOBBY_NO, LOBBY_PIN, audit_actions, set_up_branch, set_up_store

# The module's fixture is built once: under xdist (make test) its tests share one worker.
pytestmark = pytest.mark.xdist_group(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")
FORMULA = '=HYPERLINK("http://x","点我")'
CONTROLS = "红字\x1b[31m\x07完\t制表\n第二行"


@dataclass(frozen=True)
class Exported:
    path: Path
    workbook_path: Path
    workbook: Workbook
    csv_header: list[str]
    ids: dict[str, int]
    cli: Cli


@pytest.fixture(name="exported", scope="module")
def exported_fixture(tmp_path_factory: pytest.TempPathFactory) -> Exported:
    folder = tmp_path_factory.mktemp("workbook")
    path = folder / "branch.sqlite"
    store = set_up_branch(path)
    lobby = store.staff.sign_in(LOBBY_NO, LOBBY_PIN)

    def add(when: str, kind: Kind = Kind.NOTE, **values) -> int:
        moment = datetime.fromisoformat(when).replace(tzinfo=SHANGHAI)
        return store.entries.add(lobby, kind, occurred_at=moment, **values).id

    ids = {
        "evening": add("2026-11-27 21:15", text="晚间盘点"),
        "deposit": add(
            "2026-11-28 10:05",
            Kind.QUEUE,
            business="deposit",
            priority="elderly",
            text="老人存一年定期，女儿电话 13900001111",
        ),
        "twice": add("2026-11-28 10:06", text="重复"),
        "formula": add("2026-11-28 11:00", text=FORMULA),
        "controls": add("2026-11-28 23:59", text=CONTROLS),
    }
    store.entries.revise(lobby, ids["deposit"], {"priority": "none"}, "不是老人")
    store.entries.void(lobby, ids["twice"], "重复登记")
    store.close()

    cli = Cli(folder)
    workbook_path = folder / "值班日志.xlsx"
    run = cli("export --format xlsx --out", workbook_path, "--db", path)
    assert run.returncode == 0, run.stderr
    assert run.stderr == f"5 entries written to {workbook_path}.\n"
    csv_run = cli("export --format csv --db", path)
    header = next(csv.reader(io.StringIO(csv_run.stdout.lstrip("\ufeff"))))
    return Exported(path, workbook_path, load_workbook(workbook_path), header, ids, cli)


def entries_of(exported: Exported) -> dict[int, dict]:
    sheet = exported.workbook["entries"]
    header, *rows = sheet.iter_rows(values_only=True)
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


def test_the_workbook_has_an_entries_a_summary_and_an_integrity_sheet(
    exported: Exported,
) -> None:
    assert exported.workbook.sheetnames == ["entries", "summary", "integrity"]


def test_the_entries_sheet_has_the_columns_of_the_csv(exported: Exported) -> None:
    header = next(exported.workbook["entries"].iter_rows(values_only=True))

    assert list(header) == exported.csv_header


def test_times_are_real_date_times_in_branch_time(exported: Exported) -> None:
    sheet = exported.workbook["entries"]
    cell = sheet.cell(row=2, column=2)
    deposit = entries_of(exported)[exported.ids["deposit"]]

    # 21:15 in Shanghai on the 27th, not 13:15 UTC; no zone, as a spreadsheet wants it.
    assert cell.value == datetime(2026, 11, 27, 21, 15)
    assert cell.is_date and cell.number_format == "yyyy-mm-dd hh:mm:ss"
    assert isinstance(deposit["recorded_at"], datetime) and deposit["recorded_at"].tzinfo is None


def test_values_keep_their_types_and_chinese_text_intact(exported: Exported) -> None:
    deposit = entries_of(exported)[exported.ids["deposit"]]
    twice = entries_of(exported)[exported.ids["twice"]]

    assert deposit["text"] == "老人存一年定期，女儿电话 139****1111"
    assert (deposit["business"], deposit["priority"], deposit["revision"]) == ("deposit", "none", 2)
    assert (deposit["voided"], twice["voided"]) == (False, True)
    assert deposit["complaint_no"] is None


def test_typed_text_is_never_a_formula_nor_a_broken_file(exported: Exported) -> None:
    sheet = exported.workbook["entries"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    text_column = exported.csv_header.index("text")
    formula = rows[exported.ids["formula"]][text_column]

    assert (formula.value, formula.data_type) == (FORMULA, "s")
    shown = rows[exported.ids["controls"]][text_column].value
    assert shown == "红字␛[31m␇完\t制表\n第二行"


def test_the_summary_sheet_counts_each_day_per_kind(exported: Exported) -> None:
    sheet = exported.workbook["summary"]
    header, *rows = sheet.iter_rows(values_only=True)

    assert header == ("day", *[str(kind) for kind in Kind], "total", "voided")
    counted = [dict(zip(header, row, strict=True)) for row in rows]
    assert [
        (row["day"], row["queue"], row["note"], row["total"], row["voided"]) for row in counted
    ] == [
        (datetime(2026, 11, 27), 0, 1, 1, 0),
        (datetime(2026, 11, 28), 1, 2, 3, 1),
    ]
    assert sheet.cell(row=2, column=1).number_format == "yyyy-mm-dd"


def test_the_xlsx_export_is_in_the_audit_trail(exported: Exported) -> None:
    events = [
        (actor, json.loads(detail)) for actor, _, detail in audit_actions(exported.path, "export")
    ]

    # The workbook's, then the csv's.
    assert len(events) == 2
    assert all(actor.startswith("console:") for actor, _ in events)


def test_a_workbook_is_refused_on_the_terminal_before_anything_is_read(tmp_path: Path) -> None:
    path = tmp_path / "branch.sqlite"
    set_up_store(path).close()
    cli = Cli(tmp_path)

    line = cli("export --format xlsx --db", path).error_line()

    assert line == "lobby-tui: an xlsx workbook is not for a terminal: name its file with --out"
    assert audit_actions(path, "export") == []


def test_a_failed_workbook_leaves_no_file_behind(tmp_path: Path) -> None:
    path = tmp_path / "branch.sqlite"
    store = set_up_store(path)
    target = tmp_path / "out.xlsx"

    def rows():
        yield from export_rows(store, Actor.console(), None, None)
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_to_path(rows(), target, "xlsx")

    store.close()
    assert [file.name for file in tmp_path.iterdir() if ".xlsx" in file.name] == []


def test_the_writer_takes_rows_from_the_data_layer_as_the_log_browser_will(tmp_path: Path) -> None:
    store = set_up_branch(tmp_path / "branch.sqlite")
    lobby = store.staff.sign_in(LOBBY_NO, LOBBY_PIN)
    for text in ("开门", "午间检查", "关门"):
        store.entries.add_note(lobby, text)
    target = tmp_path / "f7.xlsx"

    count = write_to_path(export_rows(store, Actor.console(), None, None), target, "xlsx")

    store.close()
    texts = [
        row[11] for row in load_workbook(target)["entries"].iter_rows(min_row=2, values_only=True)
    ]
    assert (count, texts) == (3, ["开门", "午间检查", "关门"])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_workbook_with_dates_chinese_and_formulas_as_text(
    exported: Exported, tmp_path: Path
) -> None:
    # Every sheet as CSV (LibreOffice 7.2+): comma, UTF-8, quoted text, formatted as shown.
    as_csv = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    source = tmp_path / "log.xlsx"
    shutil.copy(exported.workbook_path, source)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", as_csv, "--outdir", str(tmp_path), str(source)],
        env={**os.environ, "HOME": str(tmp_path)},
        capture_output=True,
        timeout=120,
        check=True,
    )
    with (tmp_path / "log-entries.csv").open(encoding="utf-8", newline="") as handle:
        shown = {row["id"]: row for row in csv.DictReader(handle)}

    deposit = shown[str(exported.ids["deposit"])]
    assert deposit["occurred_at"] == "2026-11-28 10:05:00"
    assert deposit["text"] == "老人存一年定期，女儿电话 139****1111"
    assert shown[str(exported.ids["formula"])]["text"] == FORMULA
    summary = (tmp_path / "log-summary.csv").read_text(encoding="utf-8").splitlines()
    assert summary[1].startswith("2026-11-27,")

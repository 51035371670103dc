"""The export contract (issue 2 §6), read back the way the branch's report scripts read it.

One late day at the branch is written through the data layer: the opening check at 07:50 (still
the day before in UTC), an old customer's deposit at 10:05, a note full of hostile text, the
night round at 23:30 and a swallowed card at 00:10 (both on the 28th in UTC). Then the real
``lobby-tui export`` prints it as JSON Lines and writes it as CSV.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lobby_tui.data.export import export_rows
from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, PermissionDenied
from lobby_tui.domain.kinds import Kind
from tests.cli_fixtures import Cli, Run

# The *_fixture names are pytest fixtures (db_path, store, lobby, reviewer): pytest finds them here.
from tests.store_fixtures import (  # noqa: F401
    BRANCH_CODE,
    LOBBY_NO,
    LOBBY_PIN,
    REVIEWER_NO,
    audit_actions,
    db_path_fixture,
    lobby_fixture,
    reviewer_fixture,
    set_up_branch,
    store_fixture,
)

# The module's fixture is built once: under xdist (make test) its tests share one worker.
pytestmark = pytest.mark.xdist_group(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")
COLUMNS = [
    "id",
    "occurred_at",
    "recorded_at",
    "branch",
    "staff_no",
    "kind",
    "ticket",
    "business",
    "priority",
    "target",
    "topic",
    "text",
    "outcome",
    "handoff_outcome",
    "product_sold",
    "follow_up",
    "complaint_no",
    "revision",
    "voided",
]
BRANCH_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00")

HOSTILE_TEXT = (
    "[bold]插队[/] 客户 [link=http://x]点我[/link] \x1b[31m红字\x1b[0m\x07"
    "\t制表\n第二行\r\n😀 身份证 11010519491231002X\u2028完"
)
HOSTILE_EXPORTED = (
    "[bold]插队[/] 客户 [link=http://x]点我[/link] \x1b[31m红字\x1b[0m\x07"
    "\t制表\n第二行\r\n😀 身份证 **************002X\u2028完"
)


@dataclass(frozen=True)
class Written:
    """One entry of the day as the lobby manager wrote it."""

    occurred_at: str
    kind: Kind
    values: dict[str, str]


# In the order they were typed in, which is not the order they happened in.
MIDNIGHT = Written(
    "2026-11-29T00:10:00+08:00", Kind.NOTE, {"text": "ATM 吞卡，客户 13812345678 等回电"}
)
NIGHT_ROUND = Written("2026-11-28T23:30:00+08:00", Kind.NOTE, {"text": "夜间巡查：门已锁好"})
OPENING = Written(
    "2026-11-28T07:50:00+08:00", Kind.CHECK, {"text": "营业前检查：取号机纸、LED 屏正常"}
)
DEPOSIT = Written(
    "2026-11-28T10:05:00+08:00",
    Kind.QUEUE,
    {
        "ticket": "A023",
        "business": "deposit",
        "priority": "elderly",
        "target": "counter 3",
        "topic": "fixed deposit",
        "text": "老人开卡并存一年定期 30,000 元",
        "outcome": "已办结，女儿电话 +8613900001111",
    },
)
HOSTILE = Written("2026-11-28T15:00:00+08:00", Kind.NOTE, {"text": HOSTILE_TEXT})
TYPED = [MIDNIGHT, NIGHT_ROUND, OPENING, DEPOSIT, HOSTILE]
IN_TIME_ORDER = [OPENING, DEPOSIT, HOSTILE, NIGHT_ROUND, MIDNIGHT]
UNMASKED = ["13812345678", "13900001111", "11010519491231002X"]


@dataclass(frozen=True)
class Day:
    """The database of the day and what the real command line exported from it."""

    path: Path
    store: Store
    written_between: tuple[datetime, datetime]
    jsonl: Run
    csv: Run
    csv_file: Path
    csv_bytes: bytes
    day_29: Run


@pytest.fixture(name="day", scope="module")
def day_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Day]:
    folder = tmp_path_factory.mktemp("export")
    path = folder / "branch.sqlite"
    store = set_up_branch(path)
    lobby = store.staff.sign_in(LOBBY_NO, LOBBY_PIN)
    start = datetime.now(UTC).replace(microsecond=0)
    for entry in TYPED:
        store.entries.add(
            lobby, entry.kind, occurred_at=datetime.fromisoformat(entry.occurred_at), **entry.values
        )
    end = datetime.now(UTC)

    cli = Cli(folder)
    csv_file = folder / "日志 11月.csv"
    csv_run = cli("export --format csv --out", csv_file, "--db", path)
    yield Day(
        path=path,
        store=store,
        written_between=(start, end),
        jsonl=cli("export --format jsonl --db", path),
        csv=csv_run,
        csv_file=csv_file,
        csv_bytes=csv_file.read_bytes() if csv_file.exists() else b"",
        day_29=cli("export --from 2026-11-29 --to 2026-11-29 --db", path),
    )
    store.close()


def json_lines(run: Run) -> list[dict]:
    """The objects of a JSON Lines export; only ``\\n`` separates lines, as the format says."""
    assert (run.returncode, run.stderr) == (0, ""), run.stderr
    assert run.stdout == "" or run.stdout.endswith("\n")
    rows = [json.loads(line) for line in run.stdout.split("\n")[:-1]]
    # The last record names the chain head the export was made from (docs/integrity.md).
    return [row for row in rows if "integrity" not in row]


def row_of(rows: list[dict], entry: Written) -> dict:
    (row,) = [row for row in rows if row["occurred_at"] == entry.occurred_at]
    return row


def as_csv_cell(value: object) -> str:
    """A JSON value as its CSV cell: null is empty, booleans as in JSON, numbers as written;
    in text, control characters but tab and line feed are shown as their pictures (␛ for ESC),
    and a text that starts like a formula has a single quote before it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, str):
        return str(value)
    shown = "".join(chr(0x2400 + ord(c)) if ord(c) < 0x20 and c not in "\t\n" else c for c in value)
    return "'" + shown if value[:1] in ("=", "+", "-", "@", "\t", "\r") else shown


# -- JSON Lines -------------------------------------------------------------------------------


def test_each_entry_is_one_json_object_with_exactly_the_contract_fields(day: Day) -> None:
    rows = json_lines(day.jsonl)

    assert len(rows) == len(TYPED)
    assert [list(row) for row in rows] == [COLUMNS] * len(TYPED)


def test_entries_come_oldest_first_whatever_order_they_were_typed_in(day: Day) -> None:
    rows = json_lines(day.jsonl)

    assert [row["occurred_at"] for row in rows] == [e.occurred_at for e in IN_TIME_ORDER]
    assert [row["id"] for row in rows] == [TYPED.index(e) + 1 for e in IN_TIME_ORDER]


def test_times_are_iso_8601_in_branch_time(day: Day) -> None:
    start, end = day.written_between

    for row in json_lines(day.jsonl):
        assert BRANCH_TIME.fullmatch(row["occurred_at"]), row["occurred_at"]
        assert BRANCH_TIME.fullmatch(row["recorded_at"]), row["recorded_at"]
        assert start <= datetime.fromisoformat(row["recorded_at"]) <= end


def test_an_entry_says_who_wrote_it_where_and_that_it_is_fresh(day: Day) -> None:
    for row in json_lines(day.jsonl):
        assert (row["branch"], row["staff_no"]) == (BRANCH_CODE, LOBBY_NO)
        assert (row["revision"], row["voided"], row["complaint_no"]) == (1, False, None)


def test_a_guidance_entry_carries_its_fields_and_a_note_has_nulls(day: Day) -> None:
    rows = json_lines(day.jsonl)

    deposit = row_of(rows, DEPOSIT)
    assert deposit["kind"] == "queue"
    assert {k: deposit[k] for k in ("ticket", "business", "priority", "target", "topic")} == {
        k: DEPOSIT.values[k] for k in ("ticket", "business", "priority", "target", "topic")
    }
    note = row_of(rows, NIGHT_ROUND)
    assert note["kind"] == "note"
    assert note["text"] == "夜间巡查：门已锁好"
    for field in ("ticket", "business", "priority", "target", "topic", "outcome"):
        assert note[field] is None, field


def test_phone_and_id_numbers_are_masked_inside_free_text(day: Day) -> None:
    rows = json_lines(day.jsonl)

    assert row_of(rows, MIDNIGHT)["text"] == "ATM 吞卡，客户 138****5678 等回电"
    assert row_of(rows, DEPOSIT)["outcome"] == "已办结，女儿电话 +86139****1111"
    for number in UNMASKED:
        assert number not in day.jsonl.stdout
        assert number.encode() not in day.csv_bytes


def test_hostile_text_comes_back_exactly_as_typed_apart_from_masking(day: Day) -> None:
    rows = json_lines(day.jsonl)

    assert row_of(rows, HOSTILE)["text"] == HOSTILE_EXPORTED
    # A report script that prints the export to a terminal must not run the escape sequence.
    assert "\x1b" not in day.jsonl.stdout


# -- CSV --------------------------------------------------------------------------------------


def test_csv_starts_with_a_byte_order_mark_and_the_contract_columns(day: Day) -> None:
    assert day.csv_bytes.startswith(b"\xef\xbb\xbf")

    header = next(csv.reader(io.StringIO(day.csv_bytes.decode("utf-8-sig"), newline="")))

    assert header == COLUMNS


def test_csv_holds_the_same_values_as_json_lines(day: Day) -> None:
    table = csv.DictReader(io.StringIO(day.csv_bytes.decode("utf-8-sig"), newline=""))
    parsed = [row for row in table if not row["id"].startswith("# integrity")]

    assert parsed == [{k: as_csv_cell(v) for k, v in row.items()} for row in json_lines(day.jsonl)]
    assert row_of(parsed, DEPOSIT)["text"] == "老人开卡并存一年定期 30,000 元"


def test_export_out_writes_the_file_and_reports_the_count(day: Day) -> None:
    assert day.csv.returncode == 0
    assert day.csv.stdout == ""
    assert day.csv.stderr == f"{len(TYPED)} entries written to {day.csv_file}.\n"


# -- which days -------------------------------------------------------------------------------


def test_from_and_to_select_branch_days_not_utc_days(day: Day) -> None:
    # 00:10 on the 29th in Shanghai is 16:10 on the 28th in UTC.
    assert [row["occurred_at"] for row in json_lines(day.day_29)] == [MIDNIGHT.occurred_at]


@pytest.mark.parametrize(
    "first_day, last_day, expected",
    [
        pytest.param(
            date(2026, 11, 28),
            date(2026, 11, 28),
            [OPENING, DEPOSIT, HOSTILE, NIGHT_ROUND],
            id="the-28th-from-07:50-to-23:30",
        ),
        pytest.param(None, date(2026, 11, 27), [], id="nothing-on-the-27th-in-branch-time"),
        pytest.param(date(2026, 11, 29), None, [MIDNIGHT], id="from-the-29th"),
        pytest.param(None, None, IN_TIME_ORDER, id="everything"),
    ],
)
def test_a_day_range_is_counted_in_branch_days(
    day: Day, first_day: date | None, last_day: date | None, expected: list[Written]
) -> None:
    rows = export_rows(day.store, Actor.console(), first_day, last_day)

    assert [row["occurred_at"] for row in rows] == [e.occurred_at for e in expected]


# -- who may export, and the trail it leaves --------------------------------------------------


def test_an_export_from_the_command_line_is_in_the_audit_trail(day: Day) -> None:
    events = [(actor, json.loads(detail)) for actor, _, detail in audit_actions(day.path, "export")]

    assert any(
        actor.startswith("console:")
        and detail == {"first_day": "2026-11-29", "last_day": "2026-11-29"}
        for actor, detail in events
    ), events


def test_a_reviewer_export_is_audited_under_their_staff_number(
    store: Store, reviewer: Actor, db_path: Path
) -> None:
    assert audit_actions(db_path, "export") == []

    list(export_rows(store, reviewer, date(2026, 11, 28), None))

    ((actor, staff_id, detail),) = audit_actions(db_path, "export")
    assert (actor, staff_id) == (REVIEWER_NO, reviewer.staff_id)
    assert json.loads(detail) == {"first_day": "2026-11-28", "last_day": None}


def test_each_step_of_a_complaint_case_is_exported_with_the_case_number(
    store: Store, lobby: Actor
) -> None:
    case = store.complaints.register(
        lobby,
        channel="on_site",
        business="bank_cards",
        cause="facilities",
        severity="yellow",
        complainant_name="王先生",
        facts="ATM吞卡",
    ).case
    store.complaints.start(lobby, case.id, "已联系ATM管理员")
    store.entries.add(lobby, Kind.COMPLAINT, text="客户口头抱怨，未受理为案件")
    store.entries.add_note(lobby, "夜间巡查")

    rows = list(export_rows(store, Actor.console(), None, None))

    assert [(row["kind"], row["complaint_no"]) for row in rows] == [
        ("complaint", case.number),
        ("complaint", case.number),
        ("complaint", None),
        ("note", None),
    ]


def test_a_lobby_manager_cannot_export_even_through_the_data_layer(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    store.entries.add_note(lobby, "客户 13812345678 的存款已办结")

    with pytest.raises(PermissionDenied):
        list(export_rows(store, lobby, None, None))

    assert audit_actions(db_path, "export") == []


def test_hand_offs_carry_their_latest_outcome_and_enquiries_their_follow_up_in_csv_and_xlsx(
    store: Store, lobby: Actor, reviewer: Actor, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from lobby_tui.data.export import write_to_path

    def hand_off(ticket: str) -> int:
        entry = store.entries.add(
            lobby, Kind.HANDOFF, ticket=ticket, target="wealth_manager", referral=True
        )
        return entry.id

    accepted, no_show, sold = hand_off("V001"), hand_off("V002"), hand_off("V003")
    store.handoffs.update(lobby, accepted, "accepted")
    store.handoffs.update(lobby, no_show, "no_show")
    store.handoffs.update(lobby, sold, "accepted")
    store.handoffs.update(lobby, sold, "completed", product_sold=True)
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    call_back = store.entries.add(
        lobby, Kind.ENQUIRY, text="房贷提前还款", resolved=False, follow_up_due=due
    ).id
    store.handoffs.close_follow_up(lobby, call_back)
    open_call = store.entries.add(
        lobby, Kind.ENQUIRY, text="信用卡分期", resolved=False, follow_up_due=due
    ).id
    expected = {
        accepted: ("accepted", None, None),
        no_show: ("no_show", None, None),
        sold: ("completed", True, None),
        call_back: (None, None, "done"),
        open_call: (None, None, "open"),
    }

    csv_path, xlsx_path = tmp_path / "log.csv", tmp_path / "log.xlsx"
    write_to_path(export_rows(store, reviewer, None, None), csv_path, "csv")
    write_to_path(export_rows(store, reviewer, None, None), xlsx_path, "xlsx")

    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        by_id = {int(row["id"]): row for row in csv.DictReader(handle)}
    for entry_id, values in expected.items():
        row = by_id[entry_id]
        assert (row["handoff_outcome"], row["product_sold"], row["follow_up"]) == tuple(
            as_csv_cell(value) for value in values
        )
    header, *body = load_workbook(xlsx_path)["entries"].values
    columns = [header.index(name) for name in ("handoff_outcome", "product_sold", "follow_up")]
    shown = {row[header.index("id")]: tuple(row[n] for n in columns) for row in body}
    assert {entry_id: shown[entry_id] for entry_id in expected} == expected

"""Exports that cannot hurt the machine or the reader (issue 10 §3).

A reviewer points ``--out`` at whatever a shell would write to: a device, a FIFO another program
reads, a symbolic link, standard output, a full disk. The node stays what it was and gets the
export. What a customer typed reaches a spreadsheet as text, never as a formula, and the
terminal never as a control sequence; the Markdown report keeps it literal. Dates at the edge of
the calendar and a database from a newer release each get one clear line.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lobby_tui.data.export import COMPLAINT_FIELDS, csv_cell, write_to, write_to_path
from lobby_tui.data.migrate import HEAD, NewerSchema
from lobby_tui.data.store import Store
from lobby_tui.domain.clock import branch_today, branch_zone
from lobby_tui.domain.roles import Role
from tests.cli_fixtures import Cli, branch_db_fixture, cli_fixture, write_notes  # noqa: F401
from tests.store_fixtures import REVIEWER_NO, REVIEWER_PIN, add_staff

NOTES = ("开门检查", "老人存一年定期", "关门")

# Where an export goes and what its cells may hold is the same whichever engine it was read
# from: these run on the SQLite file (the engines' own reading is tested in test_export).
pytestmark = pytest.mark.sqlite_only


def export_bytes(cli: Cli, *words: str | Path, stdout=subprocess.PIPE) -> subprocess.Popen:
    """``lobby-tui`` started with raw bytes on standard output (a workbook is not text)."""
    return subprocess.Popen(
        [sys.executable, "-m", "lobby_tui", *map(str, words)],
        stdout=stdout,
        stderr=subprocess.PIPE,
        cwd=cli.cwd,
        env=cli.env,
    )


def csv_rows(data: bytes) -> list[dict[str, str]]:
    rows = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    # The last row names the chain head the export was made from (docs/integrity.md).
    return [row for row in rows if not next(iter(row.values())).startswith("# integrity")]


def jsonl_texts(text: str) -> list[str]:
    """The texts of a JSON Lines export, its closing integrity record left out."""
    records = [json.loads(line) for line in text.splitlines()]
    return [record["text"] for record in records if "integrity" not in record]


# -- where the export goes ---------------------------------------------------------------------


def test_an_export_to_a_character_device_writes_it_and_leaves_the_device(
    cli: Cli, branch_db: Path, tmp_path: Path
) -> None:
    # A node of its own, the same device as /dev/null: the machine's own is not for a test.
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.stat("/dev/null").st_rdev)
        with open(node, "wb") as probe:
            probe.write(b"")
    except OSError as error:
        pytest.skip(f"cannot make and open a device node here: {error}")
    write_notes(branch_db, *NOTES)

    run = cli("export --format csv --db", branch_db, "--out", node)

    assert run.returncode == 0, run.stderr
    assert stat.S_ISCHR(os.lstat(node).st_mode)
    assert os.lstat(node).st_rdev == os.stat("/dev/null").st_rdev
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_export_to_a_fifo_reaches_the_program_reading_it(
    cli: Cli, branch_db: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "to-the-report-script"
    os.mknod(fifo, stat.S_IFIFO | 0o600)
    write_notes(branch_db, *NOTES)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()

    run = cli("export --format csv --db", branch_db, "--out", fifo)
    reader.join(timeout=30)

    assert run.returncode == 0, run.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [row["text"] for row in csv_rows(received[0])] == list(NOTES)


def test_an_export_through_a_symbolic_link_writes_its_target_and_keeps_the_link(
    cli: Cli, branch_db: Path, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    target = reports / "today.csv"
    target.write_text("yesterday's export\n")
    link = tmp_path / "latest.csv"
    link.symlink_to(target)
    write_notes(branch_db, *NOTES)

    run = cli("export --format csv --db", branch_db, "--out", link)

    assert run.returncode == 0, run.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert [row["text"] for row in csv_rows(target.read_bytes())] == list(NOTES)
    assert sorted(p.name for p in reports.iterdir()) == ["today.csv"]


def test_a_link_to_a_file_not_written_yet_creates_that_file(
    cli: Cli, branch_db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "first.jsonl"
    link = tmp_path / "latest.jsonl"
    link.symlink_to(target)
    write_notes(branch_db, *NOTES)

    run = cli("export --db", branch_db, "--out", link)

    assert run.returncode == 0, run.stderr
    assert link.is_symlink()
    assert jsonl_texts(target.read_text()) == list(NOTES)


def test_a_new_export_gets_the_mode_the_umask_gives(
    cli: Cli, branch_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "for-the-group.csv"
    previous = os.umask(0o027)
    try:
        run = cli("export --format csv --db", branch_db, "--out", out)
    finally:
        os.umask(previous)

    assert run.returncode == 0, run.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


def test_a_replaced_export_keeps_the_mode_it_had(cli: Cli, branch_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "shared.xlsx"
    out.write_bytes(b"last week")
    out.chmod(0o664)

    run = cli("export --format xlsx --db", branch_db, "--out", out)

    assert run.returncode == 0, run.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o664
    assert load_workbook(out).sheetnames == ["entries", "summary", "integrity"]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_out_dash_is_standard_output(cli: Cli, branch_db: Path, fmt: str) -> None:
    write_notes(branch_db, *NOTES)

    run = cli(f"export --format {fmt} --out - --db", branch_db)

    assert (run.returncode, run.stderr) == (0, "")
    assert not (cli.cwd / "-").exists()
    if fmt == "csv":
        assert [row["text"] for row in csv_rows(run.stdout.encode())] == list(NOTES)
    else:
        assert jsonl_texts(run.stdout) == list(NOTES)


def test_the_log_browser_export_to_a_file_named_dash_is_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[bytes]
) -> None:
    # The app's own terminal must never receive an export typed as "-" in F7.
    monkeypatch.chdir(tmp_path)
    rows = [dict.fromkeys(COMPLAINT_FIELDS, "x")]

    assert write_to_path(rows, Path("-"), "csv", COMPLAINT_FIELDS) == 1

    assert capfd.readouterr().out == ""
    assert [row["number"] for row in csv_rows((tmp_path / "-").read_bytes())] == ["x"]


def test_a_workbook_on_standard_output_opens_in_a_spreadsheet_program(
    cli: Cli, branch_db: Path
) -> None:
    write_notes(branch_db, *NOTES)

    child = export_bytes(cli, "export", "--format", "xlsx", "--out", "-", "--db", branch_db)
    data, errors = child.communicate(timeout=60)

    assert (child.returncode, errors) == (0, b"")
    sheet = load_workbook(io.BytesIO(data))["entries"]
    assert [row[11] for row in sheet.iter_rows(min_row=2, values_only=True)] == list(NOTES)


def test_a_full_disk_on_standard_output_is_one_line(cli: Cli, branch_db: Path) -> None:
    write_notes(branch_db, *NOTES)

    with open("/dev/full", "wb") as full:
        child = export_bytes(cli, "export", "--format", "csv", "--db", branch_db, stdout=full)
        _, errors = child.communicate(timeout=60)

    assert child.returncode == 1
    assert errors.decode() == "lobby-tui: standard output: No space left on device\n"


def test_a_report_to_a_full_disk_is_one_line(cli: Cli, branch_db: Path) -> None:
    with open("/dev/full", "wb") as full:
        child = export_bytes(cli, "report", "--db", branch_db, stdout=full)
        _, errors = child.communicate(timeout=60)

    assert child.returncode == 1
    assert errors.decode() == "lobby-tui: standard output: No space left on device\n"


def test_an_export_into_a_folder_is_refused_and_the_folder_left(
    cli: Cli, branch_db: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()

    line = cli("export --format csv --db", branch_db, "--out", folder).error_line()

    assert line == f"lobby-tui: {folder}: Is a directory"
    assert folder.is_dir() and list(folder.iterdir()) == []


# -- what a spreadsheet program and a terminal make of the cells --------------------------------

FORMULAS = [
    ('=HYPERLINK("http://x","点我")', '\'=HYPERLINK("http://x","点我")'),
    ("+86 138 0000 0000 回电", "'+86 138****0000 回电"),
    ("-2+3 元零钱", "'-2+3 元零钱"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'␍=1+1"),
    ("客户说 =1+1", "客户说 =1+1"),
    ("1+1", "1+1"),
]


@pytest.mark.parametrize(("typed", "cell"), FORMULAS)
def test_a_note_that_starts_like_a_formula_is_text_in_the_csv(
    cli: Cli, branch_db: Path, typed: str, cell: str
) -> None:
    write_notes(branch_db, typed)

    run = cli("export --format csv --db", branch_db)

    [row] = csv_rows(run.stdout.encode())
    assert row["text"] == cell
    # Numbers stay numbers: an id, a revision number.
    assert (row["id"], row["revision"]) == ("1", "1")


@pytest.mark.parametrize(
    ("value", "cell"),
    [(-5, -5), (0, 0), (True, "true"), (None, ""), ("-", "'-"), ("=", "'="), ("", "")],
)
def test_only_text_cells_are_quoted(value: object, cell: object) -> None:
    assert csv_cell(value) == cell


def test_control_characters_never_reach_the_terminal_through_the_csv(
    cli: Cli, branch_db: Path
) -> None:
    write_notes(branch_db, "红字\x1b[31m响铃\x07删\x7f回车\r覆盖\x9b2J\t制表\n第二行")

    run = cli("export --format csv --db", branch_db)

    [row] = csv_rows(run.stdout.encode())
    assert row["text"] == "红字␛[31m响铃␇删␡回车␍覆盖\ufffd2J\t制表\n第二行"
    body = run.stdout.encode().replace(b"\r\n", b"\n")
    assert not any(byte in body for byte in (b"\x1b", b"\x07", b"\x7f", b"\r", "\x9b".encode()))


def test_the_complaint_csv_follows_the_same_cell_rule(tmp_path: Path) -> None:
    rows = [dict.fromkeys(COMPLAINT_FIELDS), dict.fromkeys(COMPLAINT_FIELDS)]
    rows[0].update(number="TS-20261128-001", facts="=1+1", actions=3)
    rows[1].update(number="TS-20261128-002", facts="\x1b]0;pwned\x07", actions=0)
    out = tmp_path / "cases.csv"

    assert write_to(rows, out, "csv", COMPLAINT_FIELDS) == 2

    parsed = csv_rows(out.read_bytes())
    assert [(r["facts"], r["actions"]) for r in parsed] == [("'=1+1", "3"), ("␛]0;pwned␇", "0")]


# -- the Markdown report ------------------------------------------------------------------------

HOSTILE_COMMENT = "a|b \\| x <img src=x onerror=alert(1)> & [点我](javascript:alert(1))"


@pytest.fixture(name="hostile_report")
def hostile_report_fixture(cli: Cli, branch_db: Path) -> str:
    store = Store.open(str(branch_db))
    try:
        add_staff(store, REVIEWER_NO, REVIEWER_PIN, Role.REVIEWER)
        reviewer = store.staff.sign_in(REVIEWER_NO, REVIEWER_PIN)
        day = branch_today(branch_zone(None))
        store.summary.sign_off(reviewer, day, HOSTILE_COMMENT)
    finally:
        store.close()
    run = cli("report --db", branch_db, "--date", day.isoformat())
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_a_sign_off_comment_stays_in_its_table_cell(hostile_report: str) -> None:
    [line] = [line for line in hostile_report.splitlines() if "onerror" in line]

    cells = split_cells(line)
    assert len(cells) == 2
    assert "<" not in line and ">" not in line.replace("&gt;", "")
    assert cells[1] == (
        "a\\|b \\\\\\| x &lt;img src=x onerror=alert(1)&gt; &amp; \\[点我\\](javascript:alert(1))"
    )


def split_cells(line: str) -> list[str]:
    """The cells of a Markdown table row: split on pipes that no backslash escapes."""
    cells, cell, escaped = [], "", False
    for char in line.strip()[1:-1]:
        if char == "|" and not escaped:
            cells.append(cell.strip())
            cell = ""
        else:
            cell += char
        escaped = char == "\\" and not escaped
    return [*cells, cell.strip()]


def test_the_rendered_report_shows_the_comment_as_text(hostile_report: str) -> None:
    markdown = pytest.importorskip("markdown")

    html = markdown.markdown(hostile_report, extensions=["tables"])

    assert "<img" not in html and "<a " not in html
    [row] = [row for row in html.split("<tr>") if "onerror" in row]
    assert row.count("<td>") == 2
    assert "a|b \\| x &lt;img src=x onerror=alert(1)&gt; &amp; [点我](javascript:alert(1))" in row


# -- dates and databases at the edges -----------------------------------------------------------


def test_from_after_to_is_one_line(cli: Cli, branch_db: Path) -> None:
    line = cli("export --from 2026-12-01 --to 2026-11-01 --db", branch_db).error_line()

    assert line == "lobby-tui: --from 2026-12-01 is after --to 2026-11-01: no day is in between"


@pytest.mark.parametrize(
    ("days", "found"),
    [
        ("--from 0001-01-01", NOTES),
        ("--to 9999-12-31", NOTES),
        ("--from 0001-01-01 --to 9999-12-31", NOTES),
        ("--from 9999-12-31", ()),
        ("--to 0001-01-01", ()),
    ],
)
@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/Los_Angeles"])
def test_the_first_and_last_days_of_the_calendar_are_days_like_any_other(
    cli: Cli, tmp_path: Path, days: str, found: tuple[str, ...], zone: str
) -> None:
    path = tmp_path / "branch.sqlite"
    store = Store.open(str(path))
    store.setup(
        branch_code="SH0101",
        branch_name="陆家嘴支行",
        admin_no="9001",
        admin_name="张主管",
        pin="999999",
        time_zone=zone,
    )
    store.close()
    write_notes(path, *NOTES, staff_no="9001", pin="999999")

    run = cli(f"export {days} --db", path)
    cases = cli(f"export --complaints {days} --db", path)

    assert (run.returncode, run.stderr, cases.returncode, cases.stderr) == (0, "", 0, "")
    assert jsonl_texts(run.stdout) == list(found)


@pytest.mark.sqlite_only
def test_a_database_of_a_newer_release_is_one_line_and_left_as_it_was(
    cli: Cli, branch_db: Path
) -> None:
    with closing(sqlite3.connect(branch_db)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")

    with pytest.raises(NewerSchema) as refused:
        Store.open(str(branch_db))
    for command in ("export", "migrate", "report", "staff list"):
        line = cli(command, "--db", branch_db).error_line()
        assert line == f"lobby-tui: {refused.value}"
    chinese = cli("migrate --lang zh --db", branch_db).error_line()

    assert str(refused.value).startswith(
        "This database was written by a newer lobby-tui (schema 0099); this is lobby-tui "
    )
    assert str(refused.value).endswith(f"which knows schemas up to {HEAD}.")
    assert "较新版本" in chinese and "0099" in chinese
    with closing(sqlite3.connect(branch_db)) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            ("0099",)
        ]


# -- progress -----------------------------------------------------------------------------------


def test_a_piped_export_says_nothing_but_its_count(
    cli: Cli, branch_db: Path, tmp_path: Path
) -> None:
    write_notes(branch_db, *NOTES)
    out = tmp_path / "day.csv"

    run = cli("export --format csv --db", branch_db, "--out", out)

    assert (run.returncode, run.stdout) == (0, "")
    assert run.stderr == f"3 entries written to {out}.\n"


def test_an_export_watched_on_a_terminal_shows_its_progress_there(
    cli: Cli, branch_db: Path, tmp_path: Path
) -> None:
    write_notes(branch_db, *NOTES)
    out = tmp_path / "day.jsonl"
    terminal, seen_by = os.openpty()
    command = ["export", "--db", str(branch_db), "--out", str(out)]
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "lobby_tui", *command],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=seen_by,
            cwd=cli.cwd,
            env={**cli.env, "TERM": "xterm-256color"},
        )
        os.close(seen_by)
        shown = b""
        while chunk := _read(terminal):
            shown += chunk
        assert child.wait(timeout=60) == 0
    finally:
        os.close(terminal)

    text = re.sub(r"\x1b\[[0-?]*[ -/]*[@-~]", "", shown.decode(errors="replace"))
    assert re.search(r"3 entries\s+0:00:0\d", text), text
    assert text.rstrip().endswith(f"3 entries written to {out}.")
    assert jsonl_texts(out.read_text()) == list(NOTES)


def _read(terminal: int) -> bytes:
    """What the terminal shows next; empty once the program has closed it."""
    try:
        return os.read(terminal, 4096)
    except OSError:  # EIO: the other side is closed
        return b""


@pytest.mark.sqlite_only
def test_a_newer_database_on_a_read_only_disk_is_called_newer_too(
    branch_db: Path, tmp_path: Path
) -> None:
    with closing(sqlite3.connect(branch_db)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    folder = tmp_path / "archive"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)], check=False
    )
    if mounted.returncode:
        pytest.skip("cannot mount a file system here to make it read-only")
    try:
        copy = folder / "branch.sqlite"
        copy.write_bytes(branch_db.read_bytes())
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)

        with pytest.raises(NewerSchema, match="schema 0099"):
            Store.open(str(copy))
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)

"""The command line as the branch's admin and its report scripts use it, in a real subprocess.

Deploying a terminal (init), managing staff before opening, pointing any command at any database
(``--db`` before or after the subcommand, ``LOBBY_TUI_DB``), and every refusal as one clear line
and exit status 1, never a traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lobby_tui.data.migrate import HEAD
from lobby_tui.data.store import Store
from lobby_tui.data.views import SignInRefused

# The *_fixture names are pytest fixtures (cli, branch_db): pytest finds them here.
from tests.cli_fixtures import (  # noqa: F401
    Cli,
    branch_db_fixture,
    cli_fixture,
    staff_states,
    write_notes,
)
from tests.store_fixtures import (
    ADMIN_NO,
    BRANCH_CODE,
    BRANCH_NAME,
    LOBBY_NO,
    LOBBY_PIN,
    rows,
    set_up_branch,
)

NEW_PIN = "246810"


def exported_texts(run_stdout: str) -> list[str]:
    rows = [json.loads(line) for line in run_stdout.splitlines()]
    return [row["text"] for row in rows if "integrity" not in row]


def signs_in(path: Path, staff_no: str, pin: str) -> bool:
    store = Store.open(str(path))
    try:
        store.staff.sign_in(staff_no, pin)
        return True
    except SignInRefused:
        return False
    finally:
        store.close()


# -- deploying a terminal ---------------------------------------------------------------------


def test_init_creates_the_branch_and_its_admin_with_the_pin_from_stdin(
    cli: Cli, tmp_path: Path
) -> None:
    db = tmp_path / "terminal.sqlite"

    run = cli(
        f"init --branch-code {BRANCH_CODE} --branch-name {BRANCH_NAME}",
        f"--admin {ADMIN_NO} --admin-name 张主管 --pin-stdin --db",
        db,
        stdin="975310\n",
    )

    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout == f"Branch {BRANCH_CODE} created with admin {ADMIN_NO}.\n"
    store = Store.open(str(db))
    branch = store.branches.get()
    store.close()
    assert (branch.code, branch.name, branch.time_zone) == (
        BRANCH_CODE,
        BRANCH_NAME,
        "Asia/Shanghai",
    )
    assert staff_states(db) == {ADMIN_NO: ("张主管", True)}
    assert signs_in(db, ADMIN_NO, "975310")


def test_a_second_init_on_the_same_database_is_refused(cli: Cli, branch_db: Path) -> None:
    before = staff_states(branch_db)

    run = cli(
        "init --branch-code BJ0202 --branch-name 西单支行",
        "--admin 9002 --admin-name 王主管 --pin-stdin --db",
        branch_db,
        stdin="975310\n",
    )

    assert run.error_line() == (
        "lobby-tui: This database is already set up: add another branch with lobby-tui branch add."
    )
    assert rows(branch_db, "SELECT code FROM branch") == [(BRANCH_CODE,)]
    assert staff_states(branch_db) == before


# -- staff, before opening --------------------------------------------------------------------


def test_the_admin_adds_lists_resets_and_disables_a_lobby_manager(
    cli: Cli, branch_db: Path
) -> None:
    added = cli(
        "staff add 1002 --name 李娜 --role lobby --pin-stdin --db",
        branch_db,
        stdin="135790\n",
    )
    assert (added.returncode, added.stdout, added.stderr) == (0, "Staff 1002 added.\n", "")
    assert signs_in(branch_db, "1002", "135790")

    listed = cli("staff list --db", branch_db)
    assert listed.returncode == 0
    assert "1002\t李娜\tlobby\tactive" in listed.stdout.splitlines()

    # She forgot her PIN over the weekend: the admin sets a new one, the old one stops working.
    reset = cli("staff reset-pin 1002 --pin-stdin --db", branch_db, stdin=f"{NEW_PIN}\n")
    assert (reset.returncode, reset.stdout) == (0, "PIN of 1002 reset.\n")
    assert not signs_in(branch_db, "1002", "135790")
    assert signs_in(branch_db, "1002", NEW_PIN)

    # She moves to another branch: disabled, kept in the list, no longer able to sign in.
    disabled = cli("staff disable 1002 --db", branch_db)
    assert (disabled.returncode, disabled.stdout) == (0, "Staff 1002 disabled.\n")
    assert staff_states(branch_db)["1002"] == ("李娜", False)
    assert not signs_in(branch_db, "1002", NEW_PIN)


def test_reset_pin_lifts_the_lock_after_five_wrong_pins(cli: Cli, branch_db: Path) -> None:
    store = Store.open(str(branch_db))
    for _ in range(5):
        with pytest.raises(SignInRefused):
            store.staff.sign_in(LOBBY_NO, "000000")
    with pytest.raises(SignInRefused) as locked:
        store.staff.sign_in(LOBBY_NO, LOBBY_PIN)
    store.close()
    assert locked.value.reason == "locked"

    run = cli(f"staff reset-pin {LOBBY_NO} --pin-stdin --db", branch_db, stdin=f"{NEW_PIN}\n")

    assert run.returncode == 0
    assert signs_in(branch_db, LOBBY_NO, NEW_PIN)


def test_a_too_short_pin_on_stdin_is_refused_in_one_line(cli: Cli, branch_db: Path) -> None:
    run = cli(
        "staff add 1003 --name 赵敏 --role lobby --pin-stdin --db",
        branch_db,
        stdin="12345\n",
    )

    assert run.error_line() == "lobby-tui: The PIN must have at least 6 digits."
    assert "1003" not in staff_states(branch_db)


def test_messages_are_chinese_with_lang_zh(cli: Cli, branch_db: Path) -> None:
    run = cli(
        "--lang zh staff add 1002 --name 李娜 --role lobby --pin-stdin --db",
        branch_db,
        stdin="135790\n",
    )

    assert (run.returncode, run.stdout) == (0, "员工 1002 已添加。\n")


def test_a_chinese_locale_makes_refusals_chinese(cli: Cli, tmp_path: Path) -> None:
    run = cli("export --db", tmp_path / "nowhere.sqlite", LANG="zh_CN.UTF-8")

    assert run.error_line().startswith("lobby-tui: 数据库文件不存在：")


# -- which database -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "before, after",
    [
        pytest.param("--db", "export", id="before-the-subcommand"),
        pytest.param("export --db", "", id="after-the-subcommand"),
    ],
)
def test_db_is_understood_before_and_after_the_subcommand(
    cli: Cli, branch_db: Path, before: str, after: str
) -> None:
    write_notes(branch_db, "开门前检查：取号机纸够用")

    run = cli(before, branch_db, after)

    assert (run.returncode, run.stderr) == (0, "")
    assert exported_texts(run.stdout) == ["开门前检查：取号机纸够用"]


def test_db_is_understood_between_staff_and_its_action(cli: Cli, branch_db: Path) -> None:
    run = cli("staff --db", branch_db, "list")

    assert run.returncode == 0
    assert [line.split("\t")[0] for line in run.stdout.splitlines()] == [LOBBY_NO, ADMIN_NO]


def test_lobby_tui_db_is_used_when_no_db_is_given(cli: Cli, branch_db: Path) -> None:
    write_notes(branch_db, "ATM 吞卡，已登记")

    run = cli("export", LOBBY_TUI_DB=str(branch_db))

    assert (run.returncode, run.stderr) == (0, "")
    assert exported_texts(run.stdout) == ["ATM 吞卡，已登记"]


def test_db_wins_over_lobby_tui_db(cli: Cli, branch_db: Path, tmp_path: Path) -> None:
    write_notes(branch_db, "客户咨询大额存单")

    run = cli("export --db", branch_db, LOBBY_TUI_DB=str(tmp_path / "elsewhere.sqlite"))

    assert run.returncode == 0
    assert exported_texts(run.stdout) == ["客户咨询大额存单"]


def test_migrate_reports_the_revision_of_an_existing_database(cli: Cli, branch_db: Path) -> None:
    run = cli("migrate --db", branch_db)

    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout == f"The database is at revision {HEAD}.\n"


# -- refusals ---------------------------------------------------------------------------------


def test_export_of_a_missing_file_says_so_and_creates_nothing(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "typo.sqlite"

    run = cli("export --db", missing)

    assert run.error_line() == f"lobby-tui: no such database file: {missing}"
    assert not missing.exists()


def test_export_of_a_file_that_is_not_a_database_is_refused_and_left_alone(
    cli: Cli, tmp_path: Path
) -> None:
    notes = tmp_path / "handover.txt"
    notes.write_text("交接班：贵宾室空调坏了，已报修。\n" * 20, encoding="utf-8")
    before = notes.read_bytes()

    run = cli("export --db", notes)

    assert "not a database" in run.error_line()
    assert notes.read_bytes() == before


def test_a_config_file_with_a_syntax_error_is_named_with_its_line(
    cli: Cli, branch_db: Path, tmp_path: Path
) -> None:
    config = tmp_path / "terminal.toml"
    config.write_text('language = "zh"\n\nidle_lock_minutes = = 5\n', encoding="utf-8")

    run = cli("--config", config, "export --db", branch_db)

    line = run.error_line()
    assert str(config) in line
    assert "line 3" in line


def test_the_default_config_file_with_a_syntax_error_is_named_with_its_line(
    cli: Cli, branch_db: Path
) -> None:
    cli.config_file.parent.mkdir(parents=True)
    cli.config_file.write_text('[keymap]\nnote = "ctrl+n\n', encoding="utf-8")

    run = cli("export --db", branch_db)

    line = run.error_line()
    assert str(cli.config_file) in line
    assert "line 2" in line


def test_a_named_config_file_that_does_not_exist_is_refused(
    cli: Cli, branch_db: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such.toml"

    run = cli("export --db", branch_db, LOBBY_TUI_CONFIG=str(missing))

    assert str(missing) in run.error_line()


def test_an_export_read_only_in_part_stops_quietly(cli: Cli, branch_db: Path) -> None:
    write_notes(branch_db, *(f"note {n} " + "x" * 200 for n in range(2000)))
    reader = subprocess.Popen(
        [sys.executable, "-m", "lobby_tui", "export", "--db", str(branch_db), "--format", "csv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cli.cwd,
        env=cli.env,
    )
    assert reader.stdout is not None and reader.stderr is not None
    header = reader.stdout.readline()  # as `| head -1` does, then the reader goes away
    reader.stdout.close()
    errors = reader.stderr.read().decode()
    status = reader.wait(timeout=60)

    assert header.decode("utf-8-sig").startswith("id,occurred_at")
    assert (status, errors) == (141, "")


def test_a_database_other_than_sqlite_or_postgresql_is_refused_in_one_line(cli: Cli) -> None:
    run = cli("--db", "mysql+pymysql://duty:secret@db.example/lobby", "migrate")

    assert run.returncode != 0
    assert run.stderr.count("\n") == 1
    assert "SQLite file or on a PostgreSQL server" in run.stderr
    assert "secret" not in run.stderr


def test_demo_on_a_server_replaces_the_earlier_demo_and_never_prints_the_password(
    cli: Cli, pg_cluster
) -> None:
    url = pg_cluster.new_database().replace("postgres@", "postgres:s3cret@")

    first = cli("demo", "--db", url, "--days", "1", "--entries", "20", "--no-open")
    again = cli("demo", "--db", url, "--days", "1", "--entries", "30", "--no-open")

    assert first.returncode == 0, first.stderr
    assert again.returncode == 0, again.stderr
    assert "s3cret" not in first.stdout + first.stderr + again.stdout + again.stderr
    assert rows(url, "SELECT count(*) FROM branch") == [(1,)]


def test_demo_on_a_server_with_a_real_duty_log_is_refused(cli: Cli, pg_cluster) -> None:
    url = pg_cluster.new_database()
    set_up_branch(url).close()

    run = cli("demo", "--db", url, "--no-open")

    assert run.returncode != 0
    assert "real duty log" in run.stderr
    assert rows(url, "SELECT code FROM branch") == [("SH0101",)]

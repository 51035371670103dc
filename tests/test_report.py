"""``lobby-tui report``: the day summary of 28 November as Markdown, for the branch's reports.

The day is the one counted by hand in test_day_summary.py; a reviewer signs it off, with a
comment of two lines and a pipe, then voids the first deposit after the sign-off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lobby_tui.data.views import CheckAnswer
from lobby_tui.domain.roles import Role
from tests.cli_fixtures import Cli
from tests.store_fixtures import (
    LOBBY_NO,
    LOBBY_PIN,
    REVIEWER_NO,
    REVIEWER_PIN,
    add_staff,
    set_up_branch,
)
from tests.test_day_summary import DAY, write_the_day

# The module's fixture is built once: under xdist (make test) its tests share one worker.
pytestmark = pytest.mark.xdist_group(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Reported:
    path: Path
    cli: Cli
    signed_at: str
    voided_at: str
    voided_id: int


@pytest.fixture(name="reported", scope="module")
def reported_fixture(tmp_path_factory: pytest.TempPathFactory) -> Reported:
    folder = tmp_path_factory.mktemp("report")
    path = folder / "branch.sqlite"
    store = set_up_branch(path)
    add_staff(store, REVIEWER_NO, REVIEWER_PIN, Role.REVIEWER)
    ids = write_the_day(store, store.staff.sign_in(LOBBY_NO, LOBBY_PIN))
    reviewer = store.staff.sign_in(REVIEWER_NO, REVIEWER_PIN)
    signed = store.summary.sign_off(reviewer, DAY, "已审阅 | 取号机纸已补\n第二行")
    store.entries.void(reviewer, ids["deposit"], "重复")
    voided = store.entries.history(reviewer, ids["deposit"]).revisions[-1].at
    store.close()

    def shown(moment) -> str:
        return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")

    return Reported(path, Cli(folder), shown(signed.at), shown(voided), ids["deposit"])


def test_the_report_prints_the_day_summary_as_markdown(reported: Reported) -> None:
    run = reported.cli("report --date 2026-11-28 --db", reported.path)

    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout == EXPECTED.format(
        signed=reported.signed_at, voided=reported.voided_at, id=reported.voided_id
    )


def test_the_report_speaks_the_language_asked_for(reported: Reported) -> None:
    run = reported.cli("report --lang zh --date 2026-11-28 --db", reported.path)

    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "# 陆家嘴支行 (SH0101) 2026-11-28 当日工作总结"
    assert "| 成功率 | 50%（2/4） |" in lines
    assert f"| **#{reported.voided_id} 在签字后作废** | {reported.voided_at} 8001 |" in lines


def test_a_day_without_entries_reports_zeros_not_an_error(reported: Reported) -> None:
    run = reported.cli("report --date 2026-11-20 --db", reported.path)

    assert run.returncode == 0, run.stderr
    assert "| total | 0 |" in run.stdout.splitlines()
    assert "| not signed off yet |  |" in run.stdout.splitlines()


def test_todays_report_says_which_checklists_were_walked_and_their_problems(
    tmp_path: Path,
) -> None:
    path = tmp_path / "branch.sqlite"
    store = set_up_branch(path)
    lobby = store.staff.sign_in(LOBBY_NO, LOBBY_PIN)
    store.checklists.record(
        lobby,
        "opening",
        [
            CheckAnswer("ticket_paper", "取号机纸", False, "纸不足"),
            CheckAnswer("led_screen", "LED 屏", False, "左侧不亮"),
            CheckAnswer("form_desk", "填单台", True),
        ],
    )
    store.checklists.record(lobby, "midday", [CheckAnswer("lobby_order", "大堂秩序", True)])
    store.close()
    today = datetime.now(SHANGHAI).date().isoformat()

    english = Cli(tmp_path)(f"report --date {today} --db", path)
    chinese = Cli(tmp_path)(f"report --lang zh --date {today} --db", path)

    assert english.returncode == 0, english.stderr
    assert "| opening | ✓ · problems: 2 |\n| mid-day | ✓ |\n| closing | – |\n" in english.stdout
    assert "| 营业前 | ✓ · 问题：2 |" in chinese.stdout.splitlines()


def test_a_report_of_a_missing_database_is_one_line(tmp_path: Path) -> None:
    line = Cli(tmp_path)("report --date 2026-11-28 --db", tmp_path / "none.sqlite").error_line()

    assert line.startswith("lobby-tui: no such database file: ")


EXPECTED = """\
# Day summary of 2026-11-28, 陆家嘴支行 (SH0101)

## Entries

| item | value |
|---|---|
| guidance | 2 |
| enquiry | 3 |
| hand-off | 5 |
| complaint | 2 |
| check | 1 |
| note | 1 |
| total | 14 |
| void (not counted) | 2 |

## Business type

| item | value |
|---|---|
| Account opening | 1 |
| Deposit / withdrawal | 1 |

## Priority channel

| item | value |
|---|---|
| Elderly | 2 |

## Hand-offs

| item | value |
|---|---|
| still open | 1 |
| completed | 2 |
| returned | 1 |
| no-show | 1 |
| success rate | 50% (2/4) |
| with product interest | 3 |
| referrals sold | 1 |

## Complaints

| item | value |
|---|---|
| opened | 1 |
| closed | 1 |
| overdue | 1 |

## Follow-ups due

| item | value |
|---|---|
| due | 3 |
| done | 1 |
| still open | 2 |

## Checks

| item | value |
|---|---|
| opening | – |
| mid-day | – |
| closing | – |

## Sign-off

| item | value |
|---|---|
| 员工8001 (8001) {signed} | 已审阅 \\| 取号机纸已补↵第二行 |
| **#{id} voided after the sign-off** | {voided} 8001 |

## Entries per hour

| hour | count | |
|---|---:|---|
| 07:00 | 1 | ██████████ |
| 08:00 | 0 |  |
| 09:00 | 2 | ████████████████████ |
| 10:00 | 2 | ████████████████████ |
| 11:00 | 2 | ████████████████████ |
| 12:00 | 0 |  |
| 13:00 | 0 |  |
| 14:00 | 2 | ████████████████████ |
| 15:00 | 3 | ██████████████████████████████ |
| 16:00 | 1 | ██████████ |
| 17:00 | 0 |  |
| 18:00 | 0 |  |
| 19:00 | 0 |  |
| 20:00 | 0 |  |
| 21:00 | 0 |  |
| 22:00 | 0 |  |
| 23:00 | 1 | ██████████ |
"""

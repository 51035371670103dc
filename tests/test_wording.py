"""Both languages, all the way, in the words staff read: the command line's help, a case's
counts, what a dialog is called, a registered complaint's request, the follow-up date's hint,
and the sign-off panel read whole."""

from __future__ import annotations

import re
from datetime import timedelta

from rich.text import Text
from textual.widgets import Input, Static

from lobby_tui.data.store import Store
from tests.branch_day import LOBBY, NOW, REVIEWER, a_branch_day
from tests.cli_fixtures import Cli, cli_fixture  # noqa: F401
from tests.conftest import settle, sign_in
from tests.screen_text import screen_text


def shown(app, selector: str) -> str:
    content = app.screen.query_one(selector, Static).render()
    return content.plain if isinstance(content, Text) else str(content)


def test_the_help_of_the_command_line_is_in_chinese_with_lang_zh(cli: Cli):
    for words in ("--lang zh --help", "--help --lang=zh", "demo --help --lang zh"):
        run = cli(words)
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith("用法：lobby-tui"), run.stdout
        assert "显示本帮助并退出" in run.stdout
        for english in ("usage:", "options:", "show this help", "database file", "build it"):
            assert english not in run.stdout, english
    english = cli("--help")
    assert english.stdout.startswith("usage: lobby-tui")
    assert "show this help message and exit" in english.stdout


async def test_a_case_counts_one_pause_and_its_dialogs_say_what_they_do(tmp_path, make_app):
    path = a_branch_day(tmp_path / "branch.sqlite", "en")
    store = Store.open(str(path))
    try:
        lobby = store.staff.sign_in(*LOBBY)
        case = store.complaints.cases(lobby)[0]
        store.complaints.pause(lobby, case.id, "Sent to the card maker", at=NOW)
    finally:
        store.close()
    app = make_app(path, "en", clock=lambda: NOW + timedelta(hours=1))
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *REVIEWER)
        await pilot.press("f5", "f5", "enter")
        await settle(pilot)
        fields = shown(app, "#case-fields")
        assert "1 pause)" in fields and "0 extensions" in fields
        assert "The customer's request: The card back today" in fields
        await pilot.press("r")
        await settle(pilot)
        assert "TS-20261129-001: Resume the clock" in screen_text(app)


async def test_a_registered_complaint_shows_its_request_as_the_customers_request(
    tmp_path, make_app
):
    app = make_app(a_branch_day(tmp_path / "branch.sqlite", "zh"), "zh", clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, *REVIEWER)
        await pilot.press("f7", "enter")  # the newest entry: the complaint's registering step
        await settle(pilot)
        fields = shown(app, "#detail-fields")
    assert "投诉请求: 当天取回银行卡" in fields, fields
    assert "结果" not in fields


async def test_the_follow_up_hint_is_never_a_day_that_passes(tmp_path, make_app):
    app = make_app(a_branch_day(tmp_path / "branch.sqlite", "zh"), "zh", clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, *LOBBY)
        await pilot.press("f3")
        await settle(pilot)
        hint = app.screen.query_one("#input-due", Input).placeholder
    assert "+3" in hint
    assert not re.search(r"20\d\d", hint)


async def test_the_sign_off_panel_shows_who_signed_and_their_comment_whole(tmp_path, make_app):
    path = a_branch_day(tmp_path / "branch.sqlite", "zh")
    comment = "已审阅，投诉案件请于明日跟进，转介成功率偏低需复盘" * 3
    store = Store.open(str(path))
    try:
        store.summary.sign_off(store.staff.sign_in(*REVIEWER), NOW.date(), comment)
    finally:
        store.close()
    app = make_app(path, "zh", clock=lambda: NOW)
    async with app.run_test(size=(200, 50)) as pilot:
        await sign_in(pilot, *REVIEWER)
        await pilot.press("f8")
        await settle(pilot)
        panel = shown(app, "#summary-sign-off")
    assert "陈刚 (8001)" in panel
    assert "…" not in panel
    assert panel.replace("\n", "").count("转介成功率偏低需复盘") == 3

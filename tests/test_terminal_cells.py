"""Readable on the terminal a branch really has: text measured and cut by terminal cells, the
desk's side panel folded on a narrow terminal, pick lists that never part a number from its
label, F1–F9 in the footer in order."""

from __future__ import annotations

from rich.cells import cell_len
from textual.binding import Binding
from textual.widgets import DataTable

from lobby_tui.domain.text import visible
from lobby_tui.widgets.cells import cell_line, fit_cells
from lobby_tui.widgets.timeline import Timeline
from tests.branch_day import NOW, REVIEWER, a_branch_day
from tests.conftest import settle, sign_in
from tests.screen_text import screen_text


async def until_shown(pilot, text: str, tries: int = 20) -> str:
    """The screen's text once ``text`` is on it (a panel's reader may finish after the rest)."""
    for _attempt in range(tries):
        shown = screen_text(pilot.app)
        if text in shown:
            return shown
        await settle(pilot)
        await pilot.pause(0.05)
    raise AssertionError(f"{text!r} never shown:\n{shown}")


def test_a_chinese_line_is_cut_by_cells_with_an_ellipsis():
    assert cell_line("老大爷开卡并存款", 9) == "老大爷开…"
    assert cell_len(cell_line("老大爷开卡并存款", 8)) <= 8
    assert cell_line("ATM 吞卡", 20) == "ATM 吞卡"
    assert fit_cells("Complaint", 4, ellipsis=False) == "Comp"
    assert fit_cells("投诉啊", 3, ellipsis=False) == "投"


def test_a_skin_tone_never_pushes_a_row_out_of_line():
    # Terminals draw 👍🏽 in two cells where Rich counts four: the tone is left out.
    assert visible("满意👍🏽") == "满意👍"
    assert cell_len(cell_line("满意👍🏽" * 10, 12)) <= 12


async def test_at_80_columns_the_desk_folds_its_side_panel_and_keeps_40_cells_of_entry(
    tmp_path, make_app
):
    app = make_app(a_branch_day(tmp_path / "branch.sqlite", "zh"), "zh", clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, *REVIEWER)
        desk = app.screen
        assert desk.has_class("-narrow")
        assert not desk.query_one("#desk-side").display
        assert desk.query_one("#desk-fold").display
        entry = desk.query_one(Timeline).columns
        assert max(column.width for column in entry.values()) >= 40
        # The side panel, folded into one line (its open complaints are read on their own).
        shown = await until_shown(pilot, "未结投诉：1 TS-20261129-001")
        assert "老大爷开卡并存款，已协助填单，客户很满意👍" in shown
        shown_keys = [
            app.get_key_display(Binding(key, "x")) for key in ("f2", "f", "ctrl+s", "home")
        ]
        assert shown_keys == ["F2", "f", "^S", "Home"]  # as the keyboard prints them
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert not desk.has_class("-narrow")
        assert desk.query_one("#desk-side").display


async def test_every_row_of_the_desk_is_as_wide_as_the_table(tmp_path, make_app):
    app = make_app(a_branch_day(tmp_path / "branch.sqlite", "en"), "en", clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, *REVIEWER)
        table = app.screen.query_one(Timeline)
        widths = {
            sum(cell_len(segment.text) for segment in table.render_line(y))
            for y in range(table.row_count + 1)
        }
        assert widths == {table.size.width}
        shown = screen_text(app)
        assert "Helped an elderly man" in shown
        assert "\U0001f3fd" not in shown  # the skin tone


async def test_a_pick_list_never_parts_a_number_from_its_label(tmp_path, make_app):
    app = make_app(a_branch_day(tmp_path / "branch.sqlite", "en"), "en", clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, *REVIEWER)
        await pilot.press("f2")
        await settle(pilot)
        shown = screen_text(app)
    assert "8 E-banking / mobile banking" in shown
    assert "7 Counter 7" in shown
    for line in shown.splitlines():
        assert not line.rstrip(" │").endswith((" 4", " 7", " 8")), line


async def test_the_lists_keep_their_handler_and_text_columns_at_80_columns(tmp_path, make_app):
    app = make_app(a_branch_day(tmp_path / "branch.sqlite", "zh"), "zh", clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, *REVIEWER)
        for keys, wanted in ((("f6",), ("target", "text")), (("f5", "f5"), ("handler", "facts"))):
            await pilot.press(*keys)
            await settle(pilot)
            table = app.screen.query_one(DataTable)
            shown = [key.value for key in table.columns]
            assert set(wanted) <= set(shown), shown
            assert sum(c.width + 2 for c in table.columns.values()) <= table.size.width
            await pilot.press("escape")
            await settle(pilot)

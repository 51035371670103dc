"""Focus must be obvious: the field in use stands out from the others, not only by a one-cell
cursor, on sign-in and in the log browser's filters reached with Ctrl+F."""

from __future__ import annotations

from textual.widgets import Input, Select

from tests.branch_day import NOW, REVIEWER, a_branch_day
from tests.conftest import settle, sign_in


async def test_on_sign_in_the_field_in_use_is_lit_and_its_label_marked(tmp_path, make_app):
    app = make_app(a_branch_day(tmp_path / "branch.sqlite", "zh"), "zh", clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        staff_no, pin = app.screen.query(Input)
        assert app.focused is staff_no
        assert staff_no.styles.background != pin.styles.background
        labels = [field.query_one(".field-label") for field in app.screen.query(".field")]
        assert labels[0].styles.text_style != labels[1].styles.text_style
        await pilot.press("tab")
        assert app.focused is pin
        assert staff_no.styles.background != pin.styles.background


async def test_the_kind_filter_reached_with_ctrl_f_is_lit(tmp_path, make_app):
    app = make_app(a_branch_day(tmp_path / "branch.sqlite", "en"), "en", clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, *REVIEWER)
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        kind, business, *_others = app.screen.query(Select)
        assert app.focused is kind
        lit = kind.query_one("SelectCurrent").styles.background
        assert lit != business.query_one("SelectCurrent").styles.background

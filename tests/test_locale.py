"""Two languages: every string on screen has its Chinese, and the language is chosen as promised."""

from __future__ import annotations

import gettext
import io

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from textual.widgets import Static

from lobby_tui import locale
from lobby_tui.config import load_settings
from lobby_tui.data.views import Actor
from lobby_tui.domain.roles import Role
from lobby_tui.locale.build import extract, po_path
from lobby_tui.screens.checklists import ChecklistsScreen
from lobby_tui.screens.complaint_case import CaseScreen
from lobby_tui.screens.complaint_list import ComplaintListScreen
from lobby_tui.screens.desk import DeskScreen
from lobby_tui.screens.entry_detail import EntryDetailScreen
from lobby_tui.screens.handover import HandoverNoteScreen, HandoverReadScreen
from lobby_tui.screens.help import HelpScreen
from lobby_tui.screens.lock import LockScreen
from lobby_tui.screens.log_browser import LogBrowserScreen
from lobby_tui.screens.note import NoteScreen
from lobby_tui.screens.setup import SetupScreen
from lobby_tui.screens.summary import SummaryScreen
from tests.conftest import settle, sign_in


def catalog(language: str):
    with po_path(language).open("rb") as handle:
        return read_po(handle)


def test_every_marked_string_has_a_chinese_translation():
    chinese = catalog("zh")
    marked = [message.id for message in extract() if message.id]
    assert len(marked) > 100
    untranslated = [i for i in marked if chinese.get(i) is None or not chinese.get(i).string]
    assert untranslated == []


def test_the_compiled_catalogs_match_their_sources():
    for language in ("zh", "en"):
        source = catalog(language)
        compiled = io.BytesIO()
        write_mo(compiled, source)
        compiled.seek(0)
        expected = gettext.GNUTranslations(compiled)
        with po_path(language).with_suffix(".mo").open("rb") as handle:
            shipped = gettext.GNUTranslations(handle)
        for message in source:
            if message.id:
                assert shipped.gettext(message.id) == expected.gettext(message.id), message.id


async def test_a_day_in_chinese_shows_no_untranslated_string(tmp_path, make_app):
    app = make_app(tmp_path / "new.sqlite", "zh")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
        await pilot.press("ctrl+s")  # every field's error message
        await pilot.press(*"SH0101", "enter", *"Lujiazui", "enter", *"9001", "enter")
        await pilot.press(*"Zhang", "enter", *"999999", "enter", *"999999", "enter")
        await settle(pilot)
        await sign_in(pilot, "9001", "000000")  # a refusal
        await pilot.press(*"999999", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        await pilot.press("n", "ctrl+s")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"ok", "ctrl+s")
        await settle(pilot)
        await pilot.press("escape", "f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        for form in ("f2", "f3", "f4"):  # each form, and each of its refusals
            await pilot.press(form, "ctrl+s")
        await pilot.press("f4", *"A023", "enter", "1", "1", *"fund", "ctrl+s")
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("enter")  # the hand-off's history
        await settle(pilot)
        await pilot.press("escape", "escape", "e", "ctrl+s")  # a revision without its reason
        await pilot.press("escape", "v", "escape")
        await a_complaint_in_chinese(pilot)
        await pilot.press("ctrl+l")
        assert isinstance(app.screen, LockScreen)
        await pilot.press("enter")
        await pilot.press(*"999999", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        assert str(app.screen.query_one(".panel-title").content) == "今日值班日志"
        await pilot.press("f8")  # the day summary, a refused day, and the admin's sign-off
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("right", "d", *"13-45", "enter", "backspace", "enter", "p", "t")
        await settle(pilot)
        await pilot.press("s", *"已阅", "enter")
        await settle(pilot)
        assert "已阅" in str(app.screen.query_one("#summary-sign-off").render())
        await pilot.press("f7")  # the log browser: a search, a refused date, no match, export
        await settle(pilot)
        assert isinstance(app.screen, LogBrowserScreen)
        await pilot.press("slash", *"A023", "enter", "end")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")  # back to the same search in F7
        await settle(pilot)
        assert isinstance(app.screen, LogBrowserScreen)
        await pilot.press("escape", "f7")  # a fresh F7: closed cases only
        await settle(pilot)
        await pilot.press("ctrl+f", "tab", "tab", "tab", "tab", "enter", *["down"] * 7, "enter")
        await settle(pilot)
        await pilot.press("enter")  # a complaint step: its case's timeline, then the case
        await settle(pilot)
        assert isinstance(app.screen, EntryDetailScreen)
        assert "已办结" in str(app.screen.query_one("#detail-case").render())
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("escape", "f7")
        await settle(pilot)
        await pilot.press("slash", "tab", *"yesterday", "enter")
        await pilot.press("slash", "tab", "ctrl+u", "enter", *"邮政")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press("escape")
        await pilot.press("ctrl+p", *"note")
        await pilot.pause(0.3)
        await pilot.press("escape")
        await walk_the_checks_and_hand_over(pilot)
    assert sorted(locale.missing) == []


async def a_complaint_in_chinese(pilot) -> None:
    """Register a complaint (its refusals first), list it, and take it through every step."""
    app = pilot.app
    await pilot.press("f5", "ctrl+s")  # every field's refusal
    await pilot.press("escape", "f5")
    await settle(pilot)
    # Complained about oneself: refused for recusal, then nobody named.
    await pilot.press("enter", "1", "3", "2", "1", *"Wang", "enter", *"13812345678", "enter")
    await pilot.press("2", "enter", "enter", *"ATM card", "ctrl+s")
    await settle(pilot)
    await pilot.press("shift+tab", "1", "ctrl+s")
    await settle(pilot)
    assert str(app.screen.query_one("#form-status").content).startswith("已受理 TS-")
    await pilot.press("escape")
    await settle(pilot)
    await pilot.press("f5", "f5")
    await settle(pilot)
    assert isinstance(app.screen, ComplaintListScreen)
    for key in ("v", "o", "h", "h", "o", "s"):  # each filter: a red case, received
        await pilot.press(key)
        await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, CaseScreen)
    steps = [
        ("x", "ctrl+s", *"complex", "ctrl+s"),  # an extension needs its reason
        # A further one: the reason, the approver and the customer told, then given.
        ("x", "ctrl+s", *"more", "tab", "tab", *"Wang", "tab", "1"),
        ("p", *"appraisal", "ctrl+s"),
        ("r", "ctrl+s"),
        ("f", "ctrl+s", *"new facts", "ctrl+s"),
        ("d", "ctrl+s", *"card returned", "tab", "1", "ctrl+s"),
        ("u", "1", "ctrl+s"),
        ("c", "ctrl+s"),
        ("w",),  # closed: refused at once
    ]
    for keys in steps:
        await pilot.press(*keys)
        await settle(pilot)
    assert "已办结" in str(app.screen.query_one("#case-title").content)
    await pilot.press("f6", "l")
    await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)


async def walk_the_checks_and_hand_over(pilot) -> None:
    """F9 with a problem and F8 saying so, the sign-out dialog with a complaint still open, and
    two readers of the handover note."""
    app = pilot.app
    await pilot.press("f9")
    await settle(pilot)
    assert isinstance(app.screen, ChecklistsScreen)
    await pilot.press("1", "p", "enter", "p", *"no paper", "enter", *"o" * 6)
    await settle(pilot)
    await pilot.press("escape", "f8")
    await settle(pilot)
    assert "营业前   ✓ · 问题：1" in str(app.screen.query_one("#summary-section-6").render())
    await pilot.press("escape")
    await settle(pilot)
    app.store.complaints.register(
        app.actor,
        channel="on_site",
        business="bank_cards",
        cause="facilities",
        severity="green",
        complainant_name="Li",
        facts="queue too long",
    )
    await app.run_action("sign_out")
    await settle(pilot)
    assert isinstance(app.screen, HandoverNoteScreen)
    assert "还剩 15 天" in str(app.screen.query_one("#handover-open").render())
    await pilot.press(*"A023", "ctrl+s")
    await settle(pilot)
    for staff_no, pin in (("1001", "111111"), ("1002", "222222")):
        app.store.staff.add(Actor.console(), staff_no, staff_no, Role.LOBBY, pin)
        await sign_in(pilot, staff_no, pin)
        assert isinstance(app.screen, HandoverReadScreen)
        shown = " ".join(str(text.content) for text in app.screen.query(Static))
        assert ("9001" in shown, "已于" in shown) == (True, staff_no == "1002")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        app.sign_out(notice="")  # as a locked-out terminal does: no dialog, no note
        await settle(pilot)


def test_the_language_comes_from_the_flag_then_the_config_then_the_environment(tmp_path):
    english = tmp_path / "english.toml"
    english.write_text('language = "en"\n', encoding="utf-8")
    silent = tmp_path / "silent.toml"
    silent.write_text("", encoding="utf-8")

    def language(flag=None, config=silent, **environ):
        return load_settings(language=flag, config=str(config), environ=environ).language

    assert language("zh", english, LANG="en_US.UTF-8") == "zh"
    assert language(config=english, LANG="zh_CN.UTF-8") == "en"
    assert language(LANG="zh_CN.UTF-8") == "zh"
    assert language(LC_ALL="zh_TW.UTF-8", LANG="en_US.UTF-8") == "zh"
    assert language(LANG="en_US.UTF-8") == "en"
    assert language() == "en"

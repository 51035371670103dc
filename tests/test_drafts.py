"""Drafts: what the lobby manager typed and did not save yet survives Esc, a crash and `kill -9`.

A draft is kept per staff member and form, replaced as she types and forgotten once the form is
saved. It is never part of the duty log.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor, PermissionDenied
from lobby_tui.domain.validation import ValidationError

# The *_fixture names are pytest fixtures (db_path, store, lobby, admin): pytest finds them here.
from tests.store_fixtures import (  # noqa: F401
    LOBBY_NO,
    LOBBY_PIN,
    ROOT,
    add_staff,
    admin_fixture,
    db_path_fixture,
    lobby_fixture,
    rows,
    store_fixture,
)

COLLEAGUE_NO, COLLEAGUE_PIN = "1002", "222222"
HALF_TYPED = {"ticket": "A02", "business": "deposit", "text": "老人存一年定期"}

# A terminal that types half a guidance entry and is killed (SIGKILL) before it can save it.
TYPE_THEN_DIE = """
import os, signal, sys
from lobby_tui.data.store import Store
store = Store.open(sys.argv[1])
actor = store.staff.sign_in(sys.argv[2], sys.argv[3])
store.drafts.save(
    actor, "queue", {"ticket": "A02", "business": "deposit", "text": "老人存一年定期"}
)
os.kill(os.getpid(), signal.SIGKILL)
"""

HOSTILE = {
    "markup": "[bold]x[/] [link=x]y[/link]",
    "escape": "\x1b[2J",
    "tabs_and_newlines": "票号\tA023\n第二行\r\n",
    "emoji": "客户很满意 👍🏻 👩\u200d💼",
    "mixed": "Customer 王先生 asked about USD 汇率",
    "ten_thousand": "长" * 10_000,
    "empty": "",
}


def draft_rows(path: Path) -> list[tuple]:
    return rows(path, "SELECT staff_id, form FROM draft ORDER BY staff_id, form")


def test_a_half_typed_entry_comes_back_after_the_terminal_was_killed(
    store: Store, db_path: Path
) -> None:
    killed = subprocess.run(
        [sys.executable, "-c", TYPE_THEN_DIE, str(db_path), LOBBY_NO, LOBBY_PIN],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert killed.returncode == -9, killed.stderr

    restarted = Store.open(str(db_path))
    try:
        signed_in_again = restarted.staff.sign_in(LOBBY_NO, LOBBY_PIN)
        assert restarted.drafts.load(signed_in_again) == {"queue": HALF_TYPED}
    finally:
        restarted.close()
    assert rows(db_path, "SELECT count(*) FROM entry") == [(0,)]


def test_each_form_keeps_its_own_draft_and_the_last_save_wins(
    store: Store, lobby: Actor, db_path: Path
) -> None:
    store.drafts.save(lobby, "queue", {"ticket": "A0"})
    store.drafts.save(lobby, "handoff", {"ticket": "V01", "target": "vip_room"})
    store.drafts.save(lobby, "queue", HALF_TYPED)

    assert store.drafts.load(lobby) == {
        "queue": HALF_TYPED,
        "handoff": {"ticket": "V01", "target": "vip_room"},
    }
    assert draft_rows(db_path) == [(lobby.staff_id, "handoff"), (lobby.staff_id, "queue")]


def test_saving_the_form_clears_its_draft_only(store: Store, lobby: Actor, db_path: Path) -> None:
    store.drafts.save(lobby, "queue", HALF_TYPED)
    store.drafts.save(lobby, "enquiry", {"topic": "forex"})

    store.drafts.clear(lobby, "queue")
    store.drafts.clear(lobby, "complaint")  # never drafted: nothing to clear, no error

    assert store.drafts.load(lobby) == {"enquiry": {"topic": "forex"}}
    assert draft_rows(db_path) == [(lobby.staff_id, "enquiry")]


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_draft_keeps_odd_input_exactly_as_typed(store: Store, lobby: Actor, value: str) -> None:
    store.drafts.save(lobby, "enquiry", {"text": value, "outcome": value})

    assert store.drafts.load(lobby) == {"enquiry": {"text": value, "outcome": value}}


def test_a_field_over_ten_thousand_characters_is_refused_and_the_last_draft_kept(
    store: Store, lobby: Actor
) -> None:
    store.drafts.save(lobby, "enquiry", {"text": "咨询美元汇率"})

    with pytest.raises(ValidationError) as refused:
        store.drafts.save(lobby, "enquiry", {"text": "x" * 10_001})

    assert refused.value.field == "text"
    assert store.drafts.load(lobby) == {"enquiry": {"text": "咨询美元汇率"}}


@pytest.mark.parametrize("form", ["", "x" * 17])
def test_a_form_name_must_be_one_to_sixteen_characters(
    store: Store, lobby: Actor, db_path: Path, form: str
) -> None:
    with pytest.raises(ValueError):
        store.drafts.save(lobby, form, {"text": "x"})

    assert draft_rows(db_path) == []


def test_a_colleague_neither_sees_nor_clears_my_drafts(store: Store, lobby: Actor) -> None:
    add_staff(store, COLLEAGUE_NO, COLLEAGUE_PIN)
    colleague = store.staff.sign_in(COLLEAGUE_NO, COLLEAGUE_PIN)
    store.drafts.save(lobby, "queue", HALF_TYPED)

    assert store.drafts.load(colleague) == {}
    store.drafts.clear(colleague, "queue")
    store.drafts.save(colleague, "queue", {"ticket": "B1"})

    assert store.drafts.load(lobby) == {"queue": HALF_TYPED}
    assert store.drafts.load(colleague) == {"queue": {"ticket": "B1"}}


def test_the_command_line_has_no_drafts(store: Store, db_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        store.drafts.save(Actor.console(), "queue", HALF_TYPED)
    with pytest.raises(PermissionDenied):
        store.drafts.load(Actor.console())

    assert draft_rows(db_path) == []


def test_a_draft_is_not_in_the_duty_log(store: Store, lobby: Actor) -> None:
    store.drafts.save(lobby, "queue", HALF_TYPED)

    desk = store.entries.desk(lobby)

    assert (desk.entries, desk.counts, desk.open_items) == ([], {}, [])

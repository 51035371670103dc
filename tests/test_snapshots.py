"""What staff see, screen by screen and dialog by dialog: every scene in both languages, on the
80×24 terminal a branch really has and on a 120×40 one (pytest-textual-snapshot).

A scene is one row of ``SCENES``: the branch it starts from (tests/snapshot_data.py), who signs
in, and the keys (or steps) that reach it. Adding a screen is adding a row.

Deterministic on purpose: the app's clock and the data layer's read ``NOW``; each scene runs in
a folder of its own with the database named relative to it, and a home folder of a fixed name;
cursors do not blink; a picture is taken when the screen stops changing.

After a deliberate change of a screen, regenerate the pictures with one command, and look at
the ones that changed (``git status tests/__snapshots__``)::

    make snapshots

(that is ``.venv/bin/python -m pytest tests/test_snapshots.py --snapshot-update``, in one
process: under xdist syrupy neither deletes nor reports the pictures of scenes no longer in the
table, which ``test_a_picture_for_each_scene_and_no_other`` then does). Run ``make test`` or
the same command without ``--snapshot-update`` to see them pass a second time.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.widgets import Static

from lobby_tui.data.faults import FAULT_LABELS, Fault
from lobby_tui.locale import _
from lobby_tui.screens.quit_waiting import QuitWithSavesWaiting
from tests.branch_day import NOW, REVIEWER
from tests.conftest import ADMIN, settle, type_back_to_back
from tests.screen_text import screen_text
from tests.snapshot_data import DB_URL, Branches, freeze_data_clock

LOBBY = ("1001", "111111")
LANGUAGES = ("en", "zh")
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
PICTURES = Path(__file__).parent / "__snapshots__" / Path(__file__).stem
STEADY_TRIES = 20
# What F7 says its page took: the one thing on screen no clock can fix.
MILLISECONDS = re.compile(r"\d+(\s*(ms|毫秒))")

Step = str | Callable[..., Awaitable[None]]


@dataclass(frozen=True)
class Scene:
    steps: tuple[Step, ...] = ()  # keys pressed (or steps run) once signed in
    who: tuple[str, str] | None = REVIEWER  # None: nobody signs in
    branch: str = "day"  # tests/snapshot_data.py BRANCHES


async def sign_out(pilot) -> None:
    await pilot.app.run_action("sign_out")


async def quit_with_saves_waiting(pilot) -> None:
    """Two saves waiting when Ctrl+Q is pressed: a fault only another test can make happen."""
    why = _(FAULT_LABELS[Fault.BUSY])  # as the app says it (app.action_quit)
    await pilot.app.push_screen(QuitWithSavesWaiting(2, why))


async def signed_in(pilot, staff_no: str, pin: str) -> None:
    """As a person types at the sign-in screen: without waiting for the app between keys."""
    await settle(pilot)
    type_back_to_back(pilot.app, [*staff_no, "enter", *pin, "enter"])
    await settle(pilot)


async def refused_pin(pilot) -> None:
    await signed_in(pilot, LOBBY[0], "000000")


HALF_WALKED = ("f9", "1", "o", "o", "p", *"left half dark", "enter", "o", "p")
A_NEW_MEMBER = ("f10", "a", *"1003", "enter", *"李娜", "enter", "1", *"123456")

# name → how to reach it. The reviewer (8001) signs in unless said otherwise.
SCENES: dict[str, Scene] = {
    "setup": Scene(who=None, branch="empty"),
    "sign_in": Scene(who=None),
    "sign_in_refused": Scene((refused_pin,), who=None),
    "desk": Scene(),
    "desk_of_the_lobby_manager": Scene(who=LOBBY),
    "help": Scene(("f1",)),
    "note": Scene(("n",)),
    "note_refused": Scene(("n", "ctrl+s")),
    "queue": Scene(("f2",)),
    "enquiry": Scene(("f3",)),
    "handoff": Scene(("f4",)),
    "complaint": Scene(("f5",)),
    "complaint_list": Scene(("f5", "f5")),
    "complaint_case": Scene(("f5", "f5", "enter")),
    "complaint_step_extend": Scene(("f5", "f5", "enter", "x")),
    "complaint_step_decide": Scene(("f5", "f5", "enter", "d")),
    "complaint_step_refused": Scene(("f5", "f5", "enter", "c")),
    "entry_detail": Scene(("enter",)),
    "reveal_pick": Scene(("enter", "r")),
    "revise": Scene(("e",)),
    "void": Scene(("v",)),
    "draft_back": Scene(branch="draft"),
    "open_items": Scene(("f6",)),
    "handover_note": Scene((sign_out,)),
    "handover_read": Scene(branch="handed_over"),
    "log": Scene(("f7",)),
    "log_filters": Scene(("f7", "ctrl+f")),
    "log_export": Scene(("f7", "ctrl+e")),
    "summary": Scene(("f8",)),
    "summary_sign_off": Scene(("f8", "s")),
    "summary_day_refused": Scene(("f8", "d", *"13-40", "enter")),
    "checklists": Scene(("f9",)),
    "checklist_half_walked": Scene(HALF_WALKED),
    "staff": Scene(("f10",), who=ADMIN),
    "staff_add": Scene(A_NEW_MEMBER, who=ADMIN),
    "lock": Scene(("ctrl+l",)),
    "quit_with_saves_waiting": Scene((quit_with_saves_waiting,)),
    "command_palette": Scene(("ctrl+p",)),
}


async def steady(pilot) -> None:
    """Settle until the screen stops changing, and stop the cursors blinking: a picture must not
    depend on when it is taken. On a loaded machine a panel's reader (the desk's open complaints,
    its checks) may start after a first settle: the picture waits for it."""
    await settle(pilot)
    shown = None
    for _attempt in range(STEADY_TRIES):
        for field in pilot.app.screen.query("Input, TextArea"):
            field.cursor_blink = False
        await pilot.pause(0.05)
        now = screen_text(pilot.app)
        if now == shown:
            return
        shown = now
        await settle(pilot)


async def desk_loaded(pilot) -> None:
    """Wait for the desk's own readers: its open complaints and its checks, which a loaded
    machine may start after the first settle."""
    desk = next(screen for screen in pilot.app.screen_stack if screen.id == "desk")
    for _attempt in range(STEADY_TRIES):
        if desk.snapshot is not None and desk.complaints and desk.checks:
            return
        await settle(pilot)
        await pilot.pause(0.05)
    raise AssertionError("the desk never finished loading")


async def page_time_fixed(pilot) -> None:
    for screen in pilot.app.screen_stack:
        for status in screen.query("#log-status").results(Static):
            status.update(MILLISECONDS.sub(r"9\1", str(status.render())))
            await pilot.pause()


def reach(scene: Scene) -> Callable[..., Awaitable[None]]:
    async def there(pilot) -> None:
        if scene.who is not None:
            await signed_in(pilot, *scene.who)
            if any(screen.id == "desk" for screen in pilot.app.screen_stack):
                await desk_loaded(pilot)
        for step in scene.steps:
            if isinstance(step, str):
                await pilot.press(step)
            else:
                await step(pilot)
        await steady(pilot)
        await page_time_fixed(pilot)

    return there


@pytest.fixture(scope="session")
def branches(tmp_path_factory: pytest.TempPathFactory) -> Branches:
    return Branches(tmp_path_factory.mktemp("snapshot-branches"))


@pytest.fixture
def scene_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The scene's own folder as the working directory, a home folder of a fixed name (the
    export dialog proposes a file in it), and the program's clock at ``NOW``."""
    folder = tmp_path / "scene"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.setenv("HOME", "/home/duty")
    freeze_data_clock(monkeypatch)
    return folder


@pytest.mark.parametrize("size", list(SIZES.values()), ids=list(SIZES))
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(SCENES))
def test_each_screen(
    snap_compare, make_app, branches, scene_folder, name: str, language: str, size
) -> None:
    scene = SCENES[name]
    branches.copy(scene.branch, language, scene_folder)
    app = make_app(DB_URL, language, clock=lambda: NOW)
    app.NOTIFICATION_TIMEOUT = 600  # a toast stays in the picture however slow the machine
    assert snap_compare(app, terminal_size=size, run_before=reach(scene))


def test_a_picture_for_each_scene_and_no_other(request: pytest.FixtureRequest) -> None:
    """A scene renamed or dropped leaves no stale picture behind (syrupy under xdist does not
    say), and every scene has its pictures."""
    if request.config.option.update_snapshots:
        pytest.skip("the pictures are being made; syrupy removes the stale ones at the end")
    wanted = {
        f"test_each_screen[{name}-{language}-{size}].svg"
        for name in SCENES
        for language in LANGUAGES
        for size in SIZES
    }
    assert sorted(path.name for path in PICTURES.glob("*.svg")) == sorted(wanted)

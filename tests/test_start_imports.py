"""What the TUI has imported when its first frame is drawn (issue 15, bench/first_frame.py).

`lobby-tui` is started as a person starts it, through ``cli.main``, in a fresh interpreter; when
the App is ready (its first frame drawn) the names in ``sys.modules`` are written down and the
App leaves, before it opens the database. The database layer, the other screens, the reference
lists and TOML, the multi-line field and the subcommands are loaded later, when first needed:
each of them costs milliseconds that the sign-in screen would otherwise wait for.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.store_fixtures import ROOT

SCRIPT = """
import json, sys
from textual.app import App
from lobby_tui import cli
from lobby_tui.app import LobbyApp

out = sys.argv[2]

def on_ready(self):
    with open(out, "w", encoding="utf-8") as file:
        json.dump(sorted(sys.modules), file)
    self.exit()

LobbyApp.on_ready = on_ready
LobbyApp.run = lambda self: App.run(self, headless=True)
raise SystemExit(cli.main(["--db", sys.argv[1], "--lang", "en"]))
"""

# Module name prefixes that must wait until after the first frame.
NOT_BEFORE_THE_FRAME = (
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "babel",
    "tomllib",
    "lobby_tui.data",
    "lobby_tui.commands",
    "lobby_tui.domain.lists",
    "lobby_tui.domain.keymap",
    "lobby_tui.domain.complaint_steps",
    "lobby_tui.cli_branches",
    "lobby_tui.cli_staff",
    "lobby_tui.cli_export",
    "lobby_tui.cli_demo",
    "lobby_tui.cli_database",
    "lobby_tui.widgets.text_field",
    "textual.widgets._text_area",
)
SCREENS_OF_THE_FRAME = {"lobby_tui.screens.base", "lobby_tui.screens.registry"}


def imported_at_first_frame(tmp_path: Path) -> list[str]:
    out = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "lobby.sqlite"), str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(out.read_text(encoding="utf-8"))


def test_the_first_frame_waits_for_no_database_layer_no_other_screen_no_lists(tmp_path: Path):
    modules = imported_at_first_frame(tmp_path)
    assert "lobby_tui.screens.signin" in modules  # the frame was drawn by our App
    too_early = [
        name
        for name in modules
        if any(name == prefix or name.startswith(prefix + ".") for prefix in NOT_BEFORE_THE_FRAME)
    ]
    assert too_early == []
    other_screens = {
        name for name in modules if name.startswith("lobby_tui.screens.")
    } - SCREENS_OF_THE_FRAME
    assert other_screens == {"lobby_tui.screens.signin"}

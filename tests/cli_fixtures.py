"""Shared ground for the command-line and export tests: the real ``lobby-tui`` in a subprocess.

Every run gets its own home, config and data folders under the test's temporary folder, so the
user's real database and config file are never read or touched, and English messages unless a
test asks for another language.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from shlex import split

import pytest

from lobby_tui.data.store import Store
from lobby_tui.data.views import Actor
from tests.store_fixtures import LOBBY_NO, LOBBY_PIN, set_up_branch

CLI_TIMEOUT_S = 60
# Variables of the developer's own session that would point the program elsewhere.
SCRUBBED = (
    "LOBBY_TUI_DB",
    "LOBBY_TUI_CONFIG",
    "LOBBY_TUI_STATE",
    "LC_ALL",
    "LC_MESSAGES",
    "LANGUAGE",
)


@dataclass(frozen=True)
class Run:
    """What one command printed and how it exited. Output is decoded as UTF-8, newlines kept."""

    returncode: int
    stdout: str
    stderr: str

    def error_line(self) -> str:
        """The one line of a refusal; fails the test unless the command failed exactly so."""
        assert self.returncode == 1, (self.returncode, self.stdout, self.stderr)
        assert "Traceback" not in self.stderr, self.stderr
        assert self.stdout == "", self.stdout
        lines = self.stderr.splitlines()
        assert len(lines) == 1, self.stderr
        assert lines[0].startswith("lobby-tui: "), lines[0]
        return lines[0]


class Cli:
    """``lobby-tui`` as a deploying admin or a reporting script would type it."""

    def __init__(self, home: Path) -> None:
        self.cwd = home
        env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
        for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
            folder = home / name.lower()
            folder.mkdir(exist_ok=True)
            env[name] = str(folder)
        env["LANG"] = "C.UTF-8"
        self.env = env

    @property
    def config_file(self) -> Path:
        """Where the program looks for its config when none is named."""
        return Path(self.env["XDG_CONFIG_HOME"]) / "lobby-tui" / "config.toml"

    def __call__(self, *words: str | Path, stdin: str = "", **env: str) -> Run:
        """Run ``lobby-tui`` with ``words`` as typed in a shell; a ``Path`` is one argument whole.

        ``env`` adds or overrides environment variables for this run only.
        """
        args: list[str] = []
        for word in words:
            args += [str(word)] if isinstance(word, Path) else split(word)
        done = subprocess.run(
            [sys.executable, "-m", "lobby_tui", *args],
            input=stdin.encode(),
            capture_output=True,
            cwd=self.cwd,
            env={**self.env, **env},
            timeout=CLI_TIMEOUT_S,
            check=False,
        )
        return Run(done.returncode, done.stdout.decode(), done.stderr.decode())


@pytest.fixture(name="cli")
def cli_fixture(tmp_path: Path) -> Cli:
    home = tmp_path / "home"
    home.mkdir()
    return Cli(home)


@pytest.fixture(name="branch_db")
def branch_db_fixture(tmp_path: Path, engine: str, request: pytest.FixtureRequest) -> Path | str:
    """A branch database as on the first morning: the admin 9001 and the lobby manager 1001;
    a file, or a database on the run's PostgreSQL cluster (the CLI tests run on both)."""
    if engine == "postgresql":
        path = request.getfixturevalue("pg_cluster").new_database()
    else:
        path = tmp_path / "branch.sqlite"
    store = set_up_branch(path)
    store.close()
    return path


def write_notes(path: Path, *texts: str, staff_no: str = LOBBY_NO, pin: str = LOBBY_PIN) -> None:
    """The lobby manager signs in and writes ``texts`` as notes, one after the other."""
    store = Store.open(str(path))
    try:
        actor = store.staff.sign_in(staff_no, pin)
        for text in texts:
            store.entries.add_note(actor, text)
    finally:
        store.close()


def staff_states(path: Path) -> dict[str, tuple[str, bool]]:
    """``staff_no -> (name, active)`` as the data layer reads it back."""
    store = Store.open(str(path))
    try:
        return {s.staff_no: (s.name, s.active) for s in store.staff.members(Actor.console())}
    finally:
        store.close()

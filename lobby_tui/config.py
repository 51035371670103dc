"""Settings: which database, which language, idle lock, keymap, the branch's reference lists.

Order of precedence: command-line flags, then the environment (``LOBBY_TUI_DB``, ``LANG``), then
the TOML config file, then defaults. A bad config file is reported with its line, never a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lobby_tui.locale import LANGUAGES, N_, _, language_from_environment

if TYPE_CHECKING:
    from lobby_tui.domain.lists import BranchLists

# The reference lists, the keymap's ids and TOML itself are imported only when a config file
# names them: the TUI reads its settings before its first frame (bench/first_frame.py).

APP_NAME = "lobby-tui"
DB_ENV = "LOBBY_TUI_DB"
CONFIG_ENV = "LOBBY_TUI_CONFIG"
STATE_ENV = "LOBBY_TUI_STATE"
DEFAULT_IDLE_LOCK_MINUTES = 10.0
# How long a write waits for another terminal's lock before the save waits in the pending-saves
# queue, and how often a waiting save is tried again (seconds).
DEFAULT_BUSY_TIMEOUT = 10.0
DEFAULT_SAVE_RETRY = 2.0
# How often the desk asks whether the branch's log has moved: another terminal's save.
DEFAULT_PEER_CHECK = 10.0
SECONDS = N_("{value} must be a number of seconds, more than 0")
KEYMAP_PROBLEM = N_('[keymap] maps a binding id to keys, like note = "ctrl+n"')


class ConfigError(Exception):
    """The config file cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class Settings:
    db: str
    language: str
    idle_lock_minutes: float = DEFAULT_IDLE_LOCK_MINUTES
    keymap: dict[str, str] = field(default_factory=dict)
    config_path: Path | None = None
    # The config file's [lists] over the shipped ones; None: the shipped lists, read from
    # defaults.toml when a screen first asks for them, after the first frame.
    branch_lists: BranchLists | None = None
    # Where saves wait while the database cannot take them (None: the user's state folder).
    state_dir: Path | None = None
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT
    save_retry: float = DEFAULT_SAVE_RETRY
    peer_check: float = DEFAULT_PEER_CHECK

    @property
    def lists(self) -> BranchLists:
        """The branch's reference lists: the config file's, else the shipped ones."""
        if self.branch_lists is not None:
            return self.branch_lists
        from lobby_tui.domain.lists import default_lists

        return default_lists()

    @property
    def pending_dir(self) -> Path:
        """The folder of the pending-saves journals."""
        if self.state_dir is not None:
            return self.state_dir
        from platformdirs import user_state_path

        return user_state_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "lobby.sqlite"


def demo_db_path() -> Path:
    """Where ``lobby-tui demo`` builds its database: beside, never in, the real one."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "demo.sqlite"


def default_config_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "config.toml"


def read_config(path: Path) -> tuple[dict, str]:
    """The config file parsed, and its text, which later errors search for the line they name."""
    from lobby_tui.domain.lists import ListsError, parse_toml

    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"{path}: {error.strerror}") from None
    try:
        # utf-8-sig: Windows Notepad starts a UTF-8 file with a byte-order mark.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError(
            str(ListsError(str(path), line, _("the file is not UTF-8 text")))
        ) from None
    try:
        return parse_toml(text, str(path)), text
    except ListsError as error:
        raise ConfigError(str(error)) from None


def load_settings(
    *,
    db: str | None = None,
    language: str | None = None,
    config: str | None = None,
    environ: Mapping[str, str] = os.environ,
) -> Settings:
    """Settings from flags, environment and config file, in that order of precedence."""
    explicit = config or environ.get(CONFIG_ENV)
    path = Path(explicit).expanduser() if explicit else default_config_path()
    data, text = read_config(path) if explicit or path.exists() else ({}, "")

    lang = language or data.get("language") or language_from_environment(environ) or "en"
    if lang not in LANGUAGES:
        raise _bad_key(
            path, text, ("language",), N_("language must be zh or en, not {value}"), lang
        )

    idle = data.get("idle_lock_minutes", DEFAULT_IDLE_LOCK_MINUTES)
    if not isinstance(idle, int | float) or isinstance(idle, bool) or idle < 0:
        raise _bad_key(
            path,
            text,
            ("idle_lock_minutes",),
            N_("idle_lock_minutes must be a number of minutes (0 = never)"),
        )

    seconds = {}
    for key, default in (
        ("busy_timeout_seconds", DEFAULT_BUSY_TIMEOUT),
        ("save_retry_seconds", DEFAULT_SAVE_RETRY),
        ("peer_check_seconds", DEFAULT_PEER_CHECK),
    ):
        value = data.get(key, default)
        if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
            raise _bad_key(path, text, (key,), SECONDS, key)
        seconds[key] = float(value)

    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict):
        raise _bad_key(path, text, ("keymap",), KEYMAP_PROBLEM)
    for binding_id, keys in keymap.items():
        if not isinstance(keys, str):
            raise _bad_key(path, text, ("keymap", binding_id), KEYMAP_PROBLEM)

    lists = None
    if "lists" in data:
        from lobby_tui.domain.lists import ListsError, lists_from_config

        try:
            lists = lists_from_config(data, text, str(path))
        except ListsError as error:
            raise ConfigError(str(error)) from None
    for binding_id, keys in keymap.items():
        from lobby_tui.domain.keymap import keymap_problem  # imported only for a [keymap]

        if problem := keymap_problem(binding_id, keys):
            message, value = problem
            raise _bad_key(path, text, ("keymap", binding_id), message, value)

    database = db or environ.get(DB_ENV) or data.get("database") or str(default_db_path())
    return Settings(
        db=database,
        language=lang,
        idle_lock_minutes=float(idle),
        keymap=dict(keymap),
        config_path=path if data else None,
        branch_lists=lists,
        state_dir=Path(environ[STATE_ENV]).expanduser() if environ.get(STATE_ENV) else None,
        busy_timeout=seconds["busy_timeout_seconds"],
        save_retry=seconds["save_retry_seconds"],
        peer_check=seconds["peer_check_seconds"],
    )


def _bad_key(
    path: Path, text: str, key: tuple[str, ...], problem: str, value: object = None
) -> ConfigError:
    """The error for a bad ``key`` (dotted, as a tuple), naming the line where the file sets it."""
    from lobby_tui.domain.lists import ListsError
    from lobby_tui.domain.toml_lines import TomlLines

    line = TomlLines(text).section(key)
    return ConfigError(str(ListsError(str(path), line, _(problem).format(value=value))))

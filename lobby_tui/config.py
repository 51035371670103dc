"""Settings: which database, which language, idle lock, keymap.

Order of precedence: command-line flags, then the environment (``LOBBY_TUI_DB``, ``LANG``), then
the TOML config file, then defaults. A bad config file is reported with its line, never a traceback.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lobby_tui.locale import LANGUAGES, _, language_from_environment

APP_NAME = "lobby-tui"
DB_ENV = "LOBBY_TUI_DB"
CONFIG_ENV = "LOBBY_TUI_CONFIG"
DEFAULT_IDLE_LOCK_MINUTES = 10.0


class ConfigError(Exception):
    """The config file cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class Settings:
    db: str
    language: str
    idle_lock_minutes: float = DEFAULT_IDLE_LOCK_MINUTES
    keymap: dict[str, str] = field(default_factory=dict)
    config_path: Path | None = None


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


def read_config(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(_("{path}: {error}").format(path=path, error=error)) from None
    except OSError as error:
        raise ConfigError(f"{path}: {error.strerror}") from None


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
    data = read_config(path) if explicit or path.exists() else {}

    lang = language or data.get("language") or language_from_environment(environ) or "en"
    if lang not in LANGUAGES:
        raise ConfigError(
            _("{path}: language must be zh or en, not {value}").format(path=path, value=lang)
        )

    idle = data.get("idle_lock_minutes", DEFAULT_IDLE_LOCK_MINUTES)
    if not isinstance(idle, int | float) or isinstance(idle, bool) or idle < 0:
        raise ConfigError(
            _("{path}: idle_lock_minutes must be a number of minutes (0 = never)").format(path=path)
        )

    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
        raise ConfigError(
            _('{path}: [keymap] maps a binding id to keys, like note = "ctrl+n"').format(path=path)
        )

    database = db or environ.get(DB_ENV) or data.get("database") or str(default_db_path())
    return Settings(
        db=database,
        language=lang,
        idle_lock_minutes=float(idle),
        keymap=dict(keymap),
        config_path=path if data else None,
    )

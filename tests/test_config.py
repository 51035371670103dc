"""A terminal's config file with a wrong value is refused with the line that sets it."""

from __future__ import annotations

from pathlib import Path

import pytest

from lobby_tui.config import ConfigError, load_settings


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ('database = "branch.sqlite"\n\nlanguage = "fr"\n', 3, "language must be zh or en"),
        ("# the front desk\nidle_lock_minutes = -1\n", 2, "idle_lock_minutes"),
        ('idle_lock_minutes = 5\n\n[keymap]\nqueue = "f2"\nnote = 3\n', 5, "[keymap]"),
        ('keymap = "f2"\n', 1, "[keymap]"),
        ('[keymap]\nqueue = "f2"\nntoe = "ctrl+n"\n', 3, "no binding has the id ntoe"),
        ('[keymap]\nnote = "ctrl+n"\nsave = "contrl+s"\n', 3, "contrl+s is not a key name"),
        ('[keymap]\nsummary_next = "right,nxt"\n', 2, "nxt is not a key name"),
    ],
)
def test_a_wrong_value_in_the_config_is_named_with_its_line(
    tmp_path: Path, text: str, line: int, problem: str
) -> None:
    config = tmp_path / "terminal.toml"
    config.write_text(text, encoding="utf-8")

    with pytest.raises(ConfigError) as refused:
        load_settings(config=str(config), environ={})

    assert str(refused.value).startswith(f"{config}, line {line}: ")
    assert problem in str(refused.value)


def test_a_keymap_of_known_ids_and_keys_is_taken(tmp_path: Path) -> None:
    config = tmp_path / "terminal.toml"
    config.write_text(
        '[keymap]\nnote = "ctrl+n"\nlog_search = "question_mark"\nsummary_next = "right,f"\n',
        encoding="utf-8",
    )

    settings = load_settings(config=str(config), environ={})

    assert settings.keymap["note"] == "ctrl+n"


def test_the_ids_a_keymap_may_name_are_the_ids_of_the_bindings():
    import importlib
    import inspect
    import pkgutil

    from textual.binding import Binding

    import lobby_tui.screens
    import lobby_tui.widgets
    from lobby_tui.domain.keymap import BINDING_IDS

    modules = ["lobby_tui.app"] + [
        f"{package.__name__}.{module.name}"
        for package in (lobby_tui.screens, lobby_tui.widgets)
        for module in pkgutil.iter_modules(package.__path__)
    ]
    declared = set()
    for name in modules:
        for cls in vars(importlib.import_module(name)).values():
            if inspect.isclass(cls) and cls.__module__ == name:
                bindings = cls.__dict__.get("BINDINGS") or []
                declared |= {b.id for b in bindings if isinstance(b, Binding)}

    assert None not in declared  # every binding has an id
    assert declared == BINDING_IDS

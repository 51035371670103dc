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

"""Export from F7: in which format (those of ``lobby-tui export``) and to which file the entries
the log browser's filter shows are written. Keyboard only, like every form: a digit picks the
format, Enter moves on and exports from the file name."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from lobby_tui.locale import N_, _
from lobby_tui.screens.base import LobbyModal
from lobby_tui.widgets.form import FieldSpec, Form
from lobby_tui.widgets.pick import PickField

FORMAT_LABELS = {
    "xlsx": N_("Excel workbook (xlsx)"),
    "csv": N_("CSV"),
    "jsonl": N_("JSON Lines"),
}


def days_named(today: date, first_day: date | None, last_day: date | None) -> str:
    """The days a filter shows, for a file name: the one day, or the first and the last (the
    log as it stands today when no day is given)."""
    first, last = first_day or last_day or today, last_day or today
    return first.isoformat() if first == last else f"{first.isoformat()}_{last.isoformat()}"


class LogExportScreen(LobbyModal):
    """Dismissed with ``(path, format)``, or None when cancelled."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="cancel_export")]

    def __init__(
        self,
        today: date,
        formats: tuple[str, ...],
        first_day: date | None = None,
        last_day: date | None = None,
    ) -> None:
        super().__init__(id="log-export")
        self.days = days_named(today, first_day, last_day)
        # A reviewer's export is most often read in a spreadsheet: the workbook comes first.
        self.formats = tuple(sorted(formats, key=lambda fmt: fmt != "xlsx"))

    def compose(self) -> ComposeResult:
        first = self.formats[0]
        fields = [
            FieldSpec(
                "format",
                _("Format"),
                kind="pick",
                choices=tuple((fmt, _(FORMAT_LABELS.get(fmt, fmt))) for fmt in self.formats),
                default=first,
            ),
            FieldSpec("path", _("File")),
        ]
        with Vertical(id="export-box", classes="box"):
            yield Static(_("Export the entries this filter shows"), classes="box-title")
            yield Form(fields, validator=self._check, on_submit=self._chosen, id="export-form")
            yield Static(
                _(
                    "1–{last}: format · Enter: next, then export · Ctrl+S: export · Esc: cancel"
                ).format(last=len(self.formats)),
                classes="hint",
            )

    def on_mount(self) -> None:
        form = self.query_one(Form)
        form.load({"path": self._path(self.formats[0])})
        form.focus_first()

    def _path(self, fmt: str) -> str:
        return str(Path.home() / f"lobby-log-{self.days}.{fmt}")

    @on(PickField.Changed, "#input-format")
    def _format_changed(self) -> None:
        """The file name follows the format picked, so a workbook is never named .jsonl. A name
        being typed is left as it is typed: ``_check`` says when it is not the format's."""
        form = self.query_one(Form)
        values = form.values()
        fmt = values["format"]
        path = Path(values["path"].strip() or self._path(fmt))
        if fmt and _named(path) and path.suffix != f".{fmt}":
            form.load({"path": str(path.with_suffix(f".{fmt}"))})

    def _check(self, values: dict[str, str]) -> dict[str, str]:
        typed = values["path"].strip()
        try:
            path = Path(typed).expanduser()
        except RuntimeError:  # ~name of no one on this computer
            return {"path": _("No home folder is called {name}.").format(name=typed.split("/")[0])}
        if not typed or not _named(path):
            return {"path": _("Give a file name.")}
        if os.path.isdir(path):  # False, not an error, for a name too long or out of reach
            return {"path": _("That is a folder: add a file name to it.")}
        fmt = values["format"]
        if path.suffix and path.suffix != f".{fmt}":
            label = _(FORMAT_LABELS.get(fmt, fmt))
            return {
                "path": _("For {format}, name the file ….{suffix}.").format(
                    format=label, suffix=fmt
                )
            }
        return {}

    def _chosen(self, values: dict[str, str]) -> None:
        path = Path(values["path"].strip()).expanduser()
        if not path.suffix:  # a name typed without one: the format's
            path = path.with_suffix(f".{values['format']}")
        self.dismiss((str(path), values["format"]))


def _named(path: Path) -> bool:
    """Whether ``path`` ends in a name a suffix can be put on: not ``/``, ``.`` or ``..``, nor
    a home folder alone (``~``, ``~name``)."""
    bare_home = len(path.parts) == 1 and path.parts[0].startswith("~")
    return path.name not in ("", ".", "..") and not bare_home

"""A free-text note for the duty log, written from the desk (key n)."""

from __future__ import annotations

from typing import Any

from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.validation import NOTE_MAX_LENGTH, check_note
from lobby_tui.locale import N_, _
from lobby_tui.screens.entry_form import EntryFormScreen
from lobby_tui.widgets.form import FieldSpec


class NoteScreen(EntryFormScreen):
    FORM = "note"
    KIND = Kind.NOTE
    HEADING = N_("New note")
    HINT = (("save", N_("save")), ("desk", N_("back to the desk")))

    def field_specs(self) -> list[FieldSpec]:
        return [FieldSpec("text", _("Note"), kind="text", max_length=NOTE_MAX_LENGTH)]

    def check(self, fields: dict[str, str]) -> dict[str, str]:
        message = check_note(fields["text"])
        return {"text": _(message)} if message else {}

    def entry_values(self, fields: dict[str, str]) -> dict[str, Any]:
        return {"text": fields["text"]}

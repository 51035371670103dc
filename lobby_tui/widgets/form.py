"""The form machinery every screen with fields shares.

A ``Form`` is built from ``FieldSpec``s. Enter moves to the next field and submits on the last
one, Ctrl+S submits from any field; errors are shown next to their field and what was typed is
kept.

Keys typed back to back must land in order. Textual hands each key to the widget focused when the
app reads it, and a widget handles its keys later, in its own queue; so moving the focus from a
widget's handler lets the next keys go to the old field. Here Enter and Ctrl+S are *priority*
bindings, run by the app in key order: the focus moves before the next key is read, and a submit
first lets every field finish the keys already queued for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from lobby_tui.domain.text import typed
from lobby_tui.locale import N_, _
from lobby_tui.widgets.bindings import translate_bindings
from lobby_tui.widgets.keys import queued_keys_handled
from lobby_tui.widgets.pick import PickField

if TYPE_CHECKING:
    from textual.widgets import TextArea

FieldKind = Literal["line", "secret", "text", "pick"]
# Checks the values before they leave the form: a mapping of field name to message, empty if fine.
Validator = Callable[[dict[str, str]], dict[str, str]]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: FieldKind = "line"
    max_length: int = 0
    placeholder: str = ""
    restrict: str | None = None
    upper: bool = False
    # For "pick": (code, label) pairs, digits 1–9 choose; the code chosen when the form clears.
    choices: tuple[tuple[str, str], ...] = ()
    default: str | None = None


class TypedInput(Input):
    """A one-line input for free text: a pasted control character is kept in its place as its
    visible symbol (a line break too, so nothing pasted is dropped)."""

    def _on_paste(self, event: events.Paste) -> None:
        # Runs before Input's own paste handler, which then inserts the text made safe here.
        event.text = typed(event.text)

    def _watch_value(self, value: str) -> None:
        # Textual's Input keeps the text's width as its virtual size, a layout reactive: every
        # key that changes the length, and the form emptying itself after a save, laid the
        # whole screen out again (8 ms or more on a form, on the UI thread while the save was
        # being written). A field whose own size does not follow its text needs no layout, only
        # a repaint: the size is set quietly here, so Input's watcher finds it unchanged.
        if not self.styles.auto_dimensions:
            self.set_reactive(Input.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)


class FieldInput(TypedInput):
    """A one-line field; upper-cases as typed where its spec asks (tickets: a023 → A023)."""

    def __init__(self, spec: FieldSpec) -> None:
        super().__init__(
            id=f"input-{spec.name}",
            placeholder=spec.placeholder,
            password=spec.kind == "secret",
            max_length=spec.max_length,
            restrict=spec.restrict,
            compact=True,
        )
        self.upper = spec.upper

    class Cut(Message):
        """Text put in the field was longer than it takes: ``cut`` characters were left out."""

        def __init__(self, field: FieldInput, cut: int) -> None:
            super().__init__()
            self.field = field
            self.cut = cut

    def insert_text_at_cursor(self, text: str) -> None:
        super().insert_text_at_cursor(text.upper() if self.upper else text)

    def replace(self, text: str, start: int, end: int) -> None:
        # Textual refuses the whole of a text that would pass the limit: a pasted name of 41
        # characters would leave the field as it was, and say nothing. Keep what fits.
        room = self.max_length - (len(self.value) - (end - start)) if self.max_length else None
        if room is not None and len(text) > max(room, 0) and len(text) > 1:
            self.post_message(self.Cut(self, len(text) - max(room, 0)))
            text = text[: max(room, 0)]
        super().replace(text, start, end)


class Form(Vertical, can_focus=False):
    """Labelled fields with their error lines; posts ``Form.Submitted`` with the values.

    With ``clear_on_submit`` the form empties itself (but for ``keep``) in the same step as the
    submit, so the next entry's keys land in a clean form even while the last one is saving.
    """

    BINDINGS = [
        Binding("ctrl+s", "submit", N_("Save"), id="save", priority=True),
        Binding("enter", "next", N_("Next field"), id="next_field", show=False, priority=True),
        Binding("tab", "step(1)", N_("Next field"), id="tab_next", show=False, priority=True),
        Binding(
            "shift+tab",
            "step(-1)",
            N_("Previous field"),
            id="tab_previous",
            show=False,
            priority=True,
        ),
        *(
            Binding(
                str(digit),
                f"pick({digit})",
                N_("Pick"),
                id=f"pick_{digit}",
                show=False,
                priority=True,
            )
            for digit in range(1, 10)
        ),
    ]

    class Edited(Message):
        """Any field changed: what a draft is made of."""

    class Submitted(Message):
        def __init__(self, form: Form, values: dict[str, str]) -> None:
            super().__init__()
            self.form = form
            self.values = values

        @property
        def control(self) -> Form:
            return self.form

    def __init__(
        self,
        fields: list[FieldSpec],
        *,
        validator: Validator | None = None,
        clear_on_submit: bool = False,
        keep: tuple[str, ...] = (),
        on_submit: Callable[[dict[str, str]], None] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        translate_bindings(self)
        self.fields = fields
        self.validator = validator
        self.clear_on_submit = clear_on_submit
        self.keep = keep
        # Called in key order, before the next key is read. A Submitted message would wait in
        # the screen's queue, and a screen left at once (Ctrl+S then F3) never reads it: a save
        # that must not be lost hands its values over here instead.
        self.on_submit = on_submit

    def compose(self) -> ComposeResult:
        for spec in self.fields:
            with Horizontal(classes=f"field -{spec.kind}", id=f"field-{spec.name}"):
                yield Label(spec.label, classes="field-label")
                yield self._input_for(spec)
            yield Static("", classes="field-error", id=f"error-{spec.name}", markup=False)

    def _input_for(self, spec: FieldSpec) -> Widget:
        if spec.kind == "pick":
            return PickField(spec.choices, spec.default, id=f"input-{spec.name}")
        if spec.kind == "text":
            # Imported with the first form that has one (lobby_tui/widgets/text_field.py).
            from lobby_tui.widgets.text_field import FieldTextArea

            area = FieldTextArea(id=f"input-{spec.name}", soft_wrap=True, tab_behavior="focus")
            area.border_subtitle = self._counter(spec, "")
            return area
        return FieldInput(spec)

    @staticmethod
    def _counter(spec: FieldSpec, value: str) -> str:
        return f"{len(value)} / {spec.max_length}" if spec.max_length else ""

    def widget_for(self, name: str) -> Input | TextArea | PickField:
        return self.query_one(f"#input-{name}")

    def values(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for spec in self.fields:
            widget = self.widget_for(spec.name)
            found[spec.name] = widget.text if spec.kind == "text" else widget.value
        return found

    def is_blank(self) -> bool:
        """True when nothing but the kept fields and the defaults is filled in."""
        return all(
            value == (spec.default or "")
            for spec, value in zip(self.fields, self.values().values(), strict=True)
            if spec.name not in self.keep
        )

    def load(self, values: dict[str, str]) -> None:
        """Put ``values`` back into their fields (a draft, or an entry that failed to save)."""
        for spec in self.fields:
            if spec.name in values:
                widget = self.widget_for(spec.name)
                if spec.kind == "text" and widget.text != values[spec.name]:
                    widget.load_text(values[spec.name])
                else:
                    widget.value = values[spec.name]

    def set_error(self, name: str, message: str) -> None:
        """Show ``message`` under field ``name`` and put the cursor there, keeping its text."""
        error = self.query_one(f"#error-{name}", Static)
        error.update(message)
        error.add_class("-shown")
        self.query_one(f"#field-{name}").add_class("-invalid")
        self.screen.set_focus(self.widget_for(name))

    def clear_errors(self) -> None:
        for spec in self.fields:
            error = self.query_one(f"#error-{spec.name}", Static)
            if not error.has_class("-shown"):
                # Nothing shown (set_error and the cut note both show theirs): left alone, as
                # an update would cost a layout of the screen at every save.
                continue
            error.update("")
            error.remove_class("-shown")
            self.query_one(f"#field-{spec.name}").remove_class("-invalid")

    def clear(self) -> None:
        """Empty every field but those in ``keep``, and focus the first field."""
        for spec in self.fields:
            if spec.name in self.keep:
                continue
            widget = self.widget_for(spec.name)
            if spec.kind == "text":
                if widget.text:  # an empty one would still be edited and drawn again
                    widget.clear()
            elif isinstance(widget, PickField):
                widget.reset()
            else:
                widget.value = ""
        self.clear_errors()
        self.focus_first()

    def focus_first(self) -> None:
        self.screen.set_focus(self.widget_for(self.fields[0].name))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        focused = self.screen.focused
        ours = self._spec_of(focused) is not None
        if action == "next":
            # Enter inside free text is a new line, and outside our fields it is not ours.
            return ours and isinstance(focused, FieldInput | PickField)
        if action == "pick":
            return ours and isinstance(focused, PickField)
        if action == "step":
            return ours
        return True

    async def action_next(self) -> None:
        spec = self._spec_of(self.screen.focused)
        if spec is None:
            return
        names = [field.name for field in self.fields]
        position = names.index(spec.name)
        if position == len(names) - 1:
            await self.action_submit()
        else:
            self.screen.set_focus(self.widget_for(names[position + 1]))

    def action_step(self, step: int) -> None:
        """Tab and Shift+Tab, in key order like Enter, wrapping around the form."""
        spec = self._spec_of(self.screen.focused)
        if spec is not None:
            names = [field.name for field in self.fields]
            target = names[(names.index(spec.name) + step) % len(names)]
            self.screen.set_focus(self.widget_for(target))

    async def action_pick(self, number: int) -> None:
        pick = self.screen.focused
        if isinstance(pick, PickField) and pick.pick(number):
            await self.action_next()

    async def action_submit(self) -> None:
        await self._settle()
        values = self.values()
        errors = self.validator(values) if self.validator else {}
        self.clear_errors()
        if errors:
            for name, message in reversed(list(errors.items())):
                self.set_error(name, message)
            return
        if self.on_submit is not None:
            self.on_submit(values)
        else:
            self.post_message(self.Submitted(self, values))
        if self.clear_on_submit:
            self.clear()

    async def _settle(self) -> None:
        """Wait until every field has handled the keys already queued for it."""
        await queued_keys_handled(*(self.widget_for(spec.name) for spec in self.fields))

    def on_field_input_cut(self, event: FieldInput.Cut) -> None:
        spec = self._spec_of(event.field)
        if spec:
            note = self.query_one(f"#error-{spec.name}", Static)
            note.update(
                _("{cut} characters cut: this field takes {limit}.").format(
                    cut=event.cut, limit=spec.max_length
                )
            )
            note.add_class("-shown")

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        spec = self._spec_of(event.text_area)
        if spec:
            event.text_area.border_subtitle = self._counter(spec, event.text_area.text)
            self.post_message(self.Edited())

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._spec_of(event.input) and event.input.password is False:
            self.post_message(self.Edited())

    def on_pick_field_changed(self, event: PickField.Changed) -> None:
        if self._spec_of(event.pick):
            self.post_message(self.Edited())

    def _spec_of(self, widget: Widget | None) -> FieldSpec | None:
        name = ((widget.id if widget else None) or "").removeprefix("input-")
        return next((spec for spec in self.fields if spec.name == name), None)

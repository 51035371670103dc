"""A screen's line of key hints, made from its bindings: a key remapped in ``[keymap]`` shows
its new key here as in the footer, and a key the person may not use is not offered."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Static

from lobby_tui.locale import _

# How a key is written in a hint: as on the keyboard, not as Textual names it.
_KEY_NAMES = {
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "space": "Space",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "slash": "/",
    "backspace": "Backspace",
    "delete": "Del",
}


def key_label(key: str) -> str:
    """``ctrl+s`` → ``Ctrl+S``, ``f1`` → ``F1``, ``slash`` → ``/``; a letter stays itself."""
    *modifiers, last = key.split("+")
    if last in _KEY_NAMES:
        shown = _KEY_NAMES[last]
    elif len(last) > 1:
        shown = last.upper() if last[0] == "f" and last[1:].isdigit() else last
    else:
        shown = last.upper() if modifiers else last
    return "+".join([*(m.capitalize() for m in modifiers), shown])


Item = str | tuple[str | None, str]


class KeyHints(Static):
    """A line of hints. Each item is a binding id, shown as "key: description" with the key the
    binding has now; or ``(id, words)``, the same with words of its own (a msgid); or
    ``(None, words)``, the words alone. A binding hidden from this person, or not bound here,
    is left out."""

    def __init__(self, *items: Item, id: str | None = None) -> None:
        super().__init__("", id=id, classes="hint", markup=False)
        self.items = items
        self._text: str | None = None

    def on_mount(self) -> None:
        # The keys change with the focus (a form's own keys): follow them as the footer does.
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.refresh_hints()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: object) -> None:
        self.refresh_hints()

    def refresh_hints(self) -> None:
        bound = self._bound()
        parts: list[str] = []
        for item in self.items:
            binding_id, words = item if isinstance(item, tuple) else (item, None)
            if binding_id is None:
                parts.append(_(words) if words else "")
            elif binding_id in bound:
                keys, description = bound[binding_id]
                action = _(words) if words else description
                parts.append(_("{key}: {action}").format(key="/".join(keys), action=action))
        text = " · ".join(parts)
        if text != self._text:
            self._text = text
            self.update(text)

    def _bound(self) -> dict[str, tuple[list[str], str]]:
        """The keys in reach by binding id (as the keymap gave them: ``left,p`` is two) and
        the binding's description; not those hidden from this person
        (``widgets.bindings.hide_bindings``)."""
        found: dict[str, tuple[list[str], str]] = {}
        for key, active in self.screen.active_bindings.items():
            self._add(found, key, active.binding)
        wanted = {item if isinstance(item, str) else item[0] for item in self.items}
        if missing := wanted - found.keys():
            # A widget's keys while the cursor is elsewhere (the log's PgDn while typing a
            # search): still how the screen is used, so still hinted.
            keymap = self.app._keymap
            for node in (self.screen, *self.screen.walk_children()):
                bindings = node._bindings.copy()
                if keymap:
                    bindings.apply_keymap(keymap)
                for key, listed in bindings.key_to_bindings.items():
                    for binding in listed:
                        if binding.id in missing:
                            self._add(found, key, binding)
        return found

    @staticmethod
    def _add(found: dict[str, tuple[list[str], str]], key: str, binding: Binding) -> None:
        if binding.id and binding.description:
            keys, _description = found.setdefault(binding.id, ([], binding.description))
            if key_label(key) not in keys:
                keys.append(key_label(key))

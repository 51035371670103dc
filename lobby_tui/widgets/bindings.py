"""Key bindings in the language of the session.

``BINDINGS`` are class attributes, made before a language is chosen, so their descriptions are
marked with ``N_`` and translated here, once per instance, in the node's ``__init__``.
"""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from lobby_tui.locale import N_, _

# Textual's own bindings that reach the footer or F1, marked here so the catalogs carry them.
TEXTUAL_DESCRIPTIONS = (
    N_("Focus Next"),
    N_("Focus Previous"),
    N_("Copy selected text"),
    N_("palette"),
    N_("Open the command palette"),
)


def translate_bindings(node: DOMNode) -> None:
    """Replace the descriptions and tooltips of ``node``'s bindings with their translations."""
    # New lists: the map is a shallow copy of the class's own, which must stay untranslated.
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [
            replace(
                binding,
                description=_(binding.description) if binding.description else "",
                tooltip=_(binding.tooltip) if binding.tooltip else "",
            )
            for binding in bindings
        ]


def hide_bindings(node: DOMNode, *ids: str) -> None:
    """Take the bindings ``ids`` of ``node`` out of the footer and F1, keeping them bound: a key
    a person may not use is not offered, and pressed anyway its action says why not."""
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [
            replace(binding, show=False, description="") if binding.id in ids else binding
            for binding in bindings
        ]

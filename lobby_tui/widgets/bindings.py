"""Key bindings in the language of the session.

``BINDINGS`` are class attributes, made before a language is chosen, so their descriptions are
marked with ``N_`` and translated here, once per instance, in the node's ``__init__``.
"""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from lobby_tui.locale import _


def translate_bindings(node: DOMNode) -> None:
    """Replace the descriptions and tooltips of ``node``'s bindings with their translations."""
    for bindings in node._bindings.key_to_bindings.values():
        bindings[:] = [
            replace(
                binding,
                description=_(binding.description) if binding.description else "",
                tooltip=_(binding.tooltip) if binding.tooltip else "",
            )
            for binding in bindings
        ]

"""Translated binding descriptions.

Bindings are declared once with a stable ``id`` (users remap keys by id through
``App.set_keymap``); their footer text is the catalogue entry ``key.<id>``, filled in for the
current language by :func:`localize` when a node is created and again when the language changes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.binding import Binding
from textual.dom import DOMNode

from digikunta_tui.i18n import t


def localize(node: DOMNode) -> None:
    """Set the description of each of ``node``'s bindings that has an id to ``t("key.<id>")``."""
    bindings_map = node._bindings  # the node's own map; Textual has no public setter
    for key, bindings in bindings_map.key_to_bindings.items():
        bindings_map.key_to_bindings[key] = [
            replace(binding, description=t(f"key.{binding.id}")) if binding.id else binding
            for binding in bindings
        ]


def bind(keys: str, action: str, binding_id: str, *, show: bool = True, **kwargs: Any) -> Binding:
    """A binding whose footer text is ``key.<binding_id>``, translated by :func:`localize`."""
    return Binding(keys, action, f"key.{binding_id}", show=show, id=binding_id, **kwargs)

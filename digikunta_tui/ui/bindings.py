"""Translated binding descriptions.

Bindings are declared once with a stable ``id`` (users remap keys by id through
``App.set_keymap``); their footer text is the catalogue entry ``key.<id>``, looked up in the
current language whenever the keys are shown (``describe`` in
:mod:`digikunta_tui.ui.widgets.key_footer`, for the footer and the help), so a language switch
needs only ``refresh_bindings``: no binding is rewritten.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding


def bind(keys: str, action: str, binding_id: str, *, show: bool = True, **kwargs: Any) -> Binding:
    """A binding whose footer text is ``key.<binding_id>``, translated when it is shown."""
    return Binding(keys, action, f"key.{binding_id}", show=show, id=binding_id, **kwargs)

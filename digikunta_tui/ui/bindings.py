"""Translated binding descriptions.

Bindings are declared once with a stable ``id`` (users remap keys by id through
``App.set_keymap``); their footer text is the catalogue entry ``key.<id>``, looked up in the
current language whenever the keys are shown: by ``describe`` in
:mod:`digikunta_tui.ui.widgets.key_footer` for our footer and the help, and by
:func:`translated` for a screen showing Textual's ``Footer`` (through the public
``Screen.active_bindings``). A language switch needs only ``refresh_bindings``: no binding
is rewritten.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.binding import ActiveBinding, Binding

from digikunta_tui.i18n import t


def bind(keys: str, action: str, binding_id: str, *, show: bool = True, **kwargs: Any) -> Binding:
    """A binding whose footer text is ``key.<binding_id>``, translated when it is shown."""
    return Binding(keys, action, f"key.{binding_id}", show=show, id=binding_id, **kwargs)


def translated(active: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """``active`` (a screen's ``active_bindings``) with each description of a binding that has an
    id set to ``t("key.<id>")``, in the current language."""
    return {
        key: shown._replace(
            binding=replace(shown.binding, description=t(f"key.{shown.binding.id}"))
        )
        if shown.binding.id
        else shown
        for key, shown in active.items()
    }

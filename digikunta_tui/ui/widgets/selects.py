"""Replacing a ``Select``'s options (new labels after a language switch) keeping its choice."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import RenderableType
from textual.widgets import Select


def set_options_keeping(select: Select[Any], options: Sequence[tuple[RenderableType, Any]]) -> None:
    """Give ``select`` new options and keep its value when it is still one of them.

    The label shown is the new option's (Textual updates it only when the value changes, so
    after a language switch "Kaikki webinaarit" stayed on screen next to English labels).
    """
    value = select.value
    select.set_options(options)
    if value not in {option_value for _label, option_value in options}:
        return
    if select.value == value:
        # same value: show its new label (a generic class-level reactive: mypy cannot bind it)
        select.mutate_reactive(Select.value)  # type: ignore[misc]
    else:
        select.value = value

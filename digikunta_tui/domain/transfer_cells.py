"""The cells of CSV export and import: a field's shape, and a value as cell text and back.

A list is joined with ``"; "`` (as a JSON list when an item itself holds a ``;``), a nested value
is JSON text, and a cell a spreadsheet would run as a formula gets a leading ``'`` (see
:mod:`~digikunta_tui.domain.transfer`). Also: counting items for a progress report.
"""

from __future__ import annotations

import functools
import json
import re
import types
import typing
from collections.abc import Iterable, Iterator, Sized
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from digikunta_tui.domain.models import MODELS

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Progress


Shape = Literal["scalar", "list", "json"]

LIST_SEPARATOR = "; "
_DANGEROUS = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")


def _unwrap(annotation: Any) -> Any:
    """Strip ``Annotated`` and ``X | None`` from a field annotation."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


@functools.cache
def field_shape(kind: str, name: str) -> Shape:
    """How a field is written in a CSV cell: plain text, a ``; `` list, or JSON text.

    Cached: it depends only on the kind's model, and an import asks it for every cell.
    """
    annotation = _unwrap(MODELS[kind].model_fields[name].annotation)
    if typing.get_origin(annotation) is list:
        item = _unwrap(typing.get_args(annotation)[0])
        return "json" if _is_model(item) else "list"
    return "json" if _is_model(annotation) else "scalar"


def neutralise(text: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would read as a formula (CSV injection)."""
    return "'" + text if _DANGEROUS.match(text) else text


def unneutralise(text: str) -> str:
    """Undo :func:`neutralise` (only a quote that it could have added is removed)."""
    return text[1:] if _QUOTED.match(text) else text


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _fits(value: Any, shape: Shape) -> bool:
    """True when a stored value has the form its CSV column expects."""
    if shape == "list":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, str | int | float) or shape == "json"


def to_cell(value: Any, shape: Shape) -> str:
    """One stored value as CSV cell text (already neutralised).

    A value that does not have its column's form (odd data that arrived by sync: a list in a
    text column, an object in a list column) is written as its JSON text, so nothing is lost.
    """
    if value is None or value == []:
        return ""
    if shape == "json" or not _fits(value, shape):
        text = _json_text(value)
    elif isinstance(value, list):
        plain = all(v and ";" not in v and v == v.strip() for v in value)
        text = LIST_SEPARATOR.join(value) if plain else _json_text(value)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    return neutralise(text)


def from_cell(text: str, shape: Shape) -> Any:
    """CSV cell text as a field value (``None`` when blank).

    Raises:
        ValueError: a list or nested cell holds malformed JSON.
    """
    text = unneutralise(text)
    if not text.strip():
        return None
    if shape == "json" or (shape == "list" and text.lstrip().startswith("[")):
        return _strict_json(text)
    if shape == "list":
        return [part.strip() for part in text.split(";") if part.strip()]
    return text


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number in strict JSON")


def _strict_json(text: str, *, what: str = "JSON text") -> Any:
    """Parse strict JSON (no NaN or Infinity; bounded nesting).

    Raises:
        ValueError: not valid strict JSON (the message says where).
    """
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"not valid {what} ({exc.msg}, line {exc.lineno} column {exc.colno})"
        ) from None
    except RecursionError:
        raise ValueError(f"not valid {what} (nested too deeply)") from None


def _counted(items: Iterable[Any], progress: Progress | None) -> Iterable[Any]:
    """``items``, telling ``progress`` how many have been taken (of ``len(items)`` if known)."""
    if progress is None:
        return items
    return _counting(items, progress, len(items) if isinstance(items, Sized) else 0)


def _counting(items: Iterable[Any], progress: Progress, total: int) -> Iterator[Any]:
    progress(0, total)
    for done, item in enumerate(items, start=1):
        yield item
        progress(done, total)

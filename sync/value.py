"""Small value classes without ``dataclasses`` or ``typing`` (see :mod:`sync`)."""

from __future__ import annotations


class Value:
    """A value: equal to another of its class with equal fields, and shown by its fields.

    What a frozen dataclass would give, without making one at import: ``dataclasses`` (with
    ``inspect``) and ``typing.NamedTuple`` cost a sync that finds nothing changed more than its
    work. A subclass names its fields in ``__slots__`` (a subclass of it adds its own) and sets
    them in its ``__init__``, so that a type checker sees every field and argument.
    """

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def __init_subclass__(cls) -> None:
        cls._fields = (*cls._fields, *cls.__dict__.get("__slots__", ()))

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Value)
        return self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]  # equal by value; fields may be dicts

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({shown})"

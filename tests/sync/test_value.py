"""Plain value classes (``sync.value.Value``): equal by their fields, shown by them."""

from __future__ import annotations

import pytest

from sync import ConflictEntry, RemoteRead
from sync.value import Value


def test_values_are_equal_by_their_fields_and_only_within_their_class() -> None:
    assert RemoteRead(False, b"{}", "t1") == RemoteRead(False, b"{}", "t1")
    assert RemoteRead(False, b"{}", "t1") != RemoteRead(False, b"{}", "t2")
    assert RemoteRead(True, None, "t1") != (True, None, "t1")  # not a tuple
    with pytest.raises(TypeError):
        hash(RemoteRead(True, None, "t1"))  # equal by value, holds bytes or dicts: unhashable
    entry = ConflictEntry.from_json(
        {"id": "c1", "record": "p1", "kind": "person", "field": "name",
         "kept": {"value": "A", "stamp": "s2"}, "lost": {"value": "B", "stamp": "s1"},
         "detected_at": "2026-12-01T10:00:00Z"}
    )  # fmt: skip
    assert entry == ConflictEntry.from_json(entry.to_json())
    assert entry.resolved is None
    assert "record='p1'" in repr(entry) and "field='name'" in repr(entry)


def test_a_subclass_adds_its_own_fields_after_its_parents() -> None:
    class Point(Value):
        __slots__ = ("x", "y")

        def __init__(self, x: int, y: int) -> None:
            self.x, self.y = x, y

    class Named(Point):
        __slots__ = ("name",)

        def __init__(self, x: int, y: int, name: str) -> None:
            super().__init__(x, y)
            self.name = name

    assert Named._fields == ("x", "y", "name")
    assert Named(1, 2, "a") == Named(1, 2, "a") != Named(1, 2, "b")
    assert Named(1, 2, "a") != Point(1, 2)
    assert repr(Named(1, 2, "a")) == "Named(x=1, y=2, name='a')"

"""Which record lines of a document need a closer look, found in a few passes over its bytes.

A record line is validated by pydantic and then, in :func:`sync.document.validate_record`,
looked into for what the parser lets through: escapes of control characters and raw DEL or
C1 ones, numbers that are not finite once parsed (``NaN``, ``Infinity``, an exponent, a run of
hundreds of digits), nesting deeper than the depth limit, and keys written so that SQLite's
``json_extract`` would read other fields than pydantic did. Asked line by line, that is a dozen
scans of every line; almost no line holds any of it.

:func:`lines_to_check` asks the same questions of the whole run of record lines at once, with
``find`` and ``count`` over the bytes, a block of lines at a time (copied only to translate
the digits), and marks the lines where something was found. A line left unmarked is known to
hold none of it: each question asked of the whole is at least as strict as the one asked of a
line.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right

from .records import MAX_DEPTH

# Bytes that may start a control character (an escape, DEL, a C1 one in UTF-8) or a number
# that is not finite (see sync.document._validate, which asks the same of one line).
_NEEDLES = (b"\\", b"\x7f", b"\xc2", b"NaN", b"Infinity")
# Digits as 0 and E as e: a number with an exponent shows as ``0e``, one of hundreds of digits
# as a run of zeros.
DIGITS = bytes.maketrans(b"123456789E", b"000000000e")
LONG_NUMBER = b"0" * 300
_DIGIT_NEEDLES = (b"0e", LONG_NUMBER)
# Lines looked through at a time (about a megabyte): the translated copy stays small, and a
# sync in a worker thread (the app's) never holds the GIL for long in one call.
_BLOCK = 2048
_GROUP = 16  # lines counted at a time for their keys and brackets
_MIN_OBJECTS = 3  # a valid record line opens at least three objects: itself, fields, stamps


def lines_to_check(data: bytes, starts: array[int], ends: array[int]) -> bytearray:
    """One flag a line (``data[starts[i]:ends[i]]``, in order, apart): 1 for a line that needs
    the closer look of one line at a time, 0 for one that holds none of what it looks for.

    A line is also marked when a line near it is (lines are counted in groups of 16): each
    unmarked group holds exactly one ``"fields"`` and one ``"stamps"`` a line and no more
    brackets than a line at the depth limit could hold beside its neighbours.
    """
    n = len(starts)
    flags = bytearray(n)
    if not n:
        return flags
    for first in range(0, n, _BLOCK):  # a block at a time: no call holds the GIL for long
        last = min(n, first + _BLOCK) - 1
        lo, hi = starts[first], ends[last]
        for needle in _NEEDLES:
            _mark_found(data, needle, lo, hi, starts, ends, flags, 0, first, last)
        digits = data[lo:hi].translate(DIGITS)
        for needle in _DIGIT_NEEDLES:
            _mark_found(digits, needle, 0, len(digits), starts, ends, flags, lo, first, last)
    count = data.count
    for first in range(0, n, _GROUP):
        stop = min(n, first + _GROUP)
        size = stop - first
        a, b = starts[first], ends[stop - 1]
        brackets = count(b"[", a, b) + count(b"{", a, b)
        if (
            flags.find(1, first, stop) != -1
            or count(b'"fields"', a, b) != size
            or count(b'"stamps"', a, b) != size
            or brackets - _MIN_OBJECTS * (size - 1) > MAX_DEPTH
        ):
            flags[first:stop] = b"\x01" * size
    return flags


def _mark_found(
    data: bytes,
    needle: bytes,
    lo: int,
    hi: int,
    starts: array[int],
    ends: array[int],
    flags: bytearray,
    base: int,
    first: int = 0,
    last: int | None = None,
) -> None:
    """Mark every line of ``data[lo:hi]`` (offset ``base`` in the document) holding ``needle``."""
    last = len(starts) - 1 if last is None else last
    find = data.find
    at = find(needle, lo, hi)
    while at != -1:
        line = bisect_right(starts, base + at, first, last + 1) - 1
        flags[line] = 1
        at = find(needle, max(at + 1, ends[line] - base), hi)

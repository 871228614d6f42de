"""Hybrid logical clock stamps.

A stamp is ``"MMMMMMMMMMMMMMMM-CCCC-RRRRRRRR"``: wall-clock milliseconds (16 digits), a counter
(4 digits) and the replica id (8 characters of ``[0-9a-z]``). Fixed width, so stamps sort
correctly as text, and every stamp is unique to one write of one replica.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable

STAMP_PATTERN = r"^\d{16}-\d{4}-[0-9a-z]{8}$"
REPLICA_ID_PATTERN = r"^[0-9a-z]{8}$"
_STAMP_RE = re.compile(STAMP_PATTERN)
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
_MAX_COUNTER = 9999


def new_replica_id() -> str:
    """Return a fresh random replica id (8 characters of ``[0-9a-z]``)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(8))


def format_stamp(millis: int, counter: int, replica_id: str) -> str:
    """Build a stamp from its parts."""
    return f"{millis:016d}-{counter:04d}-{replica_id}"


def parse_stamp(stamp: str) -> tuple[int, int, str]:
    """Split a stamp into (milliseconds, counter, replica id).

    Raises:
        ValueError: the text is not a stamp.
    """
    if not _STAMP_RE.match(stamp):
        raise ValueError(f"not a clock stamp: {stamp!r}")
    return int(stamp[:16]), int(stamp[17:21]), stamp[22:]


def stamp_replica(stamp: str) -> str:
    """The id of the replica that wrote ``stamp``."""
    return stamp[22:]


def stamp_millis(stamp: str) -> int:
    """The wall-clock milliseconds of ``stamp``."""
    return int(stamp[:16])


class HybridClock:
    """A hybrid logical clock: later local events always get larger stamps.

    ``tick()`` returns a stamp larger than every stamp this clock issued or ``observe``d, even
    when the wall clock is wrong or goes backwards.
    """

    __slots__ = ("_counter", "_millis", "_now", "replica_id")

    def __init__(
        self,
        replica_id: str,
        last: str | None = None,
        *,
        now: Callable[[], int] = time.time_ns,
    ) -> None:
        """Create a clock for ``replica_id``, continuing after the stamp ``last`` if given."""
        self.replica_id = replica_id
        self._now = now
        self._millis, self._counter = 0, 0
        if last:
            self._millis, self._counter, _ = parse_stamp(last)

    @property
    def last(self) -> str:
        """The largest stamp issued or observed so far (to persist)."""
        return format_stamp(self._millis, self._counter, self.replica_id)

    def tick(self) -> str:
        """Return a new stamp for a local write."""
        wall = self._now() // 1_000_000
        if wall > self._millis:
            self._millis, self._counter = wall, 0
        elif self._counter < _MAX_COUNTER:
            self._counter += 1
        else:  # more than 10 000 writes in one millisecond: borrow from the next one
            self._millis, self._counter = self._millis + 1, 0
        return format_stamp(self._millis, self._counter, self.replica_id)

    def observe(self, stamp: str | None) -> None:
        """Advance past a stamp received from another replica."""
        if not stamp:
            return
        millis, counter = int(stamp[:16]), int(stamp[17:21])
        if (millis, counter) > (self._millis, self._counter):
            self._millis, self._counter = millis, counter

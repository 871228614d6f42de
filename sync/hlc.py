"""Hybrid logical clock stamps.

A stamp is ``"MMMMMMMMMMMMMMMM-CCCC-RRRRRRRR"``: wall-clock milliseconds (16 digits), a counter
(4 digits) and the replica id (8 characters of ``[0-9a-z]``). Fixed width, so stamps sort
correctly as text, and every stamp is unique to one write of one replica.

The clock's range ends at :data:`MAX_MILLIS` (the start of year 2201 UTC, past the domain's
latest date) with counter :data:`MAX_COUNTER`: documents holding a later stamp are refused, and
the clock never issues one (see ``docs/sync-model.md``, "Clocks").
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from .errors import ReplicaError

STAMP_PATTERN = r"^\d{16}-\d{4}-[0-9a-z]{8}$"
REPLICA_ID_PATTERN = r"^[0-9a-z]{8}$"
_STAMP_RE = re.compile(STAMP_PATTERN)
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"

MAX_MILLIS = 7_289_654_400_000
"""The last valid wall-clock part of a stamp: 2201-01-01T00:00:00Z in milliseconds."""
MAX_COUNTER = 9999
"""The last valid counter part of a stamp."""
MAX_STAMP = f"{MAX_MILLIS:016d}-{MAX_COUNTER:04d}-zzzzzzzz"
"""The largest stamp in range: a well-formed stamp is in range iff it sorts <= this."""
RANGE_END = "2201-01-01T00:00:00Z"
""":data:`MAX_MILLIS` for people."""


class ClockRangeError(ReplicaError):
    """The clock reached the end of its range: no later stamp can be issued."""


def new_replica_id() -> str:
    """Return a fresh random replica id (8 characters of ``[0-9a-z]``)."""
    import secrets  # here: only a new replica needs an id

    return "".join(secrets.choice(_ALPHABET) for _ in range(8))


def format_stamp(millis: int, counter: int, replica_id: str) -> str:
    """Build a stamp from its parts."""
    return f"{millis:016d}-{counter:04d}-{replica_id}"


def is_stamp(stamp: object) -> bool:
    """True when ``stamp`` is a well-formed stamp within the clock's range."""
    return isinstance(stamp, str) and bool(_STAMP_RE.match(stamp)) and stamp <= MAX_STAMP


def parse_stamp(stamp: str) -> tuple[int, int, str]:
    """Split a stamp into (milliseconds, counter, replica id).

    Raises:
        ValueError: the text is not a stamp, or lies beyond the clock's range.
    """
    if not isinstance(stamp, str) or not _STAMP_RE.match(stamp):
        raise ValueError(f"not a clock stamp: {stamp!r}")
    if stamp > MAX_STAMP:
        raise ValueError(f"clock stamp too far in the future: {stamp} (the range ends {RANGE_END})")
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
    when the wall clock is wrong or goes backwards, and always within the clock's range: a wall
    clock past :data:`MAX_MILLIS` is ignored (the clock counts on from its last stamp), and at
    the very end of the range ``tick()`` raises :class:`ClockRangeError` instead of issuing a
    stamp no one could read.
    """

    __slots__ = ("_counter", "_millis", "_now", "replica_id")

    def __init__(
        self,
        replica_id: str,
        last: str | None = None,
        *,
        now: Callable[[], int] = time.time_ns,
    ) -> None:
        """Create a clock for ``replica_id``, continuing after the stamp ``last`` if given.

        Raises:
            ValueError: ``last`` is not a stamp within the clock's range.
        """
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
        """Return a new stamp for a local write.

        Raises:
            ClockRangeError: the clock is at the very end of its range.
        """
        wall = self._now() // 1_000_000
        if self._millis < wall <= MAX_MILLIS:
            self._millis, self._counter = wall, 0
        elif self._counter < MAX_COUNTER:
            self._counter += 1
        elif self._millis < MAX_MILLIS:  # 10 000 writes in one millisecond: borrow the next one
            self._millis, self._counter = self._millis + 1, 0
        else:
            raise ClockRangeError(
                f"the clock has reached the end of its range ({RANGE_END}): a stamp that far "
                "in the future was synced in, and no later edit can be stamped",
                code="replica.clock_range",
                end=RANGE_END,
            )
        return format_stamp(self._millis, self._counter, self.replica_id)

    def observe(self, stamp: str | None) -> None:
        """Advance past a stamp received from another replica.

        Anything that is not a stamp within the clock's range is ignored: the clock never
        moves to a place it could not issue stamps from.
        """
        if not stamp or not is_stamp(stamp):
            return
        millis, counter = int(stamp[:16]), int(stamp[17:21])
        if (millis, counter) > (self._millis, self._counter):
            self._millis, self._counter = millis, counter

"""Full garbage collections held back while long work runs in a worker thread.

CPython's full (generation 2) collection walks every tracked object in one go, holding the
interpreter lock: the event loop cannot run meanwhile. A first pull of 50 000 people grows the
heap by millions of objects, and each of the ten full collections it set off took 40–165 ms —
they were exactly the ten event-loop stalls over 60 ms measured during it (with them held back:
none over 60 ms but one). Young collections stay on (they are short: they only look at new
objects) and still free the cycles work leaves; a sync's, a build's or the dashboard's data is
freed by reference counting when the work ends. When the last such work ends the collector's
thresholds are put back, and the next full collection walks only what survived.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["full_collections_held"]

_NEVER = 2**31 - 1
"""A generation-2 threshold no count of young collections reaches."""

_lock = threading.Lock()
_holders = 0
_saved: tuple[int, ...] = ()


@contextmanager
def full_collections_held() -> Iterator[None]:
    """No automatic full collection while any thread is inside this block (young ones run)."""
    global _holders, _saved
    with _lock:
        if _holders == 0:
            _saved = gc.get_threshold()
            young, middle = _saved[0], _saved[1]
            gc.set_threshold(young, middle, _NEVER)
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0:
                gc.set_threshold(*_saved)

"""Full garbage collections held back while long work runs in a worker thread.

CPython's full (generation 2) collection walks every tracked object in one go, holding the
interpreter lock: the event loop cannot run meanwhile. A first pull of 50 000 people grows the
heap by millions of objects, and each of the ten full collections it set off took 40–165 ms —
they were exactly the ten event-loop stalls over 60 ms measured during it (with them held back:
none over 60 ms but one). Young collections stay on (they are short: they only look at new
objects) and still free the cycles work leaves; a sync's, a build's or the dashboard's data is
freed by reference counting when the work ends. When the last such work ends the collector's
thresholds are put back, and the next full collection walks only what survived.

Even then a full collection walks the whole app — Textual's and our modules, classes, CSS and
screens: about 57 000 objects and 55–60 ms here. They live as long as the app, so after the
first frame they are frozen (:func:`gc.freeze`: moved out of the collector's sight; the garbage
among them at that moment, a few startup objects, is never freed) and thawed when the app
ends, which makes a full collection a few milliseconds.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["freeze_long_lived", "full_collections_held", "thaw_long_lived"]

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


def freeze_long_lived() -> None:
    """Move every object alive now out of the collector's sight (for the app's lifetime)."""
    gc.freeze()


def thaw_long_lived() -> None:
    """Hand the frozen objects back to the collector (the app has ended)."""
    gc.unfreeze()

"""Counting the calls under way on other threads, so that closing can wait for them."""

from __future__ import annotations

import threading
from types import TracebackType


class WorkCount:
    """A context manager counting the threads inside it; :meth:`wait_idle` waits for none.

    The repository's replica connections must not be closed while a worker thread runs a
    statement on one of them (SQLite then frees what the statement is using: the process can
    crash). Re-entrant: a thread inside it may enter again.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._inside = 0

    def __enter__(self) -> WorkCount:
        with self._changed:
            self._inside += 1
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        with self._changed:
            self._inside -= 1
            self._changed.notify_all()

    def wait_idle(self) -> None:
        """Wait until no thread is inside."""
        with self._changed:
            self._changed.wait_for(lambda: self._inside == 0)

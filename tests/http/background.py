"""Run a call in a thread and collect its outcome, with a guard against hanging the suite.

The guard is generous (minutes) and only there so that broken code fails the test instead of
blocking the run; it is never how a test measures speed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

GUARD = 120.0
"""Seconds to wait for the thread before declaring it hung."""


class Background:
    """``fn()`` running in a daemon thread; :meth:`outcome` joins it."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        self._result: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn,), daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[[], Any]) -> None:
        try:
            self._result = fn()
        except BaseException as exc:  # handed to the test thread
            self._error = exc

    def outcome(self, guard: float = GUARD) -> BaseException | None:
        """Join the thread; return the exception it raised (None if it returned)."""
        self._thread.join(guard)
        if self._thread.is_alive():
            pytest.fail(f"the call was still running after {guard:.0f} s: it hung")
        return self._error

    def error(self, expected: type[BaseException], guard: float = GUARD) -> BaseException:
        """Join the thread and assert it raised ``expected``; return the exception."""
        error = self.outcome(guard)
        assert isinstance(error, expected), f"expected {expected.__name__}, got {error!r}"
        return error

    @property
    def result(self) -> Any:
        """What ``fn()`` returned (after :meth:`outcome`)."""
        return self._result

"""The progress line of long commands: one line on stderr, rewritten in place with ``\\r``.

``syncing: merging 45 % (45 000 / 100 000)``. It is drawn only when stderr is a terminal, and
not at all under ``--quiet`` or ``DIGIKUNTA_QUIET=1``: piped or redirected, stderr carries
exactly the usual lines. Redraws are rate-limited (at most one per ``interval`` within a phase;
a new phase and a phase's 100 % are drawn at once), so reporting every row costs nothing
measurable (under a microsecond a report). Every command
clears the line before it prints anything else, and the CLI clears it before an error.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Mapping

from ..i18n import grouped as count_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

INTERVAL = 0.1
"""Seconds between two redraws of the same phase (at most 10 per second)."""

MIN_ROWS = 2000
"""Imports and exports of fewer rows than this show no progress (they take a blink)."""

QUIET_ENV = "DIGIKUNTA_QUIET"
"""Set to 1 (or true, yes, on) for no progress line, as ``--quiet``."""

Report = Callable[[int, int], None]
"""``report(done, total)``; ``total`` 0 means unknown."""


def quiet_from_env(environ: Mapping[str, str]) -> bool:
    """True when ``DIGIKUNTA_QUIET`` asks for no progress line."""
    return environ.get(QUIET_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def progress_text(label: str, done: int, total: int) -> str:
    """The line for ``done`` of ``total`` (a percentage when the total is known)."""
    if total > 0:
        done = max(0, min(done, total))
        percent = done * 100 // total
        return f"{label} {percent} % ({count_text(done)} / {count_text(total)})"
    if done > 0:
        return f"{label} {count_text(done)}…"
    return f"{label}…"


class ProgressLine:
    """One rewritable progress line on a terminal stream (a no-op when disabled)."""

    def __init__(
        self,
        stream: TextIO,
        *,
        enabled: bool,
        interval: float = INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Draw on ``stream`` when ``enabled``; redraw a phase at most every ``interval`` s."""
        self._stream = stream
        self._enabled = enabled
        self._interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._label: str | None = None
        self._text = ""
        self._drawn_at = 0.0
        self._width = 0  # characters on screen now (0: nothing drawn)

    @classmethod
    def for_stderr(
        cls, *, quiet: bool = False, environ: Mapping[str, str] = os.environ
    ) -> ProgressLine:
        """The CLI's line: on ``sys.stderr`` if it is a terminal and quiet was not asked for."""
        stream = sys.stderr
        enabled = not quiet and not quiet_from_env(environ) and _is_terminal(stream)
        return cls(stream, enabled=enabled)

    @property
    def enabled(self) -> bool:
        """True when the line is drawn at all."""
        return self._enabled

    def show(self, label: str, done: int, total: int) -> None:
        """Report ``done`` of ``total`` for ``label`` (redrawn when due); any thread may call."""
        if not self._enabled:
            return
        now = self._clock()
        finished = 0 < total <= done
        with self._lock:
            if label == self._label and now - self._drawn_at < self._interval and not finished:
                return
            text = progress_text(label, done, total)
            if text == self._text:
                return
            self._label, self._drawn_at, self._text = label, now, text
            self._draw(text)

    def reporter(self, label: str, *, min_total: int = 0) -> Report:
        """A ``progress(done, total)`` callback for ``label``.

        Reports whose known total is below ``min_total`` draw nothing (short jobs stay silent).
        """

        def report(done: int, total: int) -> None:
            if total >= min_total or (total <= 0 and done >= min_total):
                self.show(label, done, total)

        return report

    def sync_reporter(self, label: str = "syncing") -> Callable[[str, int, int], None]:
        """A callback for ``sync.sync(progress=...)``: ``syncing: merging 45 % (…)``.

        The engine's phases (``reading``, ``merging`` …) are said in the current language.
        """
        from ..i18n import has_text, t

        def report(phase: str, done: int, total: int) -> None:
            key = f"cli.msg.phase.{phase}"
            self.show(f"{label}: {t(key) if has_text(key) else phase}", done, total)

        return report

    def clear(self) -> None:
        """Erase the line (the cursor back at its start), if one is drawn."""
        with self._lock:
            if self._width:
                self._write("\r" + " " * self._width + "\r")
                self._width = 0
            self._label, self._text = None, ""

    def _draw(self, text: str) -> None:
        columns = _columns(self._stream)
        if columns > 1 and len(text) >= columns:  # a wrapped line could not be rewritten
            text = text[: columns - 2] + "…"
        padding = " " * max(0, self._width - len(text))
        # the width first: a Ctrl-C right after the write must still find the line to clear
        self._width = max(self._width, len(text))
        self._write("\r" + text + padding)
        self._width = len(text)

    def _write(self, data: str) -> None:
        try:
            self._stream.write(data)
            self._stream.flush()
        except (OSError, ValueError):  # the terminal went away: the work goes on, silently
            self._enabled = False
            self._width = 0


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _columns(stream: TextIO) -> int:
    """The terminal's width (0 when unknown)."""
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return 0

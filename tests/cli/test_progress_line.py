"""The progress line itself: its text, its rate limit, clearing, and a terminal's width."""

from __future__ import annotations

import io
import os
import pty
import struct
import termios
from fcntl import ioctl

import pytest
from pty_cli import screen_lines

from digikunta_tui.commands.progress import ProgressLine, count_text, progress_text


class Clock:
    """A clock the test moves by hand (the line's rate limit reads it)."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def line_on(stream: io.StringIO, clock: Clock, *, enabled: bool = True) -> ProgressLine:
    return ProgressLine(stream, enabled=enabled, interval=0.1, clock=clock)


def draws(stream: io.StringIO) -> list[str]:
    return [part.rstrip() for part in stream.getvalue().split("\r") if part.strip()]


@pytest.mark.parametrize(
    ("done", "total", "text"),
    [
        (45_000, 100_000, "syncing: merging 45 % (45 000 / 100 000)"),
        (0, 7, "syncing: merging 0 % (0 / 7)"),
        (7, 7, "syncing: merging 100 % (7 / 7)"),
        (9, 7, "syncing: merging 100 % (7 / 7)"),
        (1_234_567, 0, "syncing: merging 1 234 567…"),
        (0, 0, "syncing: merging…"),
    ],
)
def test_progress_text(done: int, total: int, text: str) -> None:
    assert progress_text("syncing: merging", done, total) == text


def test_count_text_groups_digits_by_three() -> None:
    assert [count_text(n) for n in (0, 999, 1000, 177_438)] == ["0", "999", "1 000", "177 438"]


def test_redraws_of_one_phase_are_rate_limited_and_a_new_phase_is_drawn_at_once() -> None:
    stream, clock = io.StringIO(), Clock()
    line = line_on(stream, clock)
    for done in range(1000):  # a thousand reports within one interval: one draw
        line.show("importing: checking", done, 1000)
    assert draws(stream) == ["importing: checking 0 % (0 / 1 000)"]
    clock.now += 0.05
    line.show("importing: checking", 500, 1000)
    assert len(draws(stream)) == 1
    clock.now += 0.06
    line.show("importing: checking", 600, 1000)
    line.show("importing: writing", 0, 1000)  # a new phase: drawn although just redrawn
    assert draws(stream)[1:] == [
        "importing: checking 60 % (600 / 1 000)",
        "importing: writing 0 % (0 / 1 000)",
    ]


def test_the_end_of_a_phase_is_drawn_at_once_and_only_once() -> None:
    stream, clock = io.StringIO(), Clock()
    line = line_on(stream, clock)
    line.show("syncing: merging", 0, 300)
    line.show("syncing: merging", 150, 300)  # within the interval: skipped
    line.show("syncing: merging", 300, 300)  # the phase's end: drawn although just redrawn
    line.show("syncing: merging", 300, 300)
    clock.now += 1
    line.show("syncing: merging", 300, 300)  # the same text again: not redrawn
    assert draws(stream) == ["syncing: merging 0 % (0 / 300)", "syncing: merging 100 % (300 / 300)"]


def test_clear_erases_exactly_what_was_drawn() -> None:
    stream, clock = io.StringIO(), Clock()
    line = line_on(stream, clock)
    line.clear()
    assert stream.getvalue() == ""  # nothing drawn, nothing to erase
    line.show("syncing: reading", 0, 0)
    line.show("syncing: merging", 5, 10)
    assert screen_lines(stream.getvalue()) == ["syncing: merging 50 % (5 / 10)"]
    line.clear()
    assert screen_lines(stream.getvalue()) == []
    size = len(stream.getvalue())
    line.clear()
    assert len(stream.getvalue()) == size


def test_a_shorter_line_overwrites_a_longer_one_completely() -> None:
    stream, clock = io.StringIO(), Clock()
    line = line_on(stream, clock)
    line.show("syncing: merging", 99_999, 100_000)
    line.show("syncing: writing", 0, 0)
    assert screen_lines(stream.getvalue()) == ["syncing: writing…"]


def test_a_disabled_line_writes_nothing() -> None:
    stream, clock = io.StringIO(), Clock()
    line = line_on(stream, clock, enabled=False)
    line.show("syncing: merging", 1, 2)
    line.reporter("x")(1, 2)
    line.sync_reporter()("reading", 0, 0)
    line.clear()
    assert stream.getvalue() == ""


def test_a_reporter_below_its_minimum_draws_nothing() -> None:
    stream, clock = io.StringIO(), Clock()
    report = line_on(stream, clock).reporter("exporting: writing", min_total=2000)
    report(10, 1999)
    assert stream.getvalue() == ""
    report(10, 2000)
    assert draws(stream) == ["exporting: writing 0 % (10 / 2 000)"]


def test_for_stderr_is_off_when_quiet_or_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stderr", io.StringIO())  # not a terminal
    assert not ProgressLine.for_stderr(environ={}).enabled
    master, slave = pty.openpty()
    try:
        with open(slave, "w", encoding="utf-8", closefd=False) as terminal:
            monkeypatch.setattr("sys.stderr", terminal)
            assert ProgressLine.for_stderr(environ={}).enabled
            assert not ProgressLine.for_stderr(quiet=True, environ={}).enabled
            assert not ProgressLine.for_stderr(environ={"DIGIKUNTA_QUIET": "1"}).enabled
            assert not ProgressLine.for_stderr(environ={"DIGIKUNTA_QUIET": "yes"}).enabled
            assert ProgressLine.for_stderr(environ={"DIGIKUNTA_QUIET": "0"}).enabled
    finally:
        os.close(master)
        os.close(slave)


def test_a_line_never_wraps_on_a_narrow_terminal() -> None:
    master, slave = pty.openpty()
    ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 20, 0, 0))
    try:
        with open(slave, "w", encoding="utf-8", closefd=False) as terminal:
            line = ProgressLine(terminal, enabled=True)
            line.show("syncing: merging", 45_000, 100_000)
            received = os.read(master, 4096).decode("utf-8")
    finally:
        os.close(master)
        os.close(slave)
    drawn = received.split("\r")[1]
    assert len(drawn) < 20
    assert drawn.startswith("syncing: merging") and drawn.endswith("…")

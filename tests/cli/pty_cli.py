"""The CLI run as a real process whose stderr is a terminal (a pty), as in a shell window."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import tempfile
import termios
from collections.abc import Callable
from dataclasses import dataclass

from cli_helpers import Cli

PROGRESS = re.compile(r"(?P<label>[a-z][a-z :]*?) (?P<percent>\d{1,3}) % \((?P<done>[\d ]+) / ")
"""A drawn progress line with a percentage: ``importing: checking 45 % (1 125 / 2 500)``."""


@dataclass
class PtyResult:
    """A finished CLI process whose stderr was a terminal."""

    code: int
    out: bytes
    terminal: str
    """Everything written to the terminal (stderr), as received (``\\n`` arrives as ``\\r\\n``)."""

    @property
    def drawn(self) -> list[str]:
        """Every piece of text drawn between two carriage returns or line ends."""
        return [part for part in re.split(r"[\r\n]", self.terminal) if part.strip()]

    def progress(self, label: str) -> list[int]:
        """The percentages drawn for ``label``, in order."""
        found = []
        for part in self.drawn:
            match = PROGRESS.match(part.strip())
            if match and match["label"] == label:
                found.append(int(match["percent"]))
        return found

    @property
    def screen(self) -> list[str]:
        """The terminal's lines as a person sees them at the end (``\\r`` overwrites)."""
        return screen_lines(self.terminal)


def screen_lines(text: str) -> list[str]:
    """What a terminal shows after receiving ``text``: ``\\r`` returns to the line's start."""
    lines: list[list[str]] = [[]]
    column = 0
    for char in text:
        if char == "\r":
            column = 0
        elif char == "\n":
            lines.append([])
            column = 0
        else:
            line = lines[-1]
            line.extend(" " * (column + 1 - len(line)))
            line[column] = char
            column += 1
    shown = ["".join(line).rstrip() for line in lines]
    while shown and not shown[-1]:
        shown.pop()
    return shown


def run_on_pty(
    cli: Cli,
    *args: str | os.PathLike[str],
    env: dict[str, str] | None = None,
    columns: int = 120,
    on_output: Callable[[str, subprocess.Popen[bytes]], None] | None = None,
) -> PtyResult:
    """Run the CLI with stderr on a new pty (stdout to a file) and collect what it draws.

    ``on_output(terminal so far, process)`` is called each time more output arrives (e.g. to
    interrupt the process once a progress line shows).
    """
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    with tempfile.TemporaryFile() as stdout:
        proc = subprocess.Popen(
            [sys.executable, "-m", "digikunta_tui.cli", *map(str, args)],
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=slave,
            env={**cli.env(), **(env or {})},
            cwd=cli.home,
        )
        os.close(slave)
        received = bytearray()
        try:
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: every writer of the terminal has closed it
                    break
                if not chunk:
                    break
                received += chunk
                if on_output is not None:
                    on_output(received.decode("utf-8", "replace"), proc)
        finally:
            os.close(master)
            code = proc.wait()
        stdout.seek(0)
        out = stdout.read()
    return PtyResult(code, out, received.decode("utf-8", "replace"))

"""Helpers for the CLI tests: the CLI run as a real process, replica snapshots, error checks."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Result:
    """A finished CLI process."""

    code: int
    out: bytes
    err: str

    @property
    def text(self) -> str:
        """stdout as text."""
        return self.out.decode("utf-8")


@dataclass
class Cli:
    """Runs ``python -m digikunta_tui.cli`` with its data and config inside ``tmp_path``."""

    home: Path
    data_dir: Path
    config: Path

    def env(self) -> dict[str, str]:
        """The environment of the process: nothing of the real home or locale leaks in."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DIGIKUNTA_", "LC_"))}
        env.update(
            HOME=str(self.home),
            XDG_CONFIG_HOME=str(self.home / ".config"),
            XDG_DATA_HOME=str(self.home / ".local/share"),
            XDG_CACHE_HOME=str(self.home / ".cache"),
            DIGIKUNTA_DATA_DIR=str(self.data_dir),
            DIGIKUNTA_CONFIG=str(self.config),
            LANG="C.UTF-8",
            PYTHONPATH=str(REPO_ROOT),
            PYTHONIOENCODING="utf-8",
        )
        return env

    def __call__(self, *args: str | Path, stdin: bytes = b"") -> Result:
        proc = subprocess.run(
            [sys.executable, "-m", "digikunta_tui.cli", *map(str, args)],
            input=stdin,
            capture_output=True,
            env=self.env(),
            cwd=self.home,
            check=False,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace"))


def records_of(data_dir: Path) -> list[tuple[Any, ...]]:
    """The replica's records (id, kind, fields, stamps, deleted, erased, alive), by id."""
    conn = sqlite3.connect(data_dir / "replica.sqlite")
    try:
        return conn.execute(
            "SELECT id, kind, fields, stamps, deleted, erased, alive FROM records ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def one_line_error(result: Result) -> str:
    """Assert a failure is one line on stderr without a traceback; return the line."""
    assert result.code != 0
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("digikunta: error: ")
    return lines[0]

"""``digikunta sync`` that finds nothing changed loads neither pydantic, httpx, textual nor the
domain; one that pulls something still brings the search index up to date. Real processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cli_helpers import Cli

HEAVY = ("pydantic", "httpx", "textual", "digikunta_tui.domain", "filelock")

# The CLI in a process of its own that says, after it ran, which heavy modules it loaded.
RUN = """
import json, sys
from digikunta_tui.cli import main
code = main(sys.argv[1:])
heavy = sorted({m.split(".")[0] if not m.startswith("digikunta_tui.domain") else
                "digikunta_tui.domain" for m in sys.modules if m.startswith(HEAVY)})
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
""".replace("HEAVY", repr(HEAVY))


def _run(cli: Cli, *args: str) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", RUN, *args],
        capture_output=True,
        env=cli.env(),
        cwd=cli.home,
        check=False,
        text=True,
    )
    return {**json.loads(proc.stderr.strip().splitlines()[-1]), "out": proc.stdout}


def test_a_sync_that_finds_nothing_changed_loads_nothing_heavy(cli: Cli, tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir()
    first = _run(cli, "sync", "--remote", str(shared))
    assert first["code"] == 0
    again = _run(cli, "sync", "--remote", str(shared))
    assert again["code"] == 0
    assert "(nothing changed)" in str(again["out"])
    assert again["heavy"] == []


def test_a_sync_that_pulls_updates_the_index(cli: Cli, make_cli, tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir()
    assert cli("sync", "--remote", shared).code == 0
    other = make_cli(tmp_path / "other")
    pulled = _run(other, "sync", "--remote", str(shared))
    assert pulled["code"] == 0
    assert "digikunta_tui.domain" in pulled["heavy"]  # the index was brought up to date
    found = other("export", "people", "--format", "csv")
    mine = cli("export", "people", "--format", "csv")
    assert found.code == mine.code == 0
    assert found.out == mine.out and found.out.count(b"\n") > 2

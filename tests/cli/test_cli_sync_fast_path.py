"""``digikunta sync`` that finds nothing changed loads neither pydantic, httpx, textual nor the
domain; one that pulls something still brings the search index up to date. Real processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cli_helpers import Cli

HEAVY = ("pydantic", "httpx", "textual", "digikunta_tui.domain", "filelock")

# What a no-op sync has no use for, beside the heavy ones: the other commands' modules, the
# TOML parser when there is no config file, shutil (argparse's terminal width), textwrap,
# locale (gettext searching for catalogues argparse does not use here); dataclasses (with
# inspect, ast and dis), typing and hashlib (OpenSSL), which cost more than the sync itself
# (the ``sync`` package's docstring), and the document's parser and layout.
UNNEEDED = (
    "digikunta_tui.commands.", "tomllib", "shutil", "textwrap", "locale", "dataclasses",
    "inspect", "typing", "hashlib", "string", "sync.document", "sync.layout", "sync.digests",
)  # fmt: skip

# The CLI in a process of its own that says, after it ran, which modules it loaded.
RUN = """
import json, sys
from digikunta_tui.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def _run(cli: Cli, *args: str) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", RUN, *args],
        capture_output=True,
        env=cli.env(),
        cwd=cli.home,
        check=False,
        text=True,
    )
    ran = json.loads(proc.stderr.strip().splitlines()[-1])
    modules: list[str] = ran["modules"]
    heavy = {
        "digikunta_tui.domain" if m.startswith("digikunta_tui.domain") else m.split(".")[0]
        for m in modules
        if m.startswith(HEAVY)
    }
    unneeded = {m for m in modules if m.startswith(UNNEEDED)} - {
        "digikunta_tui.commands.sync_cmd",
        "digikunta_tui.commands.context",
        "digikunta_tui.commands.progress",
    }
    return {"code": ran["code"], "heavy": sorted(heavy), "unneeded": sorted(unneeded),
            "out": proc.stdout}  # fmt: skip


def test_a_sync_that_finds_nothing_changed_loads_nothing_heavy(cli: Cli, tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir()
    first = _run(cli, "sync", "--remote", str(shared))
    assert first["code"] == 0
    again = _run(cli, "sync", "--remote", str(shared))
    assert again["code"] == 0
    assert "(nothing changed)" in str(again["out"])
    assert again["heavy"] == []
    assert again["unneeded"] == []


def test_with_a_config_file_a_sync_that_finds_nothing_changed_loads_nothing_heavy(
    cli: Cli, tmp_path: Path
) -> None:
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir()
    cli.config.write_text(
        f'[replica]\nname = "Ville, läppäri"\n[sync]\nremote = "{shared}"\ntimeout = 30\n'
        '[ui]\nlanguage = "fi"\n',
        "utf-8",
    )
    first = _run(cli, "sync")
    assert first["code"] == 0
    # the file is new: its parser is loaded (with the ``string`` and ``typing`` it uses) ...
    assert {"tomllib", "string", "typing"} <= {str(m).split(".")[0] for m in first["unneeded"]}
    again = _run(cli, "sync")
    assert again["code"] == 0
    assert "(ei muutoksia)" in str(again["out"])  # in the config's language
    assert again["heavy"] == []
    assert again["unneeded"] == []  # ... read again unchanged, its parse comes from the cache
    cli.config.write_text('[sync]\nremote = "x.json"\ntimeout = 0\n', "utf-8")
    refused = _run(cli, "sync")  # a wrong value: the rules (pydantic) word the message
    assert refused["code"] == 1 and "pydantic" in refused["heavy"]


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

"""The progress line of long commands, run as a user would: on a terminal, piped, quiet.

stderr is a real pty (``pty.openpty``) read as a terminal receives it; a progress line is a
piece of text between carriage returns with a percentage in it.
"""

from __future__ import annotations

import csv
import io
import shutil
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import Cli, one_line_error, records_of
from pty_cli import run_on_pty

from digikunta_tui.commands.progress import MIN_ROWS
from digikunta_tui.domain.demo import demo_id

ROWS = MIN_ROWS + 500
"""Rows of the large import: enough for the progress line."""


@pytest.fixture(scope="session")
def large_template(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Path:
    """The demo data plus ``ROWS`` synthetic people, built once."""
    from digikunta_tui.domain.repository import Repository
    from digikunta_tui.domain.synthetic import add_synthetic

    folder = tmp_path_factory.mktemp("large-template") / "data"
    shutil.copytree(demo_template, folder)
    repo = Repository.open(folder, replica_name="template")
    try:
        add_synthetic(repo, ROWS, seed=4)
        repo.refresh()
    finally:
        repo.close()
    return folder


def people_csv(
    tmp_path: Path, rows: int, *, bad_row: int | None = None, name: str = "tuonti"
) -> Path:
    """A CSV of ``rows`` new people of the demo's Kuopio (row ``bad_row`` with a bad e-mail)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "given_name", "family_name", "organization", "email"])
    kuopio = demo_id("organization", "kuopio")
    for i in range(rows):
        email = "not an address" if i == bad_row else f"{name}.{i}@kuopio.example.fi"
        writer.writerow(["", "Tuoja", f"Rivi{i}", kuopio, email])
    path = tmp_path / f"{name}.csv"
    path.write_text(buffer.getvalue(), "utf-8")
    return path


def test_a_large_import_draws_its_progress_on_a_terminal_and_clears_it(
    cli: Cli, tmp_path: Path
) -> None:
    path = people_csv(tmp_path, ROWS)
    result = run_on_pty(cli, "import", path, "--kind", "people")
    assert result.code == 0, result.terminal
    assert result.out == f"imported {ROWS} people: {ROWS} new, 0 updated\n".encode()
    checking = result.progress("importing: checking")
    assert checking and checking == sorted(checking), result.drawn
    assert result.progress("importing: writing"), result.drawn
    assert "\r" in result.terminal
    assert result.screen == []  # the line was cleared: nothing is left on the terminal


def test_a_large_import_piped_writes_exactly_the_usual_lines(cli: Cli, tmp_path: Path) -> None:
    good = cli("import", people_csv(tmp_path, ROWS), "--kind", "people")
    assert good.code == 0
    assert good.err == ""
    path = people_csv(tmp_path, ROWS, bad_row=7, name="toinen")
    before = records_of(cli.data_dir)
    bad = cli("import", path, "--kind", "people")
    line = one_line_error(bad)
    assert line.startswith(f"digikunta: error: {path}: row 9: email: ")
    assert "\r" not in bad.err
    assert records_of(cli.data_dir) == before


def test_a_refused_import_on_a_terminal_ends_with_only_its_error_line(
    cli: Cli, tmp_path: Path
) -> None:
    path = people_csv(tmp_path, ROWS, bad_row=ROWS - 1)
    result = run_on_pty(cli, "import", path, "--kind", "people")
    assert result.code == 1
    assert result.progress("importing: checking")
    assert len(result.screen) == 1, result.screen
    assert result.screen[0].startswith(f"digikunta: error: {path}: row {ROWS + 1}: email: ")


def test_sync_on_a_terminal_shows_its_phases(cli: Cli, tmp_path: Path) -> None:
    shared = tmp_path / "shared.json"
    result = run_on_pty(cli, "sync", "--remote", shared)
    assert result.code == 0, result.terminal
    assert result.out.startswith(b"synced via file: ")
    assert result.progress("syncing: merging"), result.drawn
    drawn = [part.strip() for part in result.drawn]
    assert "syncing: reading…" in drawn and "syncing: committing…" in drawn
    assert result.screen == []


@pytest.mark.parametrize(
    ("flag", "env"),
    [(["--quiet"], {}), (["-q"], {}), ([], {"DIGIKUNTA_QUIET": "1"})],
    ids=["--quiet", "-q", "DIGIKUNTA_QUIET"],
)
def test_quiet_draws_nothing_on_a_terminal(
    flag: list[str], env: dict[str, str], cli: Cli, tmp_path: Path
) -> None:
    shared = tmp_path / "shared.json"
    result = run_on_pty(cli, *flag, "sync", "--remote", shared, env=env)
    assert result.code == 0, result.terminal
    assert result.out.startswith(b"synced via file: ")
    assert result.terminal == ""


def test_sync_piped_writes_nothing_on_stderr(cli: Cli, tmp_path: Path) -> None:
    result = cli("sync", "--remote", tmp_path / "shared.json")
    assert result.code == 0
    assert result.err == ""


def test_a_large_export_shows_progress_and_a_small_one_does_not(
    large_template: Path, make_cli: Callable[[Path], Cli], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(large_template, data)
    cli = make_cli(data)
    for fmt in ("csv", "json"):
        target = tmp_path / f"people.{fmt}"
        result = run_on_pty(cli, "export", "people", "--format", fmt, "-o", target)
        assert result.code == 0, result.terminal
        assert result.out.startswith(b"exported ")
        assert result.progress("exporting: reading") and result.progress("exporting: writing")
        assert result.screen == []
        assert target.stat().st_size > 0
    small = run_on_pty(cli, "export", "webinars", "-o", tmp_path / "webinars.csv")
    assert small.code == 0
    assert small.terminal == ""


def test_interrupting_an_import_while_its_progress_shows_changes_nothing(
    cli: Cli, tmp_path: Path
) -> None:
    path = people_csv(tmp_path, ROWS)
    before = records_of(cli.data_dir)
    interrupted: list[str] = []

    def interrupt(terminal: str, proc: subprocess.Popen[bytes]) -> None:
        if not interrupted and "importing: checking" in terminal:
            interrupted.append(terminal)
            proc.send_signal(signal.SIGINT)

    result = run_on_pty(cli, "import", path, "--kind", "people", on_output=interrupt)
    assert interrupted, result.terminal
    assert result.code == 130, result.terminal
    assert result.screen == ["digikunta: error: interrupted"]
    assert "Traceback" not in result.terminal
    assert result.out == b""
    assert records_of(cli.data_dir) == before
    again = cli("export", "people")  # the replica and its index still work
    assert again.code == 0 and b"Rivi" not in again.out


@pytest.mark.parametrize(
    "command",
    [["export", "people", "-o", "people.csv"], ["gdpr", "export", "Sanna Kokeilija"]],
    ids=["export", "gdpr-export"],
)
def test_a_command_that_builds_the_missing_index_shows_it(
    command: list[str], large_template: Path, make_cli: Callable[[Path], Cli], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(large_template, data)
    (data / "index.sqlite").unlink()  # a new laptop, a deleted cache
    cli = make_cli(data)
    result = run_on_pty(cli, *command)
    assert result.code == 0, result.terminal
    indexing = result.progress("indexing")
    assert indexing and indexing == sorted(indexing), result.drawn
    assert result.screen == []
    if command[0] == "gdpr":
        assert b'"given_name": "Sanna"' in result.out
    again = run_on_pty(cli, *command)  # the index is there now: nothing to show
    assert again.code == 0
    assert again.progress("indexing") == []


def test_a_large_pull_shows_the_sync_and_then_the_index(
    large_template: Path, make_cli: Callable[[Path], Cli], tmp_path: Path
) -> None:
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir()
    data = tmp_path / "data"
    shutil.copytree(large_template, data)
    assert make_cli(data)("sync", "--remote", shared).code == 0
    newcomer = make_cli(tmp_path / "newcomer")  # a new coordinator's empty replica
    result = run_on_pty(newcomer, "sync", "--remote", shared)
    assert result.code == 0, result.terminal
    merging = result.progress("syncing: merging")
    assert merging and merging[-1] == 100, result.drawn
    assert result.progress("indexing"), result.drawn
    drawn = [part.strip() for part in result.drawn]
    last_sync = max(i for i, part in enumerate(drawn) if part.startswith("syncing: "))
    assert any(part.startswith("indexing ") for part in drawn[last_sync:]), drawn
    assert result.screen == []
    assert newcomer("export", "people").out == make_cli(data)("export", "people").out

"""``digikunta --help``, ``demo``, ``sync`` and config errors, run as a user would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import Cli, one_line_error, records_of

COMMANDS = [
    "demo",
    "sync",
    "export",
    "import",
    "ics",
    "newsletter",
    "report",
    "mailing-list",
    "gdpr",
]


def test_help_lists_every_command(make_cli: Callable[[Path], Cli], tmp_path: Path) -> None:
    result = make_cli(tmp_path / "data")("--help")
    assert result.code == 0, result.err
    for command in COMMANDS:
        assert f"\n    {command} " in result.text
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["demo"],
        *([c] for c in COMMANDS[1:]),
        ["gdpr", "export"],
        ["gdpr", "erase"],
    ],
)
def test_every_command_help_has_examples(
    command: list[str], make_cli: Callable[[Path], Cli], tmp_path: Path
) -> None:
    result = make_cli(tmp_path / "data")(*command, "--help")
    assert result.code == 0, result.err
    assert "example" in result.text
    assert "digikunta " + command[0] in result.text.split("example", 1)[1]


def test_demo_without_app_creates_the_demo(make_cli: Callable[[Path], Cli], tmp_path: Path) -> None:
    cli = make_cli(tmp_path / "data")
    result = cli("demo", "--no-app")
    assert result.code == 0, result.err
    lines = result.text.splitlines()
    assert lines[0].startswith("demo replica: ") and lines[1].startswith("demo shared file: ")
    replica = Path(lines[0].removeprefix("demo replica: "))
    shared = Path(lines[1].removeprefix("demo shared file: "))
    assert replica.is_relative_to(tmp_path / "data")
    assert (replica / "replica.sqlite").is_file() and shared.is_file()
    assert b"Toni" in shared.read_bytes()


def test_sync_twice_second_time_nothing_changed(cli: Cli, tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir()
    first = cli("sync", "--remote", shared)
    assert first.code == 0, first.err
    assert shared.is_file()
    assert "pushed" in first.text and "(nothing changed)" not in first.text
    second = cli("sync", "--remote", shared)
    assert second.code == 0, second.err
    assert "(nothing changed)" in second.text
    assert "pulled 0, pushed 0" in second.text


def test_sync_without_a_remote_fails_in_one_line(cli: Cli) -> None:
    line = one_line_error(cli("sync"))
    assert "no shared file or URL configured" in line


def test_sync_with_a_garbage_shared_file_changes_nothing(cli: Cli, tmp_path: Path) -> None:
    shared = tmp_path / "digikunta.json"
    shared.write_bytes(b"this is not {json")
    before = records_of(cli.data_dir)
    result = cli("sync", "--remote", shared)
    assert result.code == 1
    line = one_line_error(result)
    assert str(shared) in line or shared.name in line
    assert shared.read_bytes() == b"this is not {json"
    assert records_of(cli.data_dir) == before


@pytest.mark.parametrize(
    ("content", "key"),
    [
        ("[sync]\ntimeout = -1\n", "sync.timeout"),
        ("[ui]\nlanguage = 'sv'\n", "ui.language"),
        ("[replica]\ncolour = 'red'\n", "replica.colour"),
    ],
)
def test_a_bad_setting_names_the_file_and_key(cli: Cli, content: str, key: str) -> None:
    cli.config.write_text(content, "utf-8")
    line = one_line_error(cli("export", "people"))
    assert str(cli.config) in line and key in line


def test_a_config_that_is_not_toml_fails_in_one_line(cli: Cli) -> None:
    cli.config.write_text("[sync\nremote = ", "utf-8")
    line = one_line_error(cli("mailing-list"))
    assert str(cli.config) in line and "not valid TOML" in line

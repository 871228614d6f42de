"""The domain's refusals reach the CLI as user errors: their message, exit 1, nothing written."""

from __future__ import annotations

import argparse

import pytest
from cli_helpers import Cli, one_line_error, records_of

from digikunta_tui import cli as cli_module
from digikunta_tui.commands import ics_cmd
from digikunta_tui.commands.context import CommandContext
from digikunta_tui.errors import (
    CommandError,
    ConfigError,
    NotFound,
    UserError,
    ValidationFailed,
)


def test_the_domain_refusals_are_user_errors() -> None:
    for error in (NotFound, ValidationFailed, ConfigError, CommandError):
        assert issubclass(error, UserError)
    assert issubclass(NotFound, LookupError)  # still caught where a lookup's miss is
    assert NotFound("person", "abc").message == str(NotFound("person", "abc"))


def test_a_missing_record_id_is_one_line_and_changes_nothing(cli: Cli) -> None:
    before = records_of(cli.data_dir)
    result = cli("ics", "0" * 32)
    assert result.code == cli_module.EXIT_ERROR
    line = one_line_error(result)
    assert "0" * 32 in line and "unexpected" not in line
    assert records_of(cli.data_dir) == before


def _main_running(
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: object,
) -> tuple[int, str]:
    """``digikunta ics x`` in this process, its command replaced by ``command`` (on the real
    repository of ``cli``); the exit code and stderr."""
    for name, value in cli.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(ics_cmd, "run", command)
    code = cli_module.main(["ics", "x"])
    return code, capsys.readouterr().err


def test_a_missing_record_is_reported_with_its_message(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = records_of(cli.data_dir)

    def command(args: argparse.Namespace, ctx: CommandContext) -> int:
        ctx.repository().require("person", "f" * 32)
        return 0

    code, err = _main_running(cli, monkeypatch, capsys, command)
    assert code == cli_module.EXIT_ERROR
    assert err.strip() == "digikunta: error: No person with id " + "f" * 32
    assert records_of(cli.data_dir) == before


def test_an_invalid_value_is_refused_with_its_message(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = records_of(cli.data_dir)

    def command(args: argparse.Namespace, ctx: CommandContext) -> int:
        repo = ctx.repository()
        webinar = repo.ids_starting("webinar", "")[0]
        repo.update("webinar", webinar, {"starts_at": "not a time"})
        return 0

    code, err = _main_running(cli, monkeypatch, capsys, command)
    assert code == cli_module.EXIT_ERROR
    line = err.strip()
    assert line.startswith("digikunta: error: refused, nothing written: starts_at: ")
    assert "unexpected" not in line and len(err.strip().splitlines()) == 1
    assert records_of(cli.data_dir) == before
